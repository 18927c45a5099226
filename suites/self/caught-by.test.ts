// Each simulator bug switch names, in `caughtBy`, a check the oracles really produce: no environment, so a
// renamed check breaks here at once instead of in the slow self-test that runs the bug.
import assert from 'node:assert/strict';
import { SIM_BUGS, SIM_BUG_NAMES } from '../../fixtures/simulator/index.js';
import type { FaultClass } from '../../record/index.js';
import { checkersFor } from '../oracles/index.js';

const FAULT_CLASSES: FaultClass[] = ['none', 'benign', 'destructive'];

describe('self: simulator bug switches name real checks', () => {
  it('every SIM_BUGS caughtBy is a check name checkersFor can produce', () => {
    const names = new Set(
      FAULT_CLASSES.flatMap((faultClass) =>
        checkersFor({ stallWindowMs: 1000, faultClass }).flatMap((c) => [...c.names]),
      ),
    );
    assert.ok(SIM_BUG_NAMES.length >= 4);
    for (const bug of SIM_BUG_NAMES) {
      const caughtBy = SIM_BUGS[bug].caughtBy;
      assert.ok(names.has(caughtBy), `${bug}: caughtBy '${caughtBy}' is none of ${[...names].join(', ')}`);
    }
  });
});
