#!/usr/bin/env node
// Builds dist/: tsc compiles the sources (tsconfig.build.json), every other file the code reads at run time
// (CRDs, Go wrapper modules, k6 scripts, the report page's scripts) is copied beside them, and the digest
// of the inputs is written last, so that an interrupted or failed build is never taken for a current one.
// Run by `npm run build`, and by `npm ci` (the `prepare` script, with --if-possible: a build that fails
// there warns and leaves no current dist/, so `lhchaos` runs the sources and `npm ci` still succeeds).
// Does nothing when dist/ is current; --force starts from an empty dist/.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { STATE_FILE, buildInputs, distIsCurrent, sourceDigest } from './dist-state.mjs';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist');
const force = process.argv.includes('--force');
const ifPossible = process.argv.includes('--if-possible');

/** Compiled by tsc: the TypeScript outside load/scripts (k6 runs those itself). Copied: the rest. */
const compiled = (path) =>
  path.endsWith('.ts') && !path.endsWith('.d.ts') && !path.startsWith('load/scripts/');

function build() {
  const started = Date.now();
  // Inputs are listed before tsc runs: a file changed during the build makes the digest stale, not wrong.
  const inputs = buildInputs(root);
  const digest = sourceDigest(root, inputs);
  if (force) rmSync(dist, { recursive: true, force: true });
  rmSync(join(dist, STATE_FILE), { force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
    cwd: root,
    stdio: 'inherit',
  });
  let copied = 0;
  for (const path of inputs) {
    // The build settings (package.json, tsconfig*, bin/) are inputs of the digest, not files of dist/.
    if (compiled(path) || !path.includes('/') || path.startsWith('bin/')) continue;
    mkdirSync(dirname(join(dist, path)), { recursive: true });
    copyFileSync(join(root, path), join(dist, path));
    copied++;
  }
  writeFileSync(join(dist, STATE_FILE), `${JSON.stringify({ digest, builtAt: new Date().toISOString() })}\n`);
  console.log(
    `lhchaos build: dist/ written (${copied} files copied beside the compiled ones) in ${Date.now() - started} ms`,
  );
}

if (force || !distIsCurrent(root)) {
  try {
    build();
  } catch (error) {
    if (!ifPossible) throw error;
    console.warn(
      `lhchaos build: no dist/ (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); ` +
        'lhchaos runs the TypeScript sources through tsx. `npm run build` retries and shows why.',
    );
  }
}
