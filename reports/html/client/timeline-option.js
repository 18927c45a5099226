// The timeline's ECharts option, built step by step: the layout of its three grids (state bands, BBI
// progress, fault decisions) on one time axis, then each grid's series, the axes and the zoom.

/** @typedef {import('echarts').EChartsOption} EChartsOption */
/** @typedef {import('echarts').LineSeriesOption} LineSeriesOption */
/** @typedef {{ progressTop: number, decisionsTop: number, bandHeight: number, height: number }} Layout */

/** @param {number} rows @returns {Layout} */
function timelineLayout(rows) {
  const bandHeight = Math.max(1, rows) * 26;
  const progressTop = 40 + bandHeight + 40;
  const decisionsTop = progressTop + 150 + 30;
  return { bandHeight, progressTop, decisionsTop, height: decisionsTop + 110 + 60 };
}

/** @param {Band[]} bands @param {string[]} progress @returns {EChartsOption} */
function timelineOption(bands, progress) {
  const layout = timelineLayout(bands.length);
  /** @type {Map<string, number>} */
  const rowOf = new Map(bands.map((b, i) => [b.resource, i]));
  const lines = progress.map(progressSeries);
  const bars = Object.entries(data.decisions.buckets).map(([rule, counts]) => decisionSeries(rule, counts));
  const series = [
    stateSeries(bands),
    evidenceSeries(rowOf),
    faultWindowSeries(0, true),
    faultWindowSeries(2, false),
    ...lines,
    ...bars,
  ];
  return {
    animation: false,
    tooltip: { trigger: 'item', confine: true, formatter: tooltip },
    legend: {
      type: 'scroll',
      bottom: 0,
      data: [...lines, ...bars].map((s) => s.name),
    },
    grid: [
      { left: 230, right: 50, top: 40, height: layout.bandHeight },
      { left: 230, right: 50, top: layout.progressTop, height: 150 },
      { left: 230, right: 50, top: layout.decisionsTop, height: 110 },
    ],
    xAxis: [timeAxis(0, true), timeAxis(1, false), timeAxis(2, true)],
    yAxis: valueAxes(bands),
    dataZoom: [
      { type: 'inside', xAxisIndex: [0, 1, 2], filterMode: 'weakFilter' },
      {
        type: 'slider',
        xAxisIndex: [0, 1, 2],
        top: 6,
        height: 20,
        filterMode: 'weakFilter',
        labelFormatter: (/** @type {number} */ v) => clock(v).slice(0, 8),
      },
    ],
    series,
  };
}

/**
 * One bar per state segment of each row (drawn by renderBand).
 * @param {Band[]} bands @returns {import('echarts').CustomSeriesOption}
 */
function stateSeries(bands) {
  /** @type {[number, number, number, string, number, number, string][]} */
  const segments = [];
  bands.forEach((b, row) =>
    b.segments.forEach((s) => segments.push([s[0], s[1], row, s[2], s[3], s[4], b.resource])),
  );
  return {
    type: 'custom',
    name: 'states',
    xAxisIndex: 0,
    yAxisIndex: 0,
    encode: { x: [0, 1], y: 2 },
    data: segments,
    renderItem: renderBand,
    clip: true,
    progressive: 0,
  };
}

/**
 * Pins on the rows at the events checks point at: the race witness in orange.
 * @param {Map<string, number>} rowOf @returns {import('echarts').ScatterSeriesOption}
 */
function evidenceSeries(rowOf) {
  const marks = [];
  for (const [id, [ts, resource]] of Object.entries(data.marks)) {
    const row = rowOf.get(resource);
    if (row === undefined) continue;
    const witness = witnessIds.has(Number(id));
    marks.push({
      value: [ts, row],
      id: Number(id),
      name: witness ? 'race witness' : 'failure evidence',
      symbol: witness ? 'pin' : 'triangle',
      symbolSize: witness ? 26 : 12,
      itemStyle: { color: witness ? '#e67e22' : '#c0392b' },
    });
  }
  return {
    type: 'scatter',
    name: 'evidence',
    xAxisIndex: 0,
    yAxisIndex: 0,
    data: marks,
    z: 5,
    label: {
      show: true,
      // Labels only while they stay readable; the pins alone mark the rest.
      formatter: (p) =>
        /** @type {{ name?: string }} */ (p.data).name === 'race witness' && marks.length <= 12
          ? 'race witness'
          : '',
      position: 'top',
      color: '#e67e22',
      fontWeight: 'bold',
    },
  };
}

/**
 * An empty series that shades the fault windows and observer gaps of one grid; the first grid also
 * labels them and draws the phases as dashed lines.
 * @param {number} grid @param {boolean} withLabel @returns {LineSeriesOption}
 */
function faultWindowSeries(grid, withLabel) {
  /** @typedef {NonNullable<import('echarts').MarkAreaComponentOption['data']>[number]} AreaPair */
  const windows = displayWindows.map(
    (w) =>
      /** @type {AreaPair} */ ([
        {
          name: withLabel ? w.rule : '',
          xAxis: w.from,
          itemStyle: { color: ruleColor(w.rule), opacity: 0.12 },
        },
        { xAxis: w.to },
      ]),
  );
  const gaps = data.gaps.map(
    (g) =>
      /** @type {AreaPair} */ ([
        { name: withLabel ? `gap ${g.kind}` : '', xAxis: g.from, itemStyle: { color: '#555', opacity: 0.2 } },
        { xAxis: g.to },
      ]),
  );
  return {
    type: 'line',
    xAxisIndex: grid,
    yAxisIndex: grid,
    data: [],
    silent: true,
    markArea: {
      silent: false,
      data: windows.concat(gaps),
      label: { position: 'insideTopLeft', color: '#a33', fontSize: 10 },
    },
    markLine:
      grid === 0
        ? {
            symbol: 'none',
            silent: true,
            lineStyle: { color: '#999', type: 'dashed' },
            label: { formatter: '{b}', fontSize: 10, color: '#666' },
            data: data.phases.map((p) => ({ name: p.name, xAxis: p.ts })),
          }
        : undefined,
  };
}

/** @param {string} resource @returns {LineSeriesOption & { name: string }} */
function progressSeries(resource) {
  return {
    type: 'line',
    name: resource.replace('BackupBackingImage/', ''),
    xAxisIndex: 1,
    yAxisIndex: 1,
    step: 'end',
    showSymbol: false,
    sampling: 'lttb',
    // Not clipped and drawn above the axis line, so a BBI stuck at 0% stays visible.
    clip: false,
    z: 4,
    lineStyle: { width: 2 },
    data: extendToEnd(data.progress[resource] || []),
  };
}

/**
 * Stacked bars of one rule's acting decisions per time bucket.
 * @param {string} rule @param {number[]} counts @returns {import('echarts').BarSeriesOption & { name: string }}
 */
function decisionSeries(rule, counts) {
  const { bucketStart, bucketMs } = data.decisions;
  return {
    type: 'bar',
    name: `decisions: ${rule}`,
    stack: 'decisions',
    xAxisIndex: 2,
    yAxisIndex: 2,
    itemStyle: { color: ruleColor(rule) },
    barMaxWidth: 8,
    data: counts.map((n, i) => [bucketStart + i * bucketMs, n]).filter((p) => p[1] > 0),
  };
}

/** @param {number} grid @param {boolean} show @returns {import('echarts').XAXisComponentOption} */
function timeAxis(grid, show) {
  return {
    type: 'time',
    gridIndex: grid,
    min: data.start,
    max: data.end,
    axisLabel: { show, formatter: (/** @type {number} */ v) => clock(v).slice(0, 8) },
  };
}

/**
 * The rows' names, progress in %, decision counts.
 * @param {Band[]} bands @returns {import('echarts').YAXisComponentOption[]}
 */
function valueAxes(bands) {
  return [
    {
      type: 'category',
      gridIndex: 0,
      data: bands.map((b) => b.resource),
      inverse: true,
      // Short kind prefixes leave room for the generated names, which are what tells rows apart.
      axisLabel: {
        fontSize: 11,
        width: 215,
        overflow: 'truncate',
        formatter: (/** @type {string} */ v) =>
          v.replace(/^BackupBackingImage\//, 'BBI ').replace(/^SystemBackup\//, 'SB '),
      },
    },
    {
      type: 'value',
      gridIndex: 1,
      min: 0,
      max: 100,
      interval: 25,
      name: 'BBI progress %',
      nameTextStyle: { align: 'right' },
    },
    {
      type: 'value',
      gridIndex: 2,
      name: 'fault decisions',
      minInterval: 1,
      nameTextStyle: { align: 'right' },
    },
  ];
}
