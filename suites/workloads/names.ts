// Names and labels of everything a run creates: short, DNS-safe, fresh per iteration, and labelled so
// that cleanup removes exactly what the run made. Names come from the seed, so that the same seed names
// the same objects (and so arms the same rules on the same keys, with the same random streams); labels
// carry the run id, which is unique per run.
import { deriveSeed } from '../../common/index.js';
import { ITERATION_LABEL, RUN_LABEL, SCENARIO_LABEL } from '../../record/index.js';

function tagOf(...labels: (string | number)[]): string {
  return (deriveSeed(...labels) >>> 0).toString(36).padStart(6, '0').slice(-6);
}

/** The 6-character tag in every object name of a run with this seed. */
export function nameTag(seed: number): string {
  return tagOf('names', seed);
}

/**
 * The seed of the backing images' bytes: downloads ask for `?image=<name>&seed=<this>` (the kind image
 * server serves bytes from both; other servers ignore it), so the same run seed stores the same blocks.
 * 32 bits: the image server reads at most ten digits.
 */
export function imageSeed(seed: number): number {
  return deriveSeed('image-data', seed) >>> 0;
}

/** The tag of records written before names came from the seed: it came from the run id. */
export function runIdTag(runId: string): string {
  return tagOf('run-tag', runId);
}

export interface IterationNames {
  backingImages: string[];
  volumes: { name: string; backingImage: string }[];
  systemBackup: string;
}

/** Fresh backing images (only fresh images re-open the BBI race) and fresh volumes using them. */
export function iterationNames(
  nameTag: string,
  scenarioIndex: number,
  iteration: number,
  sizes: { backingImages: number; volumesPerImage: number },
): IterationNames {
  const tag = `${nameTag}-${scenarioIndex}-${iteration}`;
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
