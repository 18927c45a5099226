#!/usr/bin/env node
// Before `npm test`: the report and UI tests drive Debian's Chromium. On a fresh Debian machine as root we
// install it (as .ci/run does); anywhere else we stop with the command to run, rather than fail 20 tests later.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';

if (!existsSync(CHROMIUM)) {
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canInstall) {
    console.error(
      `npm test needs Debian's Chromium at ${CHROMIUM}: run \`sudo apt-get install -y chromium\``,
    );
    process.exit(1);
  }
  console.error(`${CHROMIUM} is missing: installing Debian's chromium (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'chromium']]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (result.status !== 0) {
      console.error(`apt-get ${args.join(' ')} failed (exit ${result.status}); install chromium by hand`);
      process.exit(1);
    }
  }
}
