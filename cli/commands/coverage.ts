// lhchaos coverage DIR...: the coverage figure of run records side by side (a nightly run's records, an
// exploration), each computed from the records, with one reachable set for all (suites/explore/README.md).
import type { Command } from 'commander';
import { UsageError } from '../../common/index.js';
import type { CoverageGroup } from '../../suites/explore/index.js';
import type { CliIo } from '../io.js';

export function registerCoverage(program: Command, io: CliIo): void {
  program
    .command('coverage')
    .description('coverage (fault type x key class x object state) of run records, side by side')
    .argument('<dir...>', 'a run record, a folder of run records, or an exploration directory')
    .option('--json', 'print JSON')
    .action(async (dirs: string[], flags: { json?: boolean }) => {
      // Loaded here, not at the top: `lhchaos --help` must not pay for the coverage model.
      const { coverageOfDir, sideBySide } = await import('../../suites/explore/index.js');
      const groups: CoverageGroup[] = [];
      for (const dir of dirs) {
        const group = await coverageOfDir(dir);
        if (!group)
          throw new UsageError(
            `DIR: ${dir} holds no run record (history.jsonl and faults.jsonl), nor runs/ of them`,
          );
        groups.push(group);
      }
      const rows = sideBySide(groups);
      if (flags.json) {
        io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      for (const row of rows)
        io.stdout.write(
          `${row.name}: ${row.runs} run(s), ${row.covered} cells covered of ${row.reachableInAny} reachable in any ` +
            `(${(row.reachableInAny ? (100 * row.covered) / row.reachableInAny : 0).toFixed(1)}%); ${row.reachable} reachable in its own runs\n`,
        );
    });
}
