// lhchaos sim: runs the Longhorn simulator against an API server and an S3 endpoint (normally the fault
// proxy) in the foreground, logging JSON lines to stdout, until SIGINT/SIGTERM.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { UsageError, parseSeed } from '../../common/index.js';
import type { LonghornVersion } from '../../fixtures/simulator/index.js';
// Only the behaviours (no Kubernetes client): --help shows the versions; the simulator loads when it runs.
import { LONGHORN_VERSIONS, resolveBehaviour } from '../../fixtures/simulator/behaviours.js';
import { untilStopped, type CliIo } from '../io.js';

interface SimFlags {
  kubeconfig: string;
  s3: string;
  longhorn: string;
  bugs?: string;
  accessKey?: string;
  secretKey?: string;
  envJson?: string;
  namespace: string;
  seed: string;
  timeFactor: string;
  disks?: string;
  control?: string;
  region: string;
  backupTargetUrl: string;
}

/** `node-1/disk-1,node-2/disk-1` or a count (`3` = node-1..node-3, one disk each). */
export function parseDisks(value: string): { node: string; disk: string }[] {
  if (/^\d+$/.test(value)) {
    const count = Number(value);
    if (count < 1 || count > 16) throw new UsageError(`--disks: count must be 1..16, got ${value}`);
    return Array.from({ length: count }, (_, i) => ({ node: `node-${i + 1}`, disk: 'disk-1' }));
  }
  return value.split(',').map((entry) => {
    const match = /^([a-z0-9][a-z0-9.-]*)\/([a-z0-9][a-z0-9.-]*)$/.exec(entry.trim());
    if (!match)
      throw new UsageError(
        `--disks: expected NODE/DISK[,NODE/DISK...] or a count, got ${JSON.stringify(entry)}`,
      );
    return { node: match[1] as string, disk: match[2] as string };
  });
}

export function parseControl(value: string): { host: string; port: number } {
  const match = /^([^:]+):(\d+)$/.exec(value);
  if (!match || Number(match[2]) > 65535)
    throw new UsageError(`--control: expected HOST:PORT, got ${JSON.stringify(value)}`);
  return { host: match[1] as string, port: Number(match[2]) };
}

async function credentials(flags: SimFlags): Promise<{ accessKey: string; secretKey: string }> {
  if (flags.accessKey !== undefined || flags.secretKey !== undefined) {
    if (!flags.accessKey || !flags.secretKey)
      throw new UsageError('--access-key and --secret-key go together');
    return { accessKey: flags.accessKey, secretKey: flags.secretKey };
  }
  if (!flags.envJson) throw new UsageError('credentials: give --access-key/--secret-key or --env-json FILE');
  let env: { s3?: { accessKey?: unknown; secretKey?: unknown } };
  try {
    env = JSON.parse(await readFile(flags.envJson, 'utf8')) as typeof env;
  } catch (error) {
    throw new UsageError(`--env-json: cannot read ${flags.envJson}: ${(error as Error).message}`);
  }
  const { accessKey, secretKey } = env.s3 ?? {};
  if (typeof accessKey !== 'string' || typeof secretKey !== 'string') {
    throw new UsageError(`--env-json: ${flags.envJson} has no s3.accessKey/s3.secretKey`);
  }
  return { accessKey, secretKey };
}

/** The action, exported so tests can run it with an abort signal instead of a process signal. */
export async function runSim(flags: SimFlags, io: CliIo, signal?: AbortSignal): Promise<void> {
  const behaviour = resolveBehaviour(flags.longhorn, flags.bugs ? [flags.bugs] : []);
  const timeFactor = Number(flags.timeFactor);
  if (!(timeFactor > 0))
    throw new UsageError(
      `--time-factor: expected a positive number, got ${JSON.stringify(flags.timeFactor)}`,
    );
  let endpoint: URL;
  try {
    endpoint = new URL(flags.s3);
  } catch {
    throw new UsageError(`--s3: not a URL: ${JSON.stringify(flags.s3)}`);
  }
  const bucket = /^s3:\/\/([^@/]+)/.exec(flags.backupTargetUrl)?.[1];
  if (!bucket)
    throw new UsageError(
      `--backup-target-url: expected s3://BUCKET@REGION/PATH, got ${JSON.stringify(flags.backupTargetUrl)}`,
    );
  const { accessKey, secretKey } = await credentials(flags);
  const { startSimulator } = await import('../../fixtures/simulator/index.js');
  const simulator = await startSimulator({
    kubeconfigPath: flags.kubeconfig,
    namespace: flags.namespace,
    s3: { endpoint: endpoint.origin, accessKey, secretKey, region: flags.region, bucket },
    backupTargetURL: flags.backupTargetUrl,
    longhorn: behaviour.version as LonghornVersion,
    bugs: flags.bugs ? [flags.bugs] : [],
    seed: parseSeed(flags.seed, '--seed'),
    timeFactor,
    disks: flags.disks ? parseDisks(flags.disks) : undefined,
    control: flags.control ? parseControl(flags.control) : undefined,
    log: (line) => io.stdout.write(`${JSON.stringify(line)}\n`),
  });
  io.stderr.write(
    `lhchaos sim: ${simulator.behaviour.version} bugs=[${simulator.behaviour.bugs.join(',')}] control ${simulator.controlUrl}\n`,
  );
  await untilStopped(signal);
  await simulator.stop();
}

export function registerSim(program: Command, io: CliIo): void {
  program
    .command('sim')
    .description('run the Longhorn simulator against an API server and S3 (the fault proxy)')
    .requiredOption('--kubeconfig <file>', 'kubeconfig of the API server')
    .requiredOption('--s3 <url>', 'S3 endpoint (the proxy data URL), http://HOST:PORT')
    .option('--longhorn <version>', `behaviour set: ${LONGHORN_VERSIONS.join('|')}`, 'v1.9.0')
    .option('--bugs <list>', 'bug switches on top of the version: +name,-name')
    .option('--access-key <key>', 'S3 access key (else from --env-json)')
    .option('--secret-key <key>', 'S3 secret key (else from --env-json)')
    .option('--env-json <file>', "the local environment's env.json (S3 credentials)")
    .option('--namespace <ns>', 'namespace of the Longhorn CRs', 'longhorn-system')
    .option('--seed <n>', 'seed of every random choice', '1')
    .option('--time-factor <f>', "Longhorn's time constants are multiplied by this", '1')
    .option('--disks <list>', 'NODE/DISK,... or a count of nodes with one disk each (default 2)')
    .option('--control <host:port>', 'control endpoint address (default 127.0.0.1:0)')
    .option('--region <region>', 'S3 region', 'us-east-1')
    .option(
      '--backup-target-url <url>',
      'URL of BackupTarget default',
      's3://backupbucket@us-east-1/backupstore',
    )
    .action(async (flags: SimFlags) => runSim(flags, io));
}
