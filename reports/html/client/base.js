// Shared by the page's scripts: the report data and its types, what the reader has narrowed the page to,
// and DOM and time helpers. The files of this folder are joined, in the order of CLIENT_SCRIPTS
// (reports/html/index.ts), into one function scope in the page; `tsc -p reports/html/client` checks them
// together against ReportData, the model's type. Plain ES2020, no network, no build step.

/** @typedef {import('../model.js').ReportData} ReportData */
/** @typedef {ReportData['verdict']['checks'][number]} Check */
/** @typedef {ReportData['bands'][number]} Band */
/** @typedef {ReportData['windows'][number]} FaultWindow */
/** @typedef {ReportData['rows'][number]} EventRow */
/** @typedef {'pass' | 'fail' | 'warn' | 'unknown'} Outcome */

// Milestones in ms since navigation start, read by the benchmark.
/** @type {Window['reportTimings']} */
const timings = (window.reportTimings = { script: window.performance.now() });
/** @type {ReportData} */
const data = JSON.parse(byId('report-data').textContent || 'null');
timings.parsed = window.performance.now();

/** What the reader has narrowed the page to; the timeline and the events list both follow it. */
const view = {
  /** Lower-case text a resource name must contain (timeline rows and events). */
  resourceFilter: '',
  /** Lower-case text an event's description must contain. */
  textFilter: '',
  /** @type {Set<number>} indexes into `data.types` hidden from the events list */
  hiddenTypes: new Set(),
  /** @type {Set<number>} ids of the events the shown evidence points at */
  highlighted: new Set(),
  /** The event id jumped to last, or -1. */
  focused: -1,
  /** The page of timeline rows shown. */
  bandPage: 0,
};

const STATE_COLORS = /** @type {Record<string, string>} */ ({
  '': '#b8bec6',
  Pending: '#f2c94c',
  InProgress: '#2d9cdb',
  Completed: '#27ae60',
  Ready: '#27ae60',
  Error: '#eb5757',
  Unknown: '#9e9e9e',
  Deleting: '#828282',
  CreatingVolumeBackups: '#9b51e0',
  CreatingBackingImageBackups: '#f2994a',
  Generating: '#56ccf2',
  Uploading: '#6fcf97',
  Syncing: '#bb6bd9',
});
const RULE_COLORS = ['#e74c3c', '#8e44ad', '#d35400', '#16a085', '#c0392b', '#2c3e50'];

/** @param {string} id */
function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`report.html has no #${id}`);
  return node;
}

/** @param {string} id */
function inputById(id) {
  return /** @type {HTMLInputElement} */ (byId(id));
}

/**
 * An element with attributes (`class`, `on<event>` listeners, the rest as attributes) and children.
 * @param {string} tag
 * @param {Record<string, string | EventListener> | null} [attrs]
 * @param {(Node | string | null | undefined)[]} children
 */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (typeof v === 'function') node.addEventListener(k.slice(2), v);
    else if (k === 'class') node.className = v;
    else node.setAttribute(k, v);
  }
  for (const child of children) if (child != null) node.append(child);
  return node;
}

/** @param {number} n @param {number} w */
const pad = (n, w) => String(n).padStart(w, '0');
/** `hh:mm:ss.mmm` in UTC. @param {number} ts */
function clock(ts) {
  const d = new Date(ts);
  return `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}`;
}
/** @param {number} ms */
const secs = (ms) => `${(ms / 1000).toFixed(3)}s`;
/** @param {string} state */
const stateColor = (state) => STATE_COLORS[state] || '#7f8c8d';
const ruleNames = [...new Set(data.windows.map((w) => w.rule).concat(Object.keys(data.decisions.byRule)))];
/** @param {string} rule */
const ruleColor = (rule) => RULE_COLORS[ruleNames.indexOf(rule) % RULE_COLORS.length];
/** Text for HTML (tooltips are HTML strings). @param {unknown} s */
const escapeHtml = (s) =>
  String(s).replace(
    /[&<>"]/g,
    (c) =>
      /** @type {Record<string, string>} */ ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ||
      c,
  );

/** @param {Check} c @returns {Outcome} */
function outcomeOf(c) {
  if (c.valid === true) return 'pass';
  if (c.severity === 'warn') return 'warn';
  return c.valid === false ? 'fail' : 'unknown';
}

/** The row of an event id (ids increase, so a binary search), or -1. @param {number} id */
function rowIndexOf(id) {
  let lo = 0;
  let hi = data.rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const rowId = data.rows[mid][0];
    if (rowId === id) return mid;
    if (rowId < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Events marked as the race witness (or warnings): drawn as pins and tinted in the events list. */
const witnessIds = new Set(
  data.verdict.checks
    .filter((c) => c.name === 'race-witness' || c.severity === 'warn')
    .flatMap((c) => c.evidence),
);
