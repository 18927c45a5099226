// Smoke test of the proxy benchmark with minimal sizes: it runs end to end and writes a complete result.
// The speed aims are checked by running the benchmark itself, not here.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatTable, runProxyBench, type ProxyBenchResult } from './index.js';

describe('bench/proxy', function () {
  let dir: string;
  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'lhchaos-bench-proxy-'));
  });
  after(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs with minimal sizes and writes JSON and a table', async function () {
    const result = await runProxyBench({ objects: 1, rounds: 1, samples: 4, sizeMiB: 1, outDir: dir });
    const written = JSON.parse(await readFile(result.file, 'utf8')) as ProxyBenchResult;
    assert.deepEqual(written.options, result.options);
    for (const value of [
      ...Object.values(written.ratios),
      ...Object.values(written.addedMs),
      written.throughputMiBps.toxiproxy.get,
      written.latencyRule.achieved.p50,
    ]) {
      assert.ok(Number.isFinite(value), `finite: ${value}`);
    }
    assert.equal(Object.keys(written.ratios).length, 4);
    // The injected delay can only add time: the achieved delay is near 100 ms or above, never far below.
    assert.ok(written.latencyRule.achieved.p50 > 50, `achieved ${written.latencyRule.achieved.p50}`);
    assert.match(formatTable(result), /latency rule 100 ms/);
  });
});
