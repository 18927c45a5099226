// Names and labels of everything a run creates: short, DNS-safe, unique per run and iteration, and
// labelled so that cleanup removes exactly what the run made.
import { deriveSeed } from '../../common/index.js';
import { ITERATION_LABEL, RUN_LABEL, SCENARIO_LABEL } from '../../record/index.js';

/** A 6-character tag of the run id, for object names (label values keep the full id). */
export function runTag(runId: string): string {
  return (deriveSeed('run-tag', runId) >>> 0).toString(36).padStart(6, '0').slice(-6);
}

export interface IterationNames {
  backingImages: string[];
  volumes: { name: string; backingImage: string }[];
  systemBackup: string;
}

/** Fresh backing images (only fresh images re-open the BBI race) and fresh volumes using them. */
export function iterationNames(
  runId: string,
  scenarioIndex: number,
  iteration: number,
  sizes: { backingImages: number; volumesPerImage: number },
): IterationNames {
  const tag = `${runTag(runId)}-${scenarioIndex}-${iteration}`;
  const backingImages = Array.from({ length: sizes.backingImages }, (_, k) => `bi-${tag}-${k}`);
  const volumes = backingImages.flatMap((backingImage, k) =>
    Array.from({ length: sizes.volumesPerImage }, (_, j) => ({ name: `vol-${tag}-${k}-${j}`, backingImage })),
  );
  return { backingImages, volumes, systemBackup: `sb-${tag}` };
}

export function runLabels(runId: string, scenario: string, iteration?: number): Record<string, string> {
  return {
    [RUN_LABEL]: runId,
    [SCENARIO_LABEL]: scenario,
    ...(iteration === undefined ? {} : { [ITERATION_LABEL]: String(iteration) }),
  };
}
