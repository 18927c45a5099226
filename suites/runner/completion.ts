// `runner-completed`: whether the record tells a whole run, judged from the record alone, so that the live
// run and `lhchaos report` on any record (a SIGKILLed runner's included) agree. A run is whole when the
// runner logged no error and no interruption, every scenario meta.json lists reached its store read, and
// the record was closed (a teardown phase in the history, a finish time in meta.json). Anything else is
// `unknown`: a record cut short can pass nothing, and the liveness checks of the scenarios it leaves
// unfinished become unknown too (judgeUnfinished in check.ts).
import type { CheckResult, HistoryEvent, RunMeta } from '../../record/index.js';

type HistorySource = () => AsyncIterable<HistoryEvent> | Iterable<HistoryEvent>;

const NAME = 'runner-completed';

/** The message prefix of the runner's interruption event (a signal, or the caller's abort). */
export const INTERRUPTED = 'interrupted';

interface RunnerAccount {
  errors: { id: number; message: string; scenario?: string }[];
  storeRead: Set<string>;
  tornDown: boolean;
  lastEventId: number;
}

async function account(history: HistorySource): Promise<RunnerAccount> {
  const found: RunnerAccount = { errors: [], storeRead: new Set(), tornDown: false, lastEventId: 0 };
  for await (const event of history()) {
    found.lastEventId = event.id;
    if (event.type === 'log' && event.source === 'runner' && event.level === 'error') {
      found.errors.push({ id: event.id, message: event.message, scenario: event.scenario });
    }
    // The store read ends a scenario's story (run-scenario.ts): a scenario without one did not finish.
    if (event.type === 'store' && event.scenario !== undefined) found.storeRead.add(event.scenario);
    if (event.type === 'phase' && event.name === 'teardown') found.tornDown = true;
  }
  return found;
}

function unknown(message: string, evidence: number[], scenario?: string): CheckResult {
  return {
    name: NAME,
    valid: 'unknown',
    severity: 'error',
    message,
    evidence,
    ...(scenario === undefined ? {} : { scenario }),
  };
}

export async function runnerCompleted(history: HistorySource, meta: RunMeta): Promise<CheckResult[]> {
  const scenarios = meta.scenarios.map((s) => s.name);
  const known = new Set(scenarios);
  const found = await account(history);
  const results: CheckResult[] = [];
  if (scenarios.length === 0) {
    results.push(unknown('meta.json lists no scenarios: the run judged nothing, so it cannot pass', []));
  }
  if (!found.tornDown || meta.finishedAt === undefined) {
    const missing = [
      ...(found.tornDown ? [] : ['no teardown phase in the history']),
      ...(meta.finishedAt === undefined ? ['no finish time in meta.json'] : []),
    ];
    results.push(
      unknown(
        `the record was cut short (${missing.join(', ')}): the runner stopped before it finished, ` +
          'so nothing after its last event is known',
        found.lastEventId > 0 ? [found.lastEventId] : [],
      ),
    );
  }
  for (const error of found.errors) {
    const scenario = error.scenario !== undefined && known.has(error.scenario) ? error.scenario : undefined;
    results.push(unknown(`the run could not finish a step: ${error.message}`, [error.id], scenario));
  }
  const explained = new Set(found.errors.map((e) => e.scenario));
  for (const scenario of scenarios) {
    if (found.storeRead.has(scenario) || explained.has(scenario)) continue;
    results.push(
      unknown(
        `scenario ${scenario} did not finish: no store read was recorded for it (it was skipped or cut short)`,
        [],
        scenario,
      ),
    );
  }
  if (results.length > 0) return results;
  return [
    {
      name: NAME,
      valid: true,
      severity: 'error',
      message: `the runner finished every step of ${scenarios.length} scenario(s) and closed the record`,
      evidence: [],
    },
  ];
}
