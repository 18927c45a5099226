// One mocha `it()` per scenario: a full chaos run of that scenario, configured from LHCHAOS_* (env.ts),
// judged from its record, its JUnit and HTML reports rendered for the person who reads a failure. A false
// verdict fails the test; unknown is an error of its own kind.
import assert from 'node:assert/strict';
import { renderReports } from '../../reports/index.js';
import { chaosEnv } from '../harness/index.js';
import { reproCommand, resolveRunOptions, runChaos, findingsInPlainWords } from '../runner/index.js';

export function scenarioIt(name: string, timeoutMs = 15 * 60_000): void {
  it(name, async function () {
    this.timeout(timeoutMs);
    const settings = chaosEnv();
    const resolved = resolveRunOptions({ scenario: [name] }, settings);
    const repro = reproCommand(resolved);
    const result = await runChaos({
      ...resolved,
      repro,
      onLog: settings.verbose ? (m) => console.log(m) : undefined,
    });
    const { htmlPath } = await renderReports(result.runDir, { verdict: result.verdict });
    const story = findingsInPlainWords(result.meta, result.verdict).join('\n');
    const where = `${result.runDir}, report ${htmlPath}`;
    if (result.verdict.valid === 'unknown') {
      throw new Error(`${name}: the run could not decide (${where})\n${story}\nrepro: ${repro}`);
    }
    assert.equal(result.verdict.valid, true, `${name} failed (${where})\n${story}\nrepro: ${repro}`);
  });
}
