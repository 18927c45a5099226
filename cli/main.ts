// Entry point of the lhchaos bin: run the command tree, exit with its code.
import { runCli } from './program.js';

const code = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
process.exitCode = code;
