// Repeatability (node --import tsx bench/repeat/index.ts [--seed S] [--scenario NAME]... [--iterations N]):
// two local runs of one seed, one after the other, each in its own private environment, then rule by rule
// whether the proxy's fault decisions came out in the same order with the same effect, and whether each
// request both runs sent got the same decision (by the identity the proxy keys its draws by). What is the
// same by construction (names, rule specs, image keys) the self-test asserts; this measures what also
// depends on the machine not reordering the requests. Writes bench/out/repeat.json; `--out DIR` keeps both
// records. `--records A B` compares two records made already (by `lhchaos run`, say) and runs nothing.
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { drive } from '../../suites/self/drive.js';
import { compareRecords, constructedParts } from '../../suites/self/same-seed.js';

const { values, positionals } = parseArgs({
  options: {
    seed: { type: 'string', default: '23' },
    scenario: { type: 'string', multiple: true, default: ['partial-sync'] },
    iterations: { type: 'string', default: '2' },
    longhorn: { type: 'string', default: 'v1.9.0' },
    /** Keep both records here (default: temp folders, removed). */
    out: { type: 'string' },
    /** Compare these two run directories instead of running. */
    records: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});
if (values.records) {
  if (positionals.length !== 2) {
    console.error('--records: give exactly two run directories');
    process.exit(2);
  }
  const [a, b] = positionals as [string, string];
  await report(a, b, { records: [a, b] });
  process.exit(0);
}
const seed = Number(values.seed);
const runs = [];
for (let i = 0; i < 2; i++) {
  const started = performance.now();
  const run = await drive({
    longhorn: values.longhorn,
    seed,
    scenarios: values.scenario,
    iterations: Number(values.iterations),
    outDir: values.out,
  });
  const seconds = (performance.now() - started) / 1000;
  const failed = run.verdict.checks
    .filter((c) => c.valid !== true && c.severity !== 'warn')
    .map((c) => c.name);
  console.log(
    `run ${i + 1}: ${run.runId} ${String(run.verdict.valid)} ${failed.join(',')} in ${seconds.toFixed(0)} s`,
  );
  runs.push(run);
}
const [a, b] = runs as [(typeof runs)[0], (typeof runs)[0]];
await report(a.runDir, b.runDir, { seed, scenarios: values.scenario, runs: [a.runId, b.runId] });
for (const run of runs) await run.cleanup();

/** Prints the comparison of two records and writes it, with `about`, to bench/out/repeat.json. */
async function report(dirA: string, dirB: string, about: Record<string, unknown>): Promise<void> {
  const [partsA, partsB] = [await constructedParts(dirA), await constructedParts(dirB)];
  const constructed = {
    names: JSON.stringify(partsA.names) === JSON.stringify(partsB.names),
    rules: JSON.stringify(partsA.rules) === JSON.stringify(partsB.rules),
    imageKeys: JSON.stringify(partsA.imageKeys) === JSON.stringify(partsB.imageKeys),
  };
  const { sequences: rules, byRequest } = await compareRecords(dirA, dirB);
  console.log(
    `load average now: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(`same by construction: ${JSON.stringify(constructed)}`);
  for (const rule of rules) {
    const where = rule.identical ? '' : ` (first difference at step ${String(rule.firstDifference)})`;
    console.log(
      `  ${rule.identical ? 'same' : 'DIFF'} ${rule.rule}: ${rule.lengths[0]} / ${rule.lengths[1]} decisions${where}`,
    );
  }
  const identical = rules.filter((r) => r.identical).length;
  console.log(
    `identical decision sequences (acting decisions, log order): ${identical} of ${rules.length} rules`,
  );
  for (const rule of byRequest) {
    const s = rule.selected;
    console.log(
      `  ${rule.rule}: selected requests ${s.same} of ${s.common} common decided alike, ${s.onlyOne} made by one run only; ` +
        `all requests it decided or changed ${rule.same} of ${rule.common} alike, ${rule.onlyOne} by one run only`,
    );
    for (const d of rule.differing)
      console.log(`    differs: ${d.request}: ${d.decisions[0]} | ${d.decisions[1]}`);
  }
  const agreeing = byRequest.filter((r) => r.selected.same === r.selected.common).length;
  console.log(`rules deciding every common selected request alike: ${agreeing} of ${byRequest.length}`);
  const allAgreeing = byRequest.filter((r) => r.same === r.common).length;
  console.log(`rules deciding or changing every common request alike: ${allAgreeing} of ${byRequest.length}`);
  await mkdir('bench/out', { recursive: true });
  await writeFile(
    join('bench/out', 'repeat.json'),
    `${JSON.stringify({ ...about, loadavg: loadavg(), constructed, rules, byRequest }, null, 2)}\n`,
  );
}
