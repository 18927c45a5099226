// lhchaos tools: placeholder registration while the command is being built (see the open issue).
import type { Command } from 'commander';
import { UsageError } from '../../common/index.js';
import type { CliIo } from '../program.js';

export function registerTools(program: Command, _io: CliIo): void {
  program
    .command('tools')
    .description('(being built)')
    .allowUnknownOption()
    .action(() => {
      throw new UsageError('lhchaos tools is not built yet');
    });
}
