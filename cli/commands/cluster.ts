// lhchaos cluster: placeholder registration while the command is being built (see the open issue).
import type { Command } from 'commander';
import { UsageError } from '../../common/index.js';
import type { CliIo } from '../program.js';

export function registerCluster(program: Command, _io: CliIo): void {
  program
    .command('cluster')
    .description('(being built)')
    .allowUnknownOption()
    .action(() => {
      throw new UsageError('lhchaos cluster is not built yet');
    });
}
