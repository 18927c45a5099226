// The shared leaf: seeded randomness, injected time, the CLI's error types. Imports nothing of the repo.
export { SeededRandom, deriveSeed } from './random.js';
export { MAX_SEED, parseSeed, randomSeed } from './seed.js';
export { systemClock, ManualClock, type Clock } from './clock.js';
export { ExitCode, LhchaosError, UsageError, EnvironmentError, exitCodeOf, describeError } from './errors.js';
export { readJsonFileIfPresent, writeJsonFileAtomic } from './json-file.js';
