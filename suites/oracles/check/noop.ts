// noop: a checker that sees every event and judges nothing. The template for a new checker (the whole
// interface, nothing else), and the proof that a checker without findings cannot make a run pass: with
// nothing deciding, the verdict is unknown.
import type { Finding, StreamingChecker } from './checker.js';

export class NoopChecker implements StreamingChecker {
  readonly names = ['noop'];
  readonly property = 'safety';
  observed = 0;

  observe(): void {
    this.observed++;
  }

  finish(): Finding[] {
    return [];
  }
}
