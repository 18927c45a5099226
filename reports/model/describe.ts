// One-line descriptions of history events, shared by the JUnit evidence text, the HTML events table and the
// terminal summary, so an event reads the same everywhere. Unknown event types still get a line.
import type { HistoryEvent, ObservedObject } from '../../record/index.js';

/** `Kind/name` of the object an event is about, when it is about one. */
export function resourceOf(event: HistoryEvent): string | undefined {
  switch (event.type) {
    case 'watch':
      return `${event.kind}/${event.name}`;
    case 'gap':
      return event.kind;
    case 'rule':
      return `rule/${event.rule.name}`;
    case 'fault':
      return event.decision.rule ? `rule/${event.decision.rule}` : undefined;
    case 'kube-event':
      return `${event.involved.kind}/${event.involved.name}`;
    default:
      return undefined;
  }
}

/** The state and progress the reports follow, from an observed object's status. */
export function stateOf(object: ObservedObject | undefined): { state: string; progress?: number } {
  const status = object?.status ?? {};
  const state = typeof status.state === 'string' ? status.state : '';
  const progress = typeof status.progress === 'number' ? status.progress : undefined;
  return progress === undefined ? { state } : { state, progress };
}

function short(value: unknown, max = 80): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (text === undefined) return '';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function describeBody(event: HistoryEvent): string {
  switch (event.type) {
    case 'watch': {
      const { state, progress } = stateOf(event.object);
      const parts = [`${event.verb} ${event.kind}/${event.name}`, `state=${state === '' ? '""' : state}`];
      if (progress !== undefined) parts.push(`progress=${progress}`);
      const labels = event.object.metadata.labels ?? {};
      if (labels['longhorn.io/delete-custom-resource-only'] === 'true')
        parts.push('delete-custom-resource-only');
      const backingImage = event.object.spec?.backingImage;
      if (typeof backingImage === 'string') parts.push(`backingImage=${backingImage}`);
      parts.push(`rv=${event.resourceVersion}`);
      if (event.source === 'relist') parts.push('(relist)');
      return parts.join(' ');
    }
    case 'gap':
      return `observer gap on ${event.kind} for ${((event.t - event.from) / 1000).toFixed(1)}s: ${event.reason}`;
    case 'op': {
      const tail = event.error
        ? ` error=${short(event.error)}`
        : event.value !== undefined
          ? ` ${short(event.value)}`
          : '';
      return `${event.process} ${event.f} ${event.phase} (op ${event.opId})${tail}`;
    }
    case 'rule': {
      const counters = event.counters
        ? ` matched=${event.counters.matched} applied=${event.counters.applied}`
        : '';
      const reason = event.reason ? ` (${event.reason})` : '';
      return `rule ${event.action} ${event.rule.name} [${event.rule.type}]${counters}${reason}`;
    }
    case 'fault': {
      const d = event.decision;
      const target = d.key ?? d.prefix ?? d.bucket ?? '';
      const extra =
        d.delayMs !== undefined ? ` ${d.delayMs}ms` : d.status !== undefined ? ` ${d.status}` : '';
      // A recorded listing also says what the client was shown.
      const shown =
        d.listed === undefined
          ? ''
          : d.listed === null
            ? ', no listing'
            : d.listed.length === 0
              ? ', showed nothing'
              : `, showed ${short(d.listed.join(' '), 60)}`;
      return `fault ${d.action}${extra} by ${d.rule ?? '-'}: ${d.op} ${short(target)}${shown}`;
    }
    case 'phase':
      return `phase ${event.name}`;
    case 'store': {
      const incomplete = event.backingImageConfigs.filter((c) => c.completeTime === '').length;
      return `store: ${event.backingImageConfigs.length} backing-image.cfg (${incomplete} in progress), ${event.systemBackups.length} system backups, ${event.objectCount} objects`;
    }
    case 'pace':
      return `pace: ${(event.pacedMs / 1000).toFixed(3)}s paced, share ${event.share} (ran ${event.runMs} ms, waited ${event.waitMs} ms)`;
    case 'log':
      return `${event.level} ${event.source}: ${short(event.message, 160)}`;
    case 'kube-event': {
      const repeat = event.count > 1 ? ` (x${event.count})` : '';
      return `event ${event.eventType} ${event.reason} on ${event.involved.kind}/${event.involved.name} by ${event.component}${repeat}: ${short(event.message, 160)}`;
    }
    default: {
      const unknown = event as { type?: unknown };
      return `${String(unknown.type)} ${short(event, 120)}`;
    }
  }
}

/** `#id +12.345s text`: the form evidence takes in JUnit failures and the terminal. */
export function describeEvent(event: HistoryEvent): string {
  return `#${event.id} +${(event.t / 1000).toFixed(3)}s ${describeBody(event)}`;
}

/** The same without id and time, for table cells that show those in their own columns. */
export function describeEventBody(event: HistoryEvent): string {
  return describeBody(event);
}
