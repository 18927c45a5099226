// Live progress: one updating line on a terminal (iteration, state, faults fired), plain lines otherwise,
// so CI logs stay readable.
import type { RunProgress } from './run.js';

export interface ProgressWriter {
  update(progress: RunProgress): void;
  note(message: string): void;
  done(): void;
}

export function progressWriter(
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
): ProgressWriter {
  const tty = stream.isTTY === true;
  let last = '';
  let lineOpen = false;
  const format = (p: RunProgress) =>
    `${p.scenario} #${p.iteration} ${p.phase}: ${p.state} | faults fired ${p.faultsFired}`;
  return {
    update(progress) {
      const text = format(progress);
      if (text === last) return;
      last = text;
      if (tty) {
        const width = Math.max(20, (stream.columns ?? 100) - 1);
        stream.write(`\r\x1b[2K${text.slice(0, width)}`);
        lineOpen = true;
      } else {
        stream.write(`${text}\n`);
      }
    },
    note(message) {
      if (tty && lineOpen) stream.write('\r\x1b[2K');
      stream.write(`${message}\n`);
      if (tty && lineOpen && last) stream.write(last);
    },
    done() {
      if (tty && lineOpen) stream.write('\n');
      lineOpen = false;
    },
  };
}
