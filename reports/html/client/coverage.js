// The coverage section: coverage.json's cells as a heat map, fault types by key class and object state.
// Acted cells are coloured by how often a fault acted there; cells the run could have reached but did not
// act on are grey; columns with nothing at all are left out. Hidden when the record has no coverage.json.

/** @typedef {NonNullable<ReportData['coverage']>} Coverage */
/** @typedef {Coverage['cells'][number]} CoverageCell */
/** @typedef {{ keyClass: string, state: string }} CoverageColumn */

/** Short axis names for the long key classes. */
const COVERAGE_SHORT = /** @type {Record<string, string>} */ ({
  'system-backup-zip': 'sb-zip',
  'volume-backup-cfg': 'vol-cfg',
});

/** @param {string} fault @param {string} keyClass @param {string} state */
const coverageCellId = (fault, keyClass, state) => `${fault}|${keyClass}|${state}`;

/** The columns (key class, state) with at least one cell, in the model's order. @param {Coverage} coverage */
function coverageColumns(coverage) {
  const { model } = coverage;
  const ids = new Set(coverage.cells.map((c) => coverageCellId(c.fault, c.keyClass, c.state)));
  /** @type {CoverageColumn[]} */
  const columns = [];
  for (const keyClass of model.keyClasses)
    for (const state of model.states[keyClass] || [])
      if (model.faults.some((f) => ids.has(coverageCellId(f, keyClass, state))))
        columns.push({ keyClass, state });
  return columns;
}

function renderCoverage() {
  const coverage = data.coverage;
  if (!coverage) return;
  byId('coverage-section').hidden = false;
  const { model } = coverage;
  byId('coverage-note').textContent =
    `${coverage.covered} of ${coverage.reachable} cells reachable in this run were acted on ` +
    `(${coverage.decisions.acted} acting decisions; ${coverage.decisions.outsideModel} on keys outside the model). ` +
    'A cell is a fault type on a key class while the object the request was made for was in a state.';
  const columns = coverageColumns(coverage);
  if (columns.length === 0) return;
  /** @type {Map<string, CoverageCell>} */
  const byCell = new Map(coverage.cells.map((c) => [coverageCellId(c.fault, c.keyClass, c.state), c]));
  /** @type {[number, number, number, number][]} x, y, acted, opportunities */
  const points = [];
  model.faults.forEach((fault, y) => {
    columns.forEach((col, x) => {
      const cell = byCell.get(coverageCellId(fault, col.keyClass, col.state));
      if (cell) points.push([x, y, cell.acted, cell.opportunities]);
    });
  });
  /** @param {unknown} p */
  const valueOf = (p) =>
    /** @type {[number, number, number, number]} */ (/** @type {{ value: unknown }} */ (p).value);
  const box = byId('coverage');
  box.style.height = `${190 + model.faults.length * 28}px`;
  const coverageChart = echarts.init(box, null, { renderer: 'canvas' });
  coverageChart.setOption({
    animation: false,
    grid: { left: 110, right: 20, top: 40, bottom: 150 },
    tooltip: {
      formatter: (/** @type {unknown} */ p) => {
        const [x, y, acted, opportunities] = valueOf(p);
        const col = columns[x];
        return `${escapeHtml(model.faults[y])} on ${escapeHtml(col.keyClass)} while ${escapeHtml(col.state)}<br>acted ${acted}, opportunities ${opportunities}`;
      },
    },
    xAxis: {
      type: 'category',
      data: columns.map((c) => `${COVERAGE_SHORT[c.keyClass] || c.keyClass} ${c.state}`),
      axisLabel: { rotate: 60, fontSize: 10 },
      splitArea: { show: true },
    },
    yAxis: { type: 'category', data: model.faults, splitArea: { show: true } },
    visualMap: {
      type: 'piecewise',
      dimension: 2,
      orient: 'horizontal',
      right: 10,
      top: 0,
      pieces: [
        { value: 0, label: 'reachable, not acted on', color: '#d9d9d9' },
        { min: 1, max: 2, label: '1-2', color: '#9ecae1' },
        { min: 3, max: 9, label: '3-9', color: '#4292c6' },
        { min: 10, label: '10+', color: '#08519c' },
      ],
    },
    series: [
      {
        type: 'heatmap',
        data: points,
        label: {
          show: true,
          fontSize: 9,
          formatter: (/** @type {unknown} */ p) => (valueOf(p)[2] ? String(valueOf(p)[2]) : ''),
        },
      },
    ],
  });
  window.addEventListener('resize', () => coverageChart.resize());
}
