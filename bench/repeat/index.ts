// Repeatability (node --import tsx bench/repeat/index.ts [--seed S] [--scenario NAME]... [--iterations N]):
// two local runs of one seed, one after the other, each in its own private environment, then rule by rule
// whether the proxy's fault decisions came out in the same order with the same effect. What is the same by
// construction (names, rule specs, image keys) the self-test asserts; this measures what also depends on
// the machine not reordering the requests. Writes bench/out/repeat.json; `--out DIR` keeps both records.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { drive } from '../../suites/self/drive.js';
import {
  compareByRequest,
  compareSequences,
  constructedParts,
  decisionsByRequest,
  decisionSequences,
} from '../../suites/self/same-seed.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '23' },
    scenario: { type: 'string', multiple: true, default: ['partial-sync'] },
    iterations: { type: 'string', default: '2' },
    longhorn: { type: 'string', default: 'v1.9.0' },
    /** Keep both records here (default: temp folders, removed). */
    out: { type: 'string' },
  },
});
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
const [partsA, partsB] = [await constructedParts(a.runDir), await constructedParts(b.runDir)];
const constructed = {
  names: JSON.stringify(partsA.names) === JSON.stringify(partsB.names),
  rules: JSON.stringify(partsA.rules) === JSON.stringify(partsB.rules),
  imageKeys: JSON.stringify(partsA.imageKeys) === JSON.stringify(partsB.imageKeys),
};
const rules = compareSequences(await decisionSequences(a.runDir), await decisionSequences(b.runDir));
console.log(`same by construction: ${JSON.stringify(constructed)}`);
for (const rule of rules) {
  const where = rule.identical ? '' : ` (first difference at step ${String(rule.firstDifference)})`;
  console.log(
    `  ${rule.identical ? 'same' : 'DIFF'} ${rule.rule}: ${rule.lengths[0]} / ${rule.lengths[1]} decisions${where}`,
  );
}
const identical = rules.filter((r) => r.identical).length;
console.log(`identical decision sequences: ${identical} of ${rules.length} rules`);
const byRequest = compareByRequest(await decisionsByRequest(a.runDir), await decisionsByRequest(b.runDir));
for (const rule of byRequest) {
  console.log(
    `  ${rule.rule}: ${rule.same} of ${rule.common} common requests decided alike, ${rule.onlyOne} made by one run only`,
  );
}
const agreeing = byRequest.filter((r) => r.same === r.common).length;
console.log(`rules deciding every common request alike: ${agreeing} of ${byRequest.length}`);
await mkdir('bench/out', { recursive: true });
await writeFile(
  join('bench/out', 'repeat.json'),
  `${JSON.stringify({ seed, scenarios: values.scenario, runs: [a.runId, b.runId], constructed, rules, byRequest }, null, 2)}\n`,
);
for (const run of runs) await run.cleanup();
