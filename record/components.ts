// Which parts of the system under test a recorded run ran as Longhorn's own code: what replay and shrink
// must run again, so that a finding of real code is never re-tried on the model (or the other way round).
import type { RunMeta } from './shapes.js';

export interface RecordedComponents {
  /** Longhorn's own backing-image-manager and backupstore (`real`) or the model's. */
  bim: 'real' | 'model';
  /** longhorn-manager's own controllers (`real`) or the simulator's. */
  manager: 'real' | 'model';
}

/** From meta.components; records written before it existed ran the model throughout. */
export function recordedComponents(meta: Pick<RunMeta, 'components'>): RecordedComponents {
  const kind = (name: string) =>
    meta.components?.find((c) => c.name === name)?.kind === 'real' ? 'real' : 'model';
  return { bim: kind('backing-image-manager'), manager: kind('longhorn-manager') };
}
