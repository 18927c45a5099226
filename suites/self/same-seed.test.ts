// The record comparison of two same-seed runs on literal records: requests a rule selected are matched by
// the identity the proxy recorded, so a different arrival order changes the sequence but not the decisions
// per request; a request that got another decision, or that one run alone sent, is counted as such.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunRecordWriter, type DecisionLine } from '../../record/index.js';
import { compareRecords } from './same-seed.js';

type Line = Omit<DecisionLine, 'id' | 'ts'>;

const get = (key: string, ordinal: number, acted: boolean): Line => ({
  op: 'GetObject',
  key,
  rule: acted ? 'coin' : null,
  action: acted ? 'delay' : 'pass',
  ...(acted ? { rules: ['coin'], delayMs: 7 } : {}),
  ordinals: { coin: ordinal },
});

describe('same-seed record comparison', () => {
  const dirs: string[] = [];
  after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  async function record(lines: Line[]): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'lhchaos-same-seed-'));
    dirs.push(dir);
    const writer = await RunRecordWriter.create(dir);
    lines.forEach((line, i) => writer.appendDecision({ ...line, id: i + 1, ts: 1000 + i }));
    await writer.close();
    return dir;
  }

  it('matches requests by recorded identity: another order differs in sequence, not per request', async () => {
    const a = await record([get('x', 1, true), get('y', 1, false), get('x', 2, false), get('y', 2, true)]);
    const b = await record([get('y', 1, false), get('y', 2, true), get('x', 1, true), get('x', 2, false)]);
    const { sequences, byRequest } = await compareRecords(a, b);
    assert.deepEqual(
      sequences.map((s) => [s.rule, s.identical]),
      [['coin', false]],
    );
    const [coin] = byRequest;
    assert.deepEqual(
      { common: coin?.selected.common, same: coin?.selected.same, onlyOne: coin?.selected.onlyOne },
      { common: 4, same: 4, onlyOne: 0 },
    );
  });

  it('counts a request decided otherwise, and one sent by one run only', async () => {
    const a = await record([get('x', 1, true), get('x', 2, false), get('x', 3, true)]);
    const b = await record([get('x', 1, false), get('x', 2, false)]);
    const [coin] = (await compareRecords(a, b)).byRequest;
    assert.deepEqual(
      { common: coin?.selected.common, same: coin?.selected.same, onlyOne: coin?.selected.onlyOne },
      { common: 2, same: 1, onlyOne: 1 },
    );
    assert.deepEqual(coin?.differing, [{ request: 'GetObject x #1', decisions: ['delay delay=7', '-'] }]);
  });
});
