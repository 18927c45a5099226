// What the self-tests that must find #10740 assert, whoever plays Longhorn (the simulator or Longhorn's own
// code): a SystemBackup reported stuck, and a BackupBackingImage reported stuck at InProgress 0%.
import assert from 'node:assert/strict';
import type { CheckResult } from '../../record/index.js';

/** The failed error-severity results of one check. */
export const failing = (checks: readonly CheckResult[], name: string): CheckResult[] =>
  checks.filter((c) => c.name === name && c.severity === 'error' && c.valid === false);

/** Asserts #10740's stuck state in a verdict's checks; returns the stuck BackupBackingImage's result. */
export function assertStuckAtZero(checks: readonly CheckResult[]): CheckResult {
  const stuck = failing(checks, 'no-stuck-state');
  assert.ok(
    stuck.some((c) => c.subject?.startsWith('SystemBackup/')),
    'a SystemBackup is reported stuck',
  );
  const stuckBbi = stuck.find((c) => c.subject?.startsWith('BackupBackingImage/'));
  assert.ok(stuckBbi, 'a BackupBackingImage is reported stuck');
  assert.match(stuckBbi.message, /InProgress 0%/);
  return stuckBbi;
}
