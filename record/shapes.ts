// The run record's shapes (docs/design.md#run-record): what history.jsonl, verdict.json and meta.json hold.
// Observers, workloads and fault schedules append events; checkers read them; reports render them.
// Pure types: the record layer is the bottom of the suite, so everything above may depend on it.

/** Truth values of a verdict: composing keeps the worst (false > unknown > true). */
export type Validity = true | false | 'unknown';

/** Fields every history event has. */
export interface EventBase {
  /** Position in the history, from 1, strictly increasing: evidence points at these. */
  id: number;
  /** Monotonic milliseconds since the run started: order and durations. */
  t: number;
  /** Epoch milliseconds: for people. */
  ts: number;
  /** The scenario this event belongs to, when a run has several. */
  scenario?: string;
}

export type WatchedKind =
  | 'SystemBackup'
  | 'BackupBackingImage'
  | 'BackingImage'
  | 'BackupTarget'
  | 'Backup'
  | 'BackupVolume'
  | 'Volume';

/** The parts of an object the checkers and reports use. */
export interface ObservedObject {
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    finalizers?: string[];
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

/** One watch event, or one difference found by a relist. */
export interface WatchEvent extends EventBase {
  type: 'watch';
  kind: WatchedKind;
  verb: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** `watch` for a streamed event, `relist` for a difference the watchdog's relist found. */
  source: 'watch' | 'relist';
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion: string;
  object: ObservedObject;
}

/** A stretch of time in which the observer may have missed events of a kind. */
export interface GapEvent extends EventBase {
  type: 'gap';
  kind: WatchedKind;
  /** `t` of the start of the gap; the event's own `t` is its end. */
  from: number;
  reason: string;
}

/** A client operation: invoke, then ok | fail | info (indeterminate), paired by opId. */
export interface OpEvent extends EventBase {
  type: 'op';
  /** Who acted: `workload`, `nemesis` (cluster faults, the sync hammer), `k6`, `runner`. */
  process: string;
  opId: number;
  f: string;
  phase: 'invoke' | 'ok' | 'fail' | 'info';
  value?: unknown;
  error?: string;
}

/** A fault rule armed, changed or removed at the proxy: fault windows come from these. */
export interface RuleEvent extends EventBase {
  type: 'rule';
  action: 'add' | 'update' | 'remove' | 'expired';
  /** The rule as JSON (fault-injectors' RuleSpec). */
  rule: { name: string; type: string } & Record<string, unknown>;
  /** Matched and applied counts, on removal. */
  counters?: { matched: number; applied: number };
  /** Why it was armed: the schedule phase or the reactive trigger that fired. */
  reason?: string;
}

/**
 * A proxy decision that did something, or a listing the proxy records (`listed`: what the answer showed,
 * `null` for an answer that was no listing): every listing of the backing-image directory, pass decisions
 * included. Other pass decisions stay in faults.jsonl only.
 */
export interface FaultEvent extends EventBase {
  type: 'fault';
  /** The proxy's DecisionRecord as JSON. */
  decision: {
    id: number;
    ts: number;
    op: string;
    bucket?: string;
    key?: string;
    prefix?: string;
    rule: string | null;
    action: string;
    delayMs?: number;
    status?: number;
    hiddenKeys?: string[];
    listed?: string[] | null;
    /** Milliseconds from the request's arrival (`ts`) to the end of its answer. */
    durationMs?: number;
  } & Record<string, unknown>;
}

/** The schedule moved to another phase. */
export interface PhaseEvent extends EventBase {
  type: 'phase';
  name: 'setup' | 'baseline' | 'faults' | 'heal' | 'quiescence' | 'check' | 'teardown';
}

/** The backup store as read directly from MinIO (not through the proxy), for the dual-view check. */
export interface StoreEvent extends EventBase {
  type: 'store';
  backingImageConfigs: {
    backingImage: string;
    key: string;
    /** Empty string while in progress (Longhorn's definition). */
    completeTime: string;
    size?: string;
    blockCount?: string;
  }[];
  systemBackups: { name: string; version: string; hasConfig: boolean; hasZip: boolean }[];
  objectCount: number;
}

/** A log line worth keeping next to the events (simulator controllers, runner notices). */
export interface LogEvent extends EventBase {
  type: 'log';
  level: 'debug' | 'info' | 'warn' | 'error';
  source: string;
  message: string;
  fields?: Record<string, unknown>;
}

/**
 * A Kubernetes event a real Longhorn controller emitted (the embedded environment's real
 * longhorn-manager: fixtures/manager-harness keeps them, the runner records them as they come). They say
 * what a controller decided and why, e.g. a BackupBackingImage's move to Completed or Error.
 */
export interface KubeEventRecord extends EventBase {
  type: 'kube-event';
  /** The controller that emitted it, e.g. `longhorn-backup-backing-image-controller`. */
  component: string;
  /** `Normal` or `Warning`. */
  eventType: string;
  reason: string;
  message: string;
  /** The object the event is about. */
  involved: { kind: string; name: string; namespace?: string; uid?: string };
  /** client-go's event recorder counts repeats of an event into one: `update` is such a repeat. */
  action: 'create' | 'update';
  count: number;
  /** Epoch milliseconds at which the manager's event sink received it. */
  emittedAt: number;
}

/**
 * One sample of the run's paced time (docs/design.md#run-record): how much of the CPU the run's own
 * processes got while they wanted it, and the paced clock it advanced. Paced time is `t` until the first
 * sample, then the line through the samples; the stall window is measured on it.
 */
export interface PaceEvent extends EventBase {
  type: 'pace';
  /** Paced milliseconds at `t`, on the axis of `t`: never decreasing, never ahead of `t`. */
  pacedMs: number;
  /** The share of the interval that ended here: Δrun / (Δrun + Δwait), or 1 when the processes barely asked. */
  share: number;
  /** CPU time the processes ran and waited on a run queue in the interval, in ms (what `share` came from). */
  runMs: number;
  waitMs: number;
}

export type HistoryEvent =
  | WatchEvent
  | PaceEvent
  | GapEvent
  | OpEvent
  | RuleEvent
  | FaultEvent
  | PhaseEvent
  | StoreEvent
  | LogEvent
  | KubeEventRecord;

/** An event before the history gives it an id and times. */
export type NewEvent = HistoryEvent extends infer E
  ? E extends HistoryEvent
    ? Omit<E, 'id' | 't' | 'ts'> & { t?: number; ts?: number }
    : never
  : never;

/**
 * What kind of invariant a check is. `safety`: nothing bad happens, so a violation seen is a violation
 * however the run ended. `liveness`: something good eventually happens, so on a run cut short a `false`
 * only means "not yet" (the runner makes it unknown).
 */
export type CheckProperty = 'safety' | 'liveness';

/** One invariant judged over one scope (a scenario, one system backup, one BackupBackingImage). */
export interface CheckResult {
  /** Invariant id, e.g. `no-stuck-state`, `progress-reaches-100`. */
  name: string;
  valid: Validity;
  /** `warn` findings (the race witness) never make a run fail. */
  severity: 'error' | 'warn';
  message: string;
  /** History event ids that show why. */
  evidence: number[];
  scenario?: string;
  /** The system backup iteration the check is about, when it is about one. */
  iteration?: number;
  /** The object the check is about, e.g. `BackupBackingImage/bi-1-3677a8e8`. */
  subject?: string;
  /** Set by the checker that judged it; absent for the runner's own checks and in older records. */
  property?: CheckProperty;
}

export interface Verdict {
  valid: Validity;
  checks: CheckResult[];
}

/** How a scenario's faults are judged (docs/design.md#invariants): benign faults must not change the outcome. */
export type FaultClass = 'none' | 'benign' | 'destructive';

export interface ScenarioInfo {
  name: string;
  description: string;
  iterations: number;
  /** Which invariant set applies; absent in records written before it existed (read as `benign`). */
  faultClass?: FaultClass;
}

/** A part of the system under test, and whether it ran as Longhorn's own code or as this project's model. */
export interface Component {
  /** `longhorn-manager`, `backing-image-manager`, `backupstore`. */
  name: string;
  kind: 'real' | 'model';
  /** The build that ran: a Longhorn version, a Go module version, or the model's behaviour set. */
  version: string;
  /** Why this build stands for the run's Longhorn version, when it is another one. */
  note?: string;
}

export interface RunMeta {
  /** Unique per run (start time, seed, a random suffix); labels the run's objects and names its folder. */
  runId: string;
  seed: number;
  /**
   * The tag in every object name of the run, derived from the seed (the same seed names the same objects,
   * rules and keys). Absent in records written before names came from the seed (the tag then came from
   * the run id).
   */
  nameTag?: string;
  profile: string;
  env: 'local' | 'kube';
  startedAt: string;
  finishedAt?: string;
  /** The one-line command that repeats this run. */
  repro: string;
  longhorn: {
    /** A Longhorn version, or the simulator's behaviour set. */
    version: string;
    simulated: boolean;
    bugs?: string[];
  };
  tools: Record<string, string>;
  /** What ran as Longhorn's own code and what as the model; absent in records written before it existed. */
  components?: Component[];
  /** Logs of the system under test kept in the record, relative to the run directory (e.g. `logs/bim-node-1-disk-1.log`). */
  logs?: string[];
  scenarios: ScenarioInfo[];
  /** Factor applied to Longhorn's timings by the simulator (1 on a real cluster). */
  timeFactor: number;
  /**
   * A non-final state unchanged for longer than this is stuck: paced milliseconds when the history holds
   * `pace` events (`pace.clock` is `paced`), else wall-clock milliseconds.
   */
  stallWindowMs: number;
  /**
   * Which clock the stall window was measured on; absent in records written before paced time existed
   * (wall). `paced`: the history's `pace` events say how it advanced; `wall`: it could not be measured
   * (`reason` says why: a remote cluster, no per-thread schedstat).
   */
  pace?: { clock: 'paced' | 'wall'; reason?: string; sampleIntervalMs?: number };
  argv?: string[];
  /**
   * Local: the environment's folder. `owned`: the run's own, removed at its end (or by its watchdog, or
   * by `lhchaos env gc` when both are gone); otherwise the `--env-dir` it reused, which stays.
   */
  environment?: { dir: string; owned: boolean };
  coLoad?: { exitCode: number; thresholdsBreached: boolean; summaryFile?: string };
  /**
   * Kube: the `lhchaos cluster up` directory and the seed it was built with. That seed is the in-cluster
   * proxy's start-up seed and the image server's default; a run replaces both with its own `seed` (the
   * proxy is reset with it, every backing-image download asks for it), so it does not decide the run.
   */
  cluster?: { dir: string; seed: number };
  /** `spec.pollInterval` of BackupTarget default at the start of the run (scenarios may set their own). */
  pollInterval?: string;
}

/** One cell of the coverage model: how often a fault of this type acted on, or could have acted on, a key class in a state. */
export interface CoverageCell {
  /** A proxy decision action: delay, throttle, error, reset, hide, unhide-deleted, stale. */
  fault: string;
  /** cfg, blocks, lock, system-backup-zip, volume-backup-cfg. */
  keyClass: string;
  /** The object the request was made for and its state: `BBI:InProgress`, `SB:Uploading`, `BBI:none`. */
  state: string;
  /** Decisions of this type that acted on this key class while the object was in this state. */
  acted: number;
  /** Requests inside a faults phase on which a fault of this type could have acted (pass decisions included). */
  opportunities: number;
}

/** coverage.json: computed from history.jsonl and faults.jsonl (suites/explore/README.md says how). */
export interface CoverageFile {
  version: 1;
  /** The model's axes, in display order: fault types, key classes, and the object states per key class. */
  model: { faults: string[]; keyClasses: string[]; states: Record<string, string[]> };
  /** Cells that were acted on or had an opportunity; every other cell of the model is zero. */
  cells: CoverageCell[];
  /** Cells with `acted > 0`. */
  covered: number;
  /** Cells acted on or with an opportunity in this record: reachable as far as this record shows. */
  reachable: number;
  decisions: { total: number; inFaultsPhase: number; acted: number; outsideModel: number };
}
