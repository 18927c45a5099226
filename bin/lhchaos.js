#!/usr/bin/env node
// The lhchaos command. It runs the compiled build in dist/ when that build is of exactly the sources in
// this clone (bin/dist-state.mjs), for a fast start; otherwise the TypeScript sources through tsx, so a
// clone works without a build step and a stale build is never what runs. LHCHAOS_FROM_SOURCE=1 always runs
// the sources (the test runner sets it for the commands tests start).
import { join } from 'node:path';
import { distIsCurrent } from './dist-state.mjs';

if (process.env.LHCHAOS_FROM_SOURCE !== '1' && distIsCurrent(join(import.meta.dirname, '..'))) {
  await import('../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
}
