// Whether dist/ is the build of exactly these sources. The build (bin/build.mjs) writes a digest of every
// input file's path, size and modification time into dist/.build-state.json; the launcher (bin/lhchaos.js)
// computes the same digest on each start (a directory walk and a stat per file, a few milliseconds) and
// runs dist/ only when the two agree. An edit, a checkout, a new or deleted file: the sources run instead.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The folders compiled into dist/ (tsconfig.build.json's include). */
export const SOURCE_FOLDERS = [
  'common',
  'record',
  'cli',
  'suites',
  'fault-injectors',
  'fixtures',
  'reports',
  'load',
];
/** Files outside them whose change changes the build. */
export const BUILD_FILES = [
  'package.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'bin/build.mjs',
  'bin/dist-state.mjs',
];
/** Folders of tests and run output: never part of the build. */
const SKIPPED_DIRS = new Set(['node_modules', 'out', 'self', 'specs', 'testdata']);
const TEST_FILE = /\.(test|spec)\.ts$/;

export const STATE_FILE = '.build-state.json';

/** Whether a path (relative to the clone, `/`-separated) is an input of the build. */
export function isBuildInput(path) {
  return !TEST_FILE.test(path);
}

/** Every input file of the build, relative to `root`, sorted. */
export function buildInputs(root) {
  const out = [];
  const walk = (dir) => {
    let entries;
    try {
      entries = readdirSync(join(root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(path);
      } else if (isBuildInput(path)) out.push(path);
    }
  };
  for (const folder of SOURCE_FOLDERS) walk(folder);
  return [...out, ...BUILD_FILES].sort();
}

/** sha256 over `path size mtime` of every input: equal digests mean unchanged inputs. */
export function sourceDigest(root, inputs = buildInputs(root)) {
  const hash = createHash('sha256');
  for (const path of inputs) {
    let line;
    try {
      const stat = statSync(join(root, path));
      line = `${path} ${stat.size} ${stat.mtimeMs}`;
    } catch {
      line = `${path} missing`;
    }
    hash.update(`${line}\n`);
  }
  return hash.digest('hex');
}

/** What the last build recorded, or undefined when there is no (complete) build. */
export function readBuildState(root) {
  try {
    return JSON.parse(readFileSync(join(root, 'dist', STATE_FILE), 'utf8'));
  } catch {
    return undefined;
  }
}

/** True when dist/ was built from exactly the sources now in `root`. */
export function distIsCurrent(root) {
  const state = readBuildState(root);
  return state !== undefined && state.digest === sourceDigest(root);
}
