// The fault side of a run: rules armed at the proxy under a lease the runner renews, the proxy's
// decisions streamed into faults.jsonl (all) and the history (those that acted, and every listing the
// proxy records, `listed`), reactive triggers, cluster faults and the sync hammer. Heal undoes everything
// in reverse and ends with a proxy reset.
import type { KubeConfig } from '@kubernetes/client-node';
import type { Clock, SeededRandom } from '../../common/index.js';
import { startSyncHammer, type ClusterFaults, type SyncHammer } from '../../fault-injectors/cluster/index.js';
import type { DecisionRecord, ProxyControl, RuleSpec } from '../../fault-injectors/s3-proxy/types.js';
import type { History, HistoryTap, OpRecorder } from '../harness/index.js';
import {
  RUN_LABEL,
  type ObservedObject,
  type HistoryEvent,
  type NewEvent,
  type WatchEvent,
} from '../../record/index.js';
import {
  plannedOrigins,
  type ReactiveTrigger,
  type Scenario,
  type ScheduleContext,
  type TriggerView,
} from './scenarios.js';

export interface FaultControllerOptions {
  proxy: ProxyControl;
  history: History;
  ops: OpRecorder;
  tap: HistoryTap;
  clock: Clock;
  random: SeededRandom;
  /** Lease holder name (the run id). */
  holder: string;
  leaseTtlMs: number;
  clusterFaults: ClusterFaults;
  kubeConfig: KubeConfig;
  namespace: string;
  /** Every decision, for faults.jsonl. */
  onDecision: (decision: DecisionRecord) => void;
  /**
   * The last decision id already recorded. A run shares one between its scenarios' controllers: the proxy
   * keeps its log across scenarios, and a new controller must not record the earlier ones again.
   */
  cursor?: { lastId: number };
  /** Is this object one of the run's (so triggers ignore other runs' objects)? */
  ownsBackingImage: (name: string) => boolean;
  decisionPollMs?: number;
}

interface Armed {
  rule: RuleSpec;
  /** Phase rule or the trigger that armed it. */
  origin: string;
}

export class FaultController {
  private readonly armed = new Map<string, Armed>();
  private readonly cursor: { lastId: number };
  private readonly stopPolling = new AbortController();
  private pollLoop: Promise<void> | undefined;
  private leaseLoop: Promise<void> | undefined;
  private hammer: SyncHammer | undefined;
  private unsubscribeTriggers: (() => void) | undefined;
  private readonly pending = new Set<Promise<unknown>>();
  private readonly healing = new AbortController();
  /** Counts of acting decisions, for the progress line. */
  faultsFired = 0;

  constructor(private readonly options: FaultControllerOptions) {
    this.cursor = options.cursor ?? { lastId: 0 };
  }

  async start(): Promise<void> {
    const { proxy, holder, leaseTtlMs, clock } = this.options;
    await proxy.acquireLease(holder, leaseTtlMs);
    const signal = this.stopPolling.signal;
    this.leaseLoop = (async () => {
      while (!signal.aborted) {
        try {
          await clock.sleep(leaseTtlMs / 3, signal);
          await proxy.renewLease(holder);
        } catch {
          if (signal.aborted) return;
        }
      }
    })();
    this.pollLoop = (async () => {
      while (!signal.aborted) {
        try {
          await clock.sleep(this.options.decisionPollMs ?? 250, signal);
        } catch {
          return;
        }
        await this.pollDecisions().catch(() => undefined);
      }
    })();
  }

  /**
   * Fetches new decisions: all to faults.jsonl; to the history the acting ones and every recorded listing
   * (`listed`, pass decisions included: stored-bbi-kept needs each listing the BackupTarget sync may have
   * acted on, suites/oracles/README.md).
   */
  async pollDecisions(): Promise<void> {
    for (;;) {
      const batch = await this.options.proxy.decisions(this.cursor.lastId);
      if (batch.length === 0) return;
      for (const decision of batch) {
        if (decision.id <= this.cursor.lastId) continue;
        if (decision.id > this.cursor.lastId + 1)
          this.recordDroppedDecisions(this.cursor.lastId + 1, decision.id - 1);
        this.cursor.lastId = decision.id;
        this.options.onDecision(decision);
        if (decision.action !== 'pass') this.faultsFired++;
        else if (decision.listed === undefined) continue;
        this.options.history.append({ type: 'fault', decision: { ...decision } } as NewEvent);
      }
    }
  }

  /**
   * The proxy holds a bounded number of decisions in memory; ids are gapless, so a jump means some were
   * dropped before they were read. The record then misses them (faults.jsonl, the listings stored-bbi-kept
   * reads): a runner error, which makes the scenario's verdict unknown (runner-completed), not a silent hole.
   */
  private recordDroppedDecisions(from: number, to: number): void {
    this.options.history.append({
      type: 'log',
      level: 'error',
      source: 'runner',
      message: `the fault proxy dropped decisions ${from} to ${to} (${to - from + 1}) from its memory before the runner read them: faults.jsonl and the history miss them`,
      fields: { from, to },
    } as NewEvent);
  }

  async arm(rule: RuleSpec, origin: string, reason: string): Promise<void> {
    await this.options.proxy.addRule(rule);
    this.armed.set(rule.name, { rule, origin });
    this.options.history.append({
      type: 'rule',
      action: 'add',
      rule: { ...rule },
      reason: `${origin}: ${reason}`,
    } as NewEvent);
  }

  async disarm(name: string, reason: string): Promise<void> {
    const armed = this.armed.get(name);
    if (!armed) return;
    this.armed.delete(name);
    try {
      const counters = await this.options.proxy.deleteRule(name);
      this.options.history.append({
        type: 'rule',
        action: 'remove',
        rule: { ...armed.rule },
        counters: { matched: counters.matched, applied: counters.applied },
        reason: `${armed.origin}: ${reason}`,
      } as NewEvent);
    } catch (error) {
      // Gone already: the lease expired, or a reset removed it.
      this.options.history.append({
        type: 'rule',
        action: 'expired',
        rule: { ...armed.rule },
        reason: `${armed.origin}: ${reason}: ${error instanceof Error ? error.message : String(error)}`,
      } as NewEvent);
    }
  }

  /** Arms the scenario's phase rules, its triggers and the sync hammer. */
  async beginFaults(scenario: Scenario, ctx: ScheduleContext, replayRules?: RuleSpec[]): Promise<void> {
    const rules = replayRules ?? scenario.rules(ctx);
    this.options.history.append({
      type: 'log',
      level: 'info',
      source: 'schedule',
      message: 'planned faults',
      fields: { planned: replayRules ? rules.map((r) => `rule:${r.name}`) : plannedOrigins(scenario) },
    } as NewEvent);
    for (const rule of rules)
      await this.arm(rule, `rule:${rule.name}`, replayRules ? 'replay' : 'phase faults');
    this.startTriggers(scenario.triggers, ctx);
    if (scenario.syncHammer) {
      this.hammer = startSyncHammer({
        kubeConfig: this.options.kubeConfig,
        namespace: this.options.namespace,
        clock: this.options.clock,
        random: this.options.random.derive('sync-hammer'),
        intervalMs: {
          min: Math.max(20, Math.round(scenario.syncHammer.minT * ctx.T)),
          max: Math.max(20, Math.round(scenario.syncHammer.maxT * ctx.T)),
        },
        onBump: (bump) => {
          const { opId } = this.options.ops.invoke('nemesis', 'sync-hammer', { n: bump.n });
          this.options.ops.complete(opId, 'nemesis', 'sync-hammer', bump.error ? 'info' : 'ok', {
            value: { syncRequestedAt: bump.syncRequestedAt },
            ...(bump.error ? { error: bump.error } : {}),
          });
          if (!bump.error) this.faultsFired++;
        },
      });
    }
  }

  /** Latest object per kind/name, fed by the history (trigger conditions read it). */
  private readonly objects = new Map<string, Map<string, ObservedObject>>();
  private readonly releases: { check: () => boolean; release: () => void }[] = [];

  private readonly view: TriggerView = {
    get: (kind, name) => this.objects.get(kind)?.get(name),
    list: (kind) => [...(this.objects.get(kind)?.values() ?? [])],
    deleted: (kind) => this.deletedObjects.get(kind) ?? [],
  };
  private readonly deletedObjects = new Map<string, ObservedObject[]>();

  private remember(event: HistoryEvent): void {
    if (event.type !== 'watch') return;
    const byName = this.objects.get(event.kind) ?? new Map<string, ObservedObject>();
    this.objects.set(event.kind, byName);
    if (event.verb === 'DELETED') {
      byName.delete(event.name);
      const gone = this.deletedObjects.get(event.kind) ?? [];
      gone.push(event.object);
      this.deletedObjects.set(event.kind, gone.slice(-500));
    } else byName.set(event.name, event.object);
  }

  private startTriggers(triggers: ReactiveTrigger[], ctx: ScheduleContext): void {
    const firings = new Map<string, number>();
    const seen = new Set<string>();
    this.unsubscribeTriggers = this.options.tap.subscribe((event) => {
      this.remember(event);
      for (const pending of [...this.releases]) {
        if (!pending.check()) continue;
        this.releases.splice(this.releases.indexOf(pending), 1);
        pending.release();
      }
      for (const trigger of triggers) {
        const subject = this.matches(trigger, event);
        if (!subject) continue;
        const key = `${trigger.name}/${subject}`;
        if (seen.has(key) || (firings.get(trigger.name) ?? 0) >= trigger.maxFirings) continue;
        seen.add(key);
        firings.set(trigger.name, (firings.get(trigger.name) ?? 0) + 1);
        this.track(this.fire(trigger, subject, ctx));
      }
    });
  }

  private matches(trigger: ReactiveTrigger, event: HistoryEvent): string | undefined {
    if (event.type !== 'watch' || event.kind !== trigger.when.kind || event.verb === 'DELETED')
      return undefined;
    const watch = event as WatchEvent;
    if (
      watch.kind === 'BackupBackingImage' &&
      !this.options.ownsBackingImage(String(watch.object.spec?.backingImage ?? ''))
    ) {
      return undefined;
    }
    if (watch.kind === 'SystemBackup' && !watch.object.metadata.labels?.[RUN_LABEL]) return undefined;
    const when = trigger.when;
    // BBI triggers act per backing image (a BBI is re-created under a new name for the same image).
    const subject =
      watch.kind === 'BackupBackingImage'
        ? String(watch.object.spec?.backingImage ?? watch.name)
        : watch.name;
    if (when.on === 'created') return watch.verb === 'ADDED' ? subject : undefined;
    return String(watch.object.status?.state ?? '') === when.state ? subject : undefined;
  }

  private async fire(trigger: ReactiveTrigger, subject: string, ctx: ScheduleContext): Promise<void> {
    const origin = `trigger:${trigger.name}`;
    const reason = `trigger ${trigger.name}: ${trigger.when.kind} ${subject} ${trigger.when.on === 'created' ? 'created' : `entered ${(trigger.when as { state: string }).state}`}`;
    const rule = trigger.rule?.(ctx, subject);
    if (rule) {
      await this.arm(rule, origin, reason).catch(() => undefined);
      const releaseWhen = trigger.releaseWhen;
      const forMs = trigger.forMs
        ? trigger.forMs(ctx)
        : trigger.forT !== undefined
          ? trigger.forT * ctx.T
          : undefined;
      if (releaseWhen || forMs !== undefined) {
        await new Promise<void>((resolve) => {
          const window = new AbortController();
          const done = () => {
            window.abort(new Error('released'));
            resolve();
          };
          if (releaseWhen) {
            const entry = { check: () => releaseWhen(this.view, subject), release: done };
            if (entry.check()) return done();
            this.releases.push(entry);
          }
          if (forMs !== undefined) {
            this.options.clock.sleep(forMs, window.signal).then(done, () => undefined);
          }
          this.stopPolling.signal.addEventListener('abort', done, { once: true });
          this.healing.signal.addEventListener('abort', done, { once: true });
          if (this.stopPolling.signal.aborted || this.healing.signal.aborted) done();
        });
        await this.disarm(rule.name, `trigger ${trigger.name}: released`);
      }
    }
    if (trigger.clusterFault) {
      const fault = trigger.clusterFault;
      try {
        await this.options.ops.run('nemesis', fault, { origin, reason, subject }, () =>
          this.options.clusterFaults.apply(fault),
        );
        this.faultsFired++;
      } catch {
        // Recorded as an info op; the efficacy check sees no application.
      }
    }
  }

  private track(work: Promise<unknown>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  /** Stops triggers and the hammer, removes every rule in reverse, resets the proxy. */
  async heal(): Promise<void> {
    if (!this.healing.signal.aborted) this.healing.abort(new Error('healing'));
    this.unsubscribeTriggers?.();
    this.unsubscribeTriggers = undefined;
    await this.hammer?.stop();
    this.hammer = undefined;
    for (const name of [...this.armed.keys()].reverse()) await this.disarm(name, 'heal');
    await Promise.allSettled([...this.pending]);
    for (const name of [...this.armed.keys()].reverse()) await this.disarm(name, 'heal');
    await this.options.proxy.reset().catch(() => undefined);
    await this.pollDecisions().catch(() => undefined);
  }

  /** Ends polling (after a last poll: every decision so far is recorded) and the lease. Safe to call twice. */
  async stop(): Promise<void> {
    if (!this.stopPolling.signal.aborted) this.stopPolling.abort(new Error('fault controller stopped'));
    await Promise.allSettled([this.pollLoop, this.leaseLoop]);
    await this.pollDecisions().catch(() => undefined);
    await this.options.proxy.releaseLease(this.options.holder).catch(() => undefined);
  }
}
