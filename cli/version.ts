// `lhchaos --version`: the project's version, how this process runs (the compiled build in dist/ or the
// TypeScript sources through tsx), Node's version, and the pinned tools, so a bug report names all of them.
import { readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOOLS } from '../fixtures/toolchain/index.js';
import { repoRoot } from './repo-root.js';

export function versionText(): string {
  const root = repoRoot();
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const fromDist = fileURLToPath(import.meta.url).startsWith(join(root, 'dist') + sep);
  const width = Math.max(...TOOLS.map((t) => t.name.length));
  return [
    `lhchaos ${version} (${fromDist ? 'compiled build in dist/' : 'TypeScript sources through tsx'})`,
    `node ${process.version}`,
    'pinned tools (lhchaos tools list shows where each one is):',
    ...TOOLS.map((t) => `  ${t.name.padEnd(width)}  ${t.version}`),
  ].join('\n');
}
