// Runs the chaos runner in-process against a private local environment and returns the verdict: what
// the self-tests and the bench share (no CLI in between, so a broken unrelated command cannot mask it).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PROFILES,
  reproCommand,
  runChaos,
  scenarioByName,
  type ChaosRunResult,
  type Profile,
} from '../runner/index.js';

export interface DriveOptions {
  longhorn: string;
  seed: number;
  scenarios: string[];
  simBugs?: string[];
  iterations?: number;
  /** Overrides the profile's wall-clock budget: a test whose iterations must all play sets one they fit in. */
  durationMs?: number;
  profile?: Profile['name'];
  /** Overrides the profile's stall window (Longhorn seconds). */
  stallWindowT?: number;
  /** Longhorn's own longhorn-manager, or the model's (default: the model, which has the bug switches). */
  manager?: 'real' | 'model';
  /** Longhorn's own backing-image-manager, or the model's (default: the model). */
  bim?: 'real' | 'model';
  envDir?: string;
  outDir?: string;
  signal?: AbortSignal;
}

/** Runs one local chaos run; the record goes to a temp dir unless `outDir` is given. */
export async function drive(options: DriveOptions): Promise<ChaosRunResult & { cleanup(): Promise<void> }> {
  const outDir = options.outDir ?? (await mkdtemp(join(tmpdir(), 'lhchaos-self-')));
  const base = {
    env: 'local' as const,
    envDir: options.envDir,
    profile: {
      ...PROFILES[options.profile ?? 'smoke'],
      ...(options.stallWindowT === undefined ? {} : { stallWindowT: options.stallWindowT }),
    },
    scenarios: options.scenarios.map(scenarioByName),
    seed: options.seed,
    iterations: options.iterations,
    ...(options.durationMs === undefined ? {} : { durationMs: options.durationMs }),
    longhorn: options.longhorn,
    simBugs: options.simBugs ?? [],
    manager: options.manager,
    bim: options.bim,
    outDir,
    signal: options.signal,
  };
  const result = await runChaos({ ...base, repro: reproCommand(base) });
  return {
    ...result,
    cleanup: async () => {
      if (!options.outDir) await rm(outDir, { recursive: true, force: true });
    },
  };
}
