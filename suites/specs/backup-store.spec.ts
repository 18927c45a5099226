// Scenarios on whatever LHCHAOS_* points at (a local environment + simulator by default, or a real
// cluster with LHCHAOS_ENV=kube): `npx mocha suites/specs/backup-store.spec.ts`. Each it() is one scenario.
import { scenarioIt } from './scenario-it.js';

describe('backup store faults: system backups must finish', () => {
  scenarioIt('partial-sync');
  scenarioIt('stale-listing');
  scenarioIt('delete-lag');
  scenarioIt('latency');
  scenarioIt('throttle');
});

describe('destructive faults: no stuck state, recovery after heal', () => {
  scenarioIt('errors');
  scenarioIt('list-errors');
});

describe('cluster faults', () => {
  scenarioIt('bim-restart');
});
