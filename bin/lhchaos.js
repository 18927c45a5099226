#!/usr/bin/env node
// The lhchaos command. TypeScript sources run through tsx so that a clone works without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
