// Which parts of the system under test were Longhorn's own code and which this project's model, in words
// (terminal summary, plain-language findings) and as parts the HTML header lays out.
import type { Component, RunMeta } from '../../record/index.js';

/** A Go pseudo-version's commit (`v0.0.0-20250227220202-651bd33886fe` -> `651bd33886fe`), else as is. */
function shortVersion(version: string): string {
  return /^v\d+\.\d+\.\d+-(?:0\.)?\d{14}-([0-9a-f]{12})$/.exec(version)?.[1] ?? version;
}

function named(component: Component): string {
  return `${component.name} ${shortVersion(component.version)}`;
}

/**
 * `Longhorn's own code: backing-image-manager v1.8.1, backupstore 651bd33886fe; modelled: longhorn-manager
 * (v1.8.1)`, or undefined for a record that predates components.
 */
export function componentsLine(meta: RunMeta): string | undefined {
  const components = meta.components;
  if (!components || components.length === 0) return undefined;
  const real = components.filter((c) => c.kind === 'real');
  const model = components.filter((c) => c.kind === 'model');
  const parts: string[] = [];
  if (real.length > 0) parts.push(`Longhorn's own code: ${real.map(named).join(', ')}`);
  if (model.length > 0) {
    parts.push(
      `modelled: ${model.map((c) => `${c.name} (${shortVersion(c.version)} behaviour)`).join(', ')}`,
    );
  }
  const notes = real.filter((c) => c.note).map((c) => `${c.name} ${c.version}: ${c.note}`);
  return parts.join('; ') + (notes.length > 0 ? ` [${notes.join('; ')}]` : '');
}

/** `Longhorn v1.8.1` with what ran of it: `(simulated)` only when nothing real ran. */
export function longhornLabel(meta: RunMeta): string {
  const anyReal = meta.components?.some((c) => c.kind === 'real') ?? false;
  if (!meta.longhorn.simulated) return `Longhorn ${meta.longhorn.version}`;
  return `Longhorn ${meta.longhorn.version} (${anyReal ? 'partly simulated' : 'simulated'})`;
}
