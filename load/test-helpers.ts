// For load/'s tests only: where the pinned k6 is. load/ may not import fixtures/toolchain, so this repeats
// its lookup order for one tool (LHCHAOS_K6, then the toolchain cache); `lhchaos tools install` builds it.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

const K6_VERSION = 'v2.2.0';

export function k6Binary(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LHCHAOS_K6) return env.LHCHAOS_K6;
  const cache = env.LHCHAOS_CACHE_DIR
    ? env.LHCHAOS_CACHE_DIR
    : env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)
      ? join(env.XDG_CACHE_HOME, 'longhorn-chaos')
      : join(env.HOME ?? homedir(), '.cache', 'longhorn-chaos');
  const path = join(cache, 'tools', 'k6', K6_VERSION, 'bin', 'k6');
  if (!existsSync(path))
    throw new Error(`k6 ${K6_VERSION} not found at ${path}: run \`lhchaos tools install\``);
  return path;
}
