// lhchaos explore, shrink and run --schedule: bad input exits 2 before anything starts, and the message
// names the flag or the file's field.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliCaptured } from '../../test-support/cli.js';

describe('lhchaos explore, shrink, run --schedule: usage errors exit 2 and name the bad input', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lhchaos-explore-cli-'));
    await writeFile(
      join(dir, 'bad.json'),
      JSON.stringify({ version: 1, name: 'bad', timeFactor: 0.05, rules: [{ arm: 'later', rule: {} }] }),
    );
    await writeFile(
      join(dir, 'good.json'),
      JSON.stringify({
        version: 1,
        name: 'good',
        timeFactor: 0.05,
        rules: [{ arm: 'faults', rule: { type: 'latency', name: 'slow', delayMs: 10 } }],
      }),
    );
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const cases: [string, () => string[], RegExp][] = [
    ['explore --budget soon', () => ['explore', '--budget', 'soon'], /--budget: expected a duration/],
    ['explore --max-runs 0', () => ['explore', '--max-runs', '0'], /--max-runs: expected a positive integer/],
    ['explore --profile nightly', () => ['explore', '--profile', 'nightly'], /--profile: explore takes only/],
    ['explore --seed x', () => ['explore', '--seed', 'x'], /--seed: expected a whole number from 0 to/],
    ['shrink a directory without a record', () => ['shrink', dir], /RUN_DIR: .* holds no faults\.jsonl/],
    ['coverage of a directory without a record', () => ['coverage', dir], /DIR: .* holds no run record/],
    [
      'run --schedule with a bad field',
      () => ['run', '--schedule', join(dir, 'bad.json')],
      /bad\.json: rules\[0\]\.arm: /,
    ],
    [
      'run --schedule with --scenario',
      () => ['run', '--schedule', join(dir, 'good.json'), '--scenario', 'partial-sync'],
      /--schedule: give either --schedule or --scenario/,
    ],
    [
      'run --profile explore --co-load fail',
      () => ['run', '--profile', 'explore', '--co-load', 'fail'],
      /--co-load: not with --profile explore/,
    ],
  ];
  for (const [title, args, message] of cases) {
    it(title, async () => {
      const { code, stderr } = await runCliCaptured(...args());
      assert.equal(code, 2, stderr);
      assert.match(stderr, message);
    });
  }
});
