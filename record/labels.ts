// The labels a run puts on every object it creates. The workload sets them, cleanup selects by them, and
// the checkers read them back from the watched objects in the record, so they are defined here, once.

/** The run an object belongs to: cleanup removes exactly the objects carrying this run's id. */
export const RUN_LABEL = 'longhorn-chaos/run';
/** The scenario of the run that created the object. */
export const SCENARIO_LABEL = 'longhorn-chaos/scenario';
/** The workload iteration (from 1) a SystemBackup and its volumes belong to. */
export const ITERATION_LABEL = 'longhorn-chaos/iteration';
