// lhchaos proxy: runs the S3-aware fault proxy in the foreground until SIGINT/SIGTERM, then closes cleanly.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { UsageError, parseSeed, randomSeed } from '../../common/index.js';
import type { RuleSpec } from '../../fault-injectors/index.js';
import { untilStopped, type CliIo } from '../io.js';

interface ProxyOptions {
  upstream: string;
  listen: string;
  control: string;
  seed?: string;
  rules?: string;
  decisions?: string;
  token?: string;
  upstreamAccessKey?: string;
  upstreamSecretKey?: string;
  upstreamRegion: string;
  recordListings?: string;
}

/** Reads a JSON or YAML list of rules (YAML is a superset of JSON); names the bad entry and field. */
export async function readRulesFile(path: string): Promise<RuleSpec[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--rules: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  // Loaded here, not at the top: `lhchaos --help` must not pay for the proxy and the YAML parser.
  const [{ parse: parseYaml }, { parseRule }] = await Promise.all([
    import('yaml'),
    import('../../fault-injectors/index.js'),
  ]);
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new UsageError(`--rules: ${path} is neither JSON nor YAML: ${(error as Error).message}`);
  }
  if (data === null || data === undefined) return [];
  if (!Array.isArray(data)) throw new UsageError(`--rules: ${path} must hold a list of rules`);
  return data.map((entry, index) => {
    const parsed = parseRule(entry);
    if (!parsed.ok) throw new UsageError(`--rules: ${path}: rules[${index}].${parsed.message}`);
    return parsed.rule;
  });
}

export function registerProxy(program: Command, io: CliIo, stopSignal?: AbortSignal): void {
  program
    .command('proxy')
    .description('S3-aware fault proxy between an S3 client and its server, with a JSON control API')
    .requiredOption('--upstream <url>', 'S3 server to forward to, e.g. http://127.0.0.1:9000')
    .requiredOption('--listen <host:port>', 'data port (S3 clients connect here)')
    .requiredOption('--control <host:port>', 'control API port (loopback unless --token is given)')
    .option('--seed <n>', 'seed of every random decision (default: random, printed)')
    .option('--rules <file>', 'JSON or YAML list of rules to start with')
    .option('--decisions <file>', 'append the JSONL decision log to this file')
    .option('--token <token>', 'bearer token the control API requires (or LHCHAOS_PROXY_TOKEN)')
    .option(
      '--upstream-access-key <key>',
      "the proxy's own upstream credentials, for exact CommonPrefix answers (or LHCHAOS_UPSTREAM_ACCESS_KEY)",
    )
    .option('--upstream-secret-key <key>', 'with --upstream-access-key (or LHCHAOS_UPSTREAM_SECRET_KEY)')
    .option('--upstream-region <region>', 'region for the upstream credentials', 'us-east-1')
    .option(
      '--record-listings <regex>',
      'record what every listing whose prefix matches showed, in its decision (pass decisions too)',
    )
    .action(async (opts: ProxyOptions) => {
      const seed = opts.seed === undefined ? randomSeed() : parseSeed(opts.seed, '--seed');
      const rules = opts.rules ? await readRulesFile(opts.rules) : [];
      const accessKey = opts.upstreamAccessKey ?? process.env.LHCHAOS_UPSTREAM_ACCESS_KEY;
      const secretKey = opts.upstreamSecretKey ?? process.env.LHCHAOS_UPSTREAM_SECRET_KEY;
      if ((accessKey === undefined) !== (secretKey === undefined)) {
        throw new UsageError('--upstream-access-key and --upstream-secret-key go together');
      }
      const { startS3Proxy } = await import('../../fault-injectors/index.js');
      const proxy = await startS3Proxy({
        upstream: opts.upstream,
        listen: opts.listen,
        control: opts.control,
        seed,
        rules,
        decisionLog: opts.decisions,
        ...(opts.recordListings === undefined ? {} : { recordListings: opts.recordListings }),
        token: opts.token ?? process.env.LHCHAOS_PROXY_TOKEN,
        upstreamCredentials:
          accessKey !== undefined && secretKey !== undefined
            ? { accessKey, secretKey, region: opts.upstreamRegion }
            : undefined,
        onEvent: (event) => io.stderr.write(`lhchaos proxy: ${JSON.stringify(event)}\n`),
      });
      io.stdout.write(`data ${proxy.dataUrl}\ncontrol ${proxy.controlUrl}\nseed ${seed}\n`);
      const reason = await untilStopped(stopSignal);
      await proxy.close();
      io.stdout.write(`stopped (${reason})\n`);
    });
}
