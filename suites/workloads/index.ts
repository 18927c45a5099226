// Workloads: what a run does to the cluster (the scene, system backups in a loop) and how it cleans up.
export { LonghornClient, statusOf, type AnyObject } from './longhorn-client.js';
export { imageSeed, iterationNames, nameTag, runIdTag, runLabels } from './names.js';
export type { IterationNames } from './names.js';
export { runSystemBackupIteration, type IterationOptions, type IterationOutcome } from './system-backup.js';
export { cleanupNamed, cleanupRun, leftoversOf, type CleanupOptions, type CleanupReport } from './cleanup.js';
