// What the timeline draws, before any chart option: the rows in the order a person must see them, the
// page of rows on screen, and the fault windows merged where they would crowd the axis.

const MAX_BAND_ROWS_SHOWN = 24;
const MAX_PROGRESS_SERIES = 20;
const FINAL_STATES = new Set(['Ready', 'Completed', 'Error', 'Unknown']);

/** @typedef {{ rule: string, from: number, to: number }} WindowSpan */

/** Many short windows of one rule are merged for drawing (the rules table keeps all of them). */
const displayWindows = (() => {
  /** @type {WindowSpan[]} */
  const windows = data.windows;
  if (windows.length <= 100) return windows;
  const minGap = (data.end - data.start) / 400;
  /** @type {WindowSpan[]} */
  const merged = [];
  /** @type {Map<string, WindowSpan>} */
  const lastOf = new Map();
  for (const w of [...windows].sort((a, b) => a.from - b.from)) {
    const last = lastOf.get(w.rule);
    if (last && w.from - last.to <= minGap) last.to = Math.max(last.to, w.to);
    else {
      const copy = { rule: w.rule, from: w.from, to: w.to };
      merged.push(copy);
      lastOf.set(w.rule, copy);
    }
  }
  return merged;
})();

/** Rows first: subjects of failed checks and resources with evidence, then the order first seen. */
const orderedBands = (() => {
  /** @type {Map<string, number>} */
  const importance = new Map();
  for (const c of data.verdict.checks) {
    if (c.subject && c.valid !== true) importance.set(c.subject, c.severity === 'error' ? 2 : 1);
  }
  for (const [, resource] of Object.values(data.marks))
    importance.set(resource, Math.max(importance.get(resource) || 0, 1));
  return data.bands
    .map((b, i) => ({ b, i, w: importance.get(b.resource) || 0 }))
    .sort((x, y) => y.w - x.w || x.i - y.i)
    .map((x) => x.b);
})();

/** @param {string} resource */
const matchesFilter = (resource) =>
  !view.resourceFilter || resource.toLowerCase().includes(view.resourceFilter);

/**
 * The rows on screen: only they are handed to the chart, however long the run. Clamps `view.bandPage`.
 * @returns {{ bands: Band[], firstRow: number, total: number, pages: number }}
 */
function bandRowsPage() {
  const all = orderedBands.filter((b) => matchesFilter(b.resource));
  const pages = Math.max(1, Math.ceil(all.length / MAX_BAND_ROWS_SHOWN));
  view.bandPage = Math.min(Math.max(0, view.bandPage), pages - 1);
  const firstRow = view.bandPage * MAX_BAND_ROWS_SHOWN;
  return { bands: all.slice(firstRow, firstRow + MAX_BAND_ROWS_SHOWN), firstRow, total: all.length, pages };
}

/** Progress lines of the rows shown, those with a failed check first, at most MAX_PROGRESS_SERIES. @param {Band[]} bands */
function progressKeys(bands) {
  const keys = bands.filter((b) => data.progress[b.resource]).map((b) => b.resource);
  /** @param {string} k */
  const interesting = (k) => data.verdict.checks.some((c) => c.subject === k && c.valid !== true);
  keys.sort((a, b) => Number(interesting(b)) - Number(interesting(a)));
  return { shown: keys.slice(0, MAX_PROGRESS_SERIES), total: keys.length };
}

/** A progress line runs on to the end of the run, so "stuck at 0" is a visible flat line. @param {[number, number][]} points */
function extendToEnd(points) {
  const last = points[points.length - 1];
  return last ? points.concat([[data.end, last[1]]]) : points;
}
