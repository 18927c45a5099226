#!/usr/bin/env node
// Before `npm test` and its tool builds, and before `npm run chaos` (`--for-run`): the report and UI tests
// drive Debian's Chromium, Longhorn's backing-image-manager runs `qemu-img` (Debian's qemu-utils) for every
// backup, and the longhorn engine CLI is built with cgo against libqcow. On a fresh Debian machine as root we
// install what is missing (as .ci/run does); anywhere else we stop with the command to run, rather than fail
// tests or the run later.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian package for each file a test run needs; `run`: a chaos run with Longhorn's own code needs it too. */
const NEEDED = [
  { file: '/usr/bin/chromium', pkg: 'chromium', run: false },
  { file: '/usr/bin/qemu-img', pkg: 'qemu-utils', run: true },
  // The longhorn engine CLI is built with cgo against libqcow (fixtures/toolchain, longhorn-engine).
  { file: '/usr/bin/gcc', pkg: 'gcc', run: true },
  { file: '/usr/include/libqcow.h', pkg: 'libqcow-dev', run: true },
  { file: '/usr/include/zlib.h', pkg: 'zlib1g-dev', run: true },
];
const forRun = process.argv.includes('--for-run');
const what = forRun ? 'npm run chaos' : 'npm test';

const missing = NEEDED.filter((n) => (n.run || !forRun) && !existsSync(n.file));
if (missing.length > 0) {
  const packages = missing.map((n) => n.pkg);
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canInstall) {
    console.error(
      `${what} needs ${missing.map((n) => n.file).join(' and ')}: run \`sudo apt-get install -y ${packages.join(' ')}\``,
    );
    process.exit(1);
  }
  console.error(
    `${missing.map((n) => n.file).join(', ')} missing: installing Debian's ${packages.join(', ')} (apt-get)`,
  );
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...packages]]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (result.status !== 0) {
      console.error(
        `apt-get ${args.join(' ')} failed (exit ${result.status}); install ${packages.join(' ')} by hand`,
      );
      process.exit(1);
    }
  }
}
