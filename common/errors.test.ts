import assert from 'node:assert/strict';
import { EnvironmentError, ExitCode, UsageError, describeError, exitCodeOf } from './errors.js';

describe('errors', () => {
  it('maps our errors to their exit codes and anything else to unknown', () => {
    assert.equal(exitCodeOf(new UsageError('bad --seed')), ExitCode.usage);
    assert.equal(exitCodeOf(new EnvironmentError('minio died')), ExitCode.unknown);
    assert.equal(exitCodeOf(new Error('plain')), ExitCode.unknown);
    assert.equal(exitCodeOf('a string'), ExitCode.unknown);
  });

  it('recognises an error of a second copy of the class by its exit code', () => {
    const foreign = Object.assign(new Error('from another module instance'), { exitCode: 2 });
    assert.equal(exitCodeOf(foreign), ExitCode.usage);
    assert.equal(exitCodeOf(Object.assign(new Error('odd'), { exitCode: 42 })), ExitCode.unknown);
  });

  it('describes the cause chain on one line', () => {
    const error = new EnvironmentError('env up failed', { cause: new Error('port 9000 taken') });
    assert.equal(describeError(error), 'env up failed: port 9000 taken');
  });
});
