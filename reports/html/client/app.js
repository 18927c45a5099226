// Browser side of report.html: checks, evidence, the ECharts timeline and a virtualized events list, all
// from the JSON embedded in the page. Plain ES2020, no network, no build step.
/* global echarts */
(function () {
  'use strict';
  // Milestones in ms since navigation start, read by the benchmark.
  const timings = (window.reportTimings = { script: window.performance.now() });
  const data = JSON.parse(document.getElementById('report-data').textContent);
  timings.parsed = window.performance.now();
  const ROW_H = 22;
  const MAX_PROGRESS_SERIES = 20;
  const MAX_BAND_ROWS_SHOWN = 24;
  const STATE_COLORS = {
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
  };
  const RULE_COLORS = ['#e74c3c', '#8e44ad', '#d35400', '#16a085', '#c0392b', '#2c3e50'];

  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') node.className = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const child of children) if (child != null) node.append(child);
    return node;
  };
  const pad = (n, w) => String(n).padStart(w, '0');
  const clock = (ts) => {
    const d = new Date(ts);
    return `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}`;
  };
  const secs = (ms) => `${(ms / 1000).toFixed(3)}s`;
  const stateColor = (state) => STATE_COLORS[state] || '#7f8c8d';
  const ruleNames = [...new Set(data.windows.map((w) => w.rule).concat(Object.keys(data.decisions.byRule)))];
  const ruleColor = (rule) => RULE_COLORS[ruleNames.indexOf(rule) % RULE_COLORS.length];
  const validText = (c) =>
    c.valid === true
      ? 'pass'
      : c.valid === false
        ? c.severity === 'warn'
          ? 'warn'
          : 'fail'
        : c.severity === 'warn'
          ? 'warn'
          : 'unknown';

  // Row lookup by event id: ids increase, so binary search over the rows.
  const rowIndexOf = (id) => {
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
  };
  const witnessIds = new Set(
    data.verdict.checks
      .filter((c) => c.name === 'race-witness' || c.severity === 'warn')
      .flatMap((c) => c.evidence),
  );

  // ---- checks and evidence ----
  const rank = { fail: 0, unknown: 1, warn: 2, pass: 3 };
  const checks = data.verdict.checks
    .map((c, i) => ({ c, i, v: validText(c) }))
    .sort((a, b) => rank[a.v] - rank[b.v] || a.i - b.i);
  const evidenceLinks = (ids) =>
    ids.map((id) => el('a', { href: `#ev-${id}`, class: 'ev-link', 'data-ev': String(id) }, `#${id}`));
  // Long runs have hundreds of checks: failing ones are listed (in pages), passing ones grouped by name
  // behind a <details> that builds its table only when opened.
  const CHECK_PAGE = 50;
  const checkTable = (list) => {
    const table = el(
      'table',
      { class: 'checks' },
      el(
        'thead',
        null,
        el(
          'tr',
          null,
          ...['', 'check', 'scenario', 'iter', 'subject', 'message', 'evidence'].map((h) =>
            el('th', null, h),
          ),
        ),
      ),
    );
    const body = el('tbody');
    const addRows = (from, to) => {
      for (const { c, v } of list.slice(from, to)) {
        const links = el('td', { class: 'evidence-cell' });
        for (const link of evidenceLinks(c.evidence)) links.append(link, ' ');
        const onclick = (e) => {
          if (!e.target.closest('a')) showEvidence(c);
        };
        body.append(
          el(
            'tr',
            { class: `check check-${v}`, 'data-check': c.name, onclick },
            el('td', null, el('span', { class: `badge badge-${v}` }, v)),
            el('td', null, c.name),
            el('td', null, c.scenario || ''),
            el('td', null, c.iteration == null ? '' : String(c.iteration)),
            el('td', null, c.subject || ''),
            el('td', null, c.message),
            links,
          ),
        );
      }
    };
    addRows(0, CHECK_PAGE);
    table.append(body);
    if (list.length <= CHECK_PAGE) return table;
    let shown = CHECK_PAGE;
    const more = el(
      'button',
      {
        type: 'button',
        class: 'more',
        onclick: () => {
          addRows(shown, shown + CHECK_PAGE * 4);
          shown += CHECK_PAGE * 4;
          more.textContent = `show more (${Math.max(0, list.length - shown)} left)`;
          if (shown >= list.length) more.remove();
        },
      },
      `show more (${list.length - shown} left)`,
    );
    return el('div', null, table, more);
  };
  const checksBox = document.getElementById('checks');
  const problems = checks.filter((x) => x.v === 'fail' || x.v === 'unknown');
  if (problems.length > 0) checksBox.append(checkTable(problems));
  // Warnings and passes are grouped by name; the group's table is built when it is opened.
  const group = (list, label, id, open) => {
    if (list.length === 0) return;
    const counts = new Map();
    for (const { c } of list) counts.set(c.name, (counts.get(c.name) || 0) + 1);
    const names = [...counts].map(([n, k]) => (k > 1 ? `${n} ×${k}` : n)).join(', ');
    const details = el('details', { id }, el('summary', null, `${list.length} ${label}: ${names}`));
    details.addEventListener('toggle', () => {
      if (details.open && details.children.length === 1) details.append(checkTable(list));
    });
    checksBox.append(details);
    if (open) details.open = true;
  };
  const warnings = checks.filter((x) => x.v === 'warn');
  group(warnings, warnings.length === 1 ? 'warning' : 'warnings', 'warning-checks', warnings.length <= 10);
  group(
    checks.filter((x) => x.v === 'pass'),
    'passed',
    'passing-checks',
    false,
  );

  const highlighted = new Set();
  function showEvidence(check) {
    const section = document.getElementById('evidence');
    const body = document.getElementById('evidence-body');
    body.replaceChildren(
      el(
        'p',
        { class: 'evidence-title' },
        `${check.name}${check.subject ? ` · ${check.subject}` : ''}: ${check.message}`,
      ),
    );
    highlighted.clear();
    for (const id of check.evidence) {
      highlighted.add(id);
      const row = data.rows[rowIndexOf(id)];
      const detail = data.details[id];
      body.append(
        el(
          'div',
          { class: 'evidence-event', 'data-ev': String(id) },
          el('a', { href: `#ev-${id}`, class: 'ev-link', 'data-ev': String(id) }, `#${id}`),
          ` ${row ? `+${secs(row[1])} ${data.types[row[2]]} ${row[4]}` : '(not in history)'}`,
          detail
            ? el(
                'details',
                null,
                el('summary', null, 'event JSON'),
                el('pre', null, JSON.stringify(detail, null, 2)),
              )
            : null,
        ),
      );
    }
    if (check.evidence.length === 0) body.append(el('p', null, 'This check points at no events.'));
    section.hidden = false;
    renderRows();
    section.scrollIntoView({ block: 'nearest' });
  }
  document.getElementById('close-evidence').addEventListener('click', () => {
    document.getElementById('evidence').hidden = true;
    highlighted.clear();
    renderRows();
  });
  document
    .getElementById('copy-repro')
    .addEventListener(
      'click',
      () => window.navigator.clipboard && window.navigator.clipboard.writeText(data.meta.repro),
    );

  // ---- fault rules ----
  const rulesBox = document.getElementById('rules');
  const actions = [...new Set(Object.values(data.decisions.byRule).flatMap((a) => Object.keys(a)))].sort();
  const rulesTable = el(
    'table',
    { class: 'rules' },
    el(
      'thead',
      null,
      el(
        'tr',
        null,
        ...['rule', 'type', 'window', 'duration', 'reason', 'matched/applied', ...actions].map((h) =>
          el('th', null, h),
        ),
      ),
    ),
  );
  const rulesBody = el('tbody');
  const rulesSeen = new Set();
  for (const w of data.windows) {
    const counts = rulesSeen.has(w.rule) ? {} : data.decisions.byRule[w.rule] || {};
    rulesSeen.add(w.rule);
    rulesBody.append(
      el(
        'tr',
        null,
        el('td', null, el('span', { class: 'swatch', style: `background:${ruleColor(w.rule)}` }), w.rule),
        el('td', null, w.type),
        el('td', null, `+${secs(w.from - data.start)} → +${secs(w.to - data.start)}`),
        el('td', null, secs(w.to - w.from)),
        el('td', null, w.reason || ''),
        el('td', null, w.matched == null ? '' : `${w.matched}/${w.applied}`),
        ...actions.map((a) => el('td', null, counts[a] ? String(counts[a]) : '')),
      ),
    );
  }
  for (const rule of Object.keys(data.decisions.byRule)) {
    if (rulesSeen.has(rule)) continue;
    rulesBody.append(
      el(
        'tr',
        null,
        el('td', null, rule),
        el('td', null, '?'),
        el('td', null, 'no rule event'),
        el('td'),
        el('td'),
        el('td'),
        ...actions.map((a) => el('td', null, String(data.decisions.byRule[rule][a] || ''))),
      ),
    );
  }
  rulesTable.append(rulesBody);
  rulesBox.append(
    rulesTable,
    el(
      'p',
      { class: 'note' },
      `${data.decisions.total} proxied requests, ${data.decisions.passed} passed untouched.`,
    ),
  );

  // ---- timeline ----
  const chartBox = document.getElementById('timeline');
  const chart = echarts.init(chartBox, null, { renderer: 'canvas' });
  let resourceFilter = '';
  const matches = (resource) => !resourceFilter || resource.toLowerCase().includes(resourceFilter);

  // The option sets the container's height, so the canvas is resized to it after every draw.
  let optionGiven = false;
  function drawTimeline() {
    const option = timelineOption();
    // Clear first: resizing a drawn chart would draw the old option once more.
    chart.clear();
    chart.resize();
    optionGiven = true;
    chart.setOption(option, { notMerge: true });
  }
  // Many short windows of one rule are merged for drawing when they crowd the axis (the rules table keeps all).
  const displayWindows = (() => {
    if (data.windows.length <= 100) return data.windows;
    const minGap = (data.end - data.start) / 400;
    const merged = [];
    const lastOf = new Map();
    for (const w of [...data.windows].sort((a, b) => a.from - b.from)) {
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
  let bandPage = 0;
  const pageBy = (delta) => {
    bandPage += delta;
    drawTimeline();
  };
  document.getElementById('rows-prev').addEventListener('click', () => pageBy(-1));
  document.getElementById('rows-next').addEventListener('click', () => pageBy(1));
  // Rows a person must see first: subjects of failed checks and resources with evidence, then by first seen.
  const FINAL_STATES = new Set(['Ready', 'Completed', 'Error', 'Unknown']);
  const importance = new Map();
  for (const c of data.verdict.checks) {
    if (c.subject && c.valid !== true) importance.set(c.subject, c.severity === 'error' ? 2 : 1);
  }
  for (const [, resource] of Object.values(data.marks))
    importance.set(resource, Math.max(importance.get(resource) || 0, 1));
  const orderedBands = data.bands
    .map((b, i) => ({ b, i, w: importance.get(b.resource) || 0 }))
    .sort((x, y) => y.w - x.w || x.i - y.i)
    .map((x) => x.b);
  function timelineOption() {
    // Bands are paged: only the rows on screen are handed to the chart, however long the run.
    const allBands = orderedBands.filter((b) => matches(b.resource));
    const pages = Math.max(1, Math.ceil(allBands.length / MAX_BAND_ROWS_SHOWN));
    bandPage = Math.min(Math.max(0, bandPage), pages - 1);
    const firstRow = bandPage * MAX_BAND_ROWS_SHOWN;
    const bands = allBands.slice(firstRow, firstRow + MAX_BAND_ROWS_SHOWN);
    document.getElementById('rows-label').textContent =
      allBands.length === 0
        ? 'no rows'
        : `rows ${firstRow + 1}–${firstRow + bands.length} of ${allBands.length}`;
    document.getElementById('rows-prev').disabled = bandPage === 0;
    document.getElementById('rows-next').disabled = bandPage >= pages - 1;
    const rowsShown = bands.length;
    const bandHeight = Math.max(1, rowsShown) * 26;
    const progressTop = 40 + bandHeight + 40;
    const decisionsTop = progressTop + 150 + 30;
    chartBox.style.height = `${decisionsTop + 110 + 60}px`;
    const rowOf = new Map(bands.map((b, i) => [b.resource, i]));
    const segments = [];
    bands.forEach((b, row) =>
      b.segments.forEach((s) => segments.push([s[0], s[1], row, s[2], s[3], s[4], b.resource])),
    );
    const progressKeys = bands.filter((b) => data.progress[b.resource]).map((b) => b.resource);
    const interesting = (k) => data.verdict.checks.some((c) => c.subject === k && c.valid !== true);
    progressKeys.sort((a, b) => Number(interesting(b)) - Number(interesting(a)));
    const shownProgress = progressKeys.slice(0, MAX_PROGRESS_SERIES);
    document.getElementById('timeline-note').textContent =
      progressKeys.length > shownProgress.length
        ? ` · progress of ${shownProgress.length} of ${progressKeys.length} BBIs: filter to pick`
        : '';
    const markArea = (withLabel) => ({
      silent: false,
      data: displayWindows
        .map((w) => [
          {
            name: withLabel ? `${w.rule}` : '',
            xAxis: w.from,
            itemStyle: { color: ruleColor(w.rule), opacity: 0.12 },
          },
          { xAxis: w.to },
        ])
        .concat(
          data.gaps.map((g) => [
            {
              name: withLabel ? `gap ${g.kind}` : '',
              xAxis: g.from,
              itemStyle: { color: '#555', opacity: 0.2 },
            },
            { xAxis: g.to },
          ]),
        ),
      label: { position: 'insideTopLeft', color: '#a33', fontSize: 10 },
    });
    const helper = (grid, withLabel) => ({
      type: 'line',
      xAxisIndex: grid,
      yAxisIndex: grid,
      data: [],
      silent: true,
      markArea: markArea(withLabel),
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
    });
    const marks = [];
    for (const [id, [ts, resource]] of Object.entries(data.marks)) {
      if (!rowOf.has(resource)) continue;
      const witness = witnessIds.has(Number(id));
      marks.push({
        value: [ts, rowOf.get(resource)],
        id: Number(id),
        name: witness ? 'race witness' : 'failure evidence',
        symbol: witness ? 'pin' : 'triangle',
        symbolSize: witness ? 26 : 12,
        itemStyle: { color: witness ? '#e67e22' : '#c0392b' },
      });
    }
    const xAxis = (grid, show) => ({
      type: 'time',
      gridIndex: grid,
      min: data.start,
      max: data.end,
      axisLabel: { show, formatter: (v) => clock(v).slice(0, 8) },
    });
    const series = [
      {
        type: 'custom',
        name: 'states',
        xAxisIndex: 0,
        yAxisIndex: 0,
        encode: { x: [0, 1], y: 2 },
        data: segments,
        renderItem: renderBand,
        clip: true,
        progressive: 0,
      },
      {
        type: 'scatter',
        name: 'evidence',
        xAxisIndex: 0,
        yAxisIndex: 0,
        data: marks,
        z: 5,
        label: {
          show: true,
          // Labels only while they stay readable; the pins alone mark the rest.
          formatter: (p) => (p.data.name === 'race witness' && marks.length <= 12 ? 'race witness' : ''),
          position: 'top',
          color: '#e67e22',
          fontWeight: 'bold',
        },
      },
      helper(0, true),
      helper(2, false),
      ...shownProgress.map((k) => ({
        type: 'line',
        name: k.replace('BackupBackingImage/', ''),
        xAxisIndex: 1,
        yAxisIndex: 1,
        step: 'end',
        showSymbol: false,
        sampling: 'lttb',
        // Not clipped and drawn above the axis line, so a BBI stuck at 0% stays visible.
        clip: false,
        z: 4,
        lineStyle: { width: 2 },
        data: extend(data.progress[k]),
      })),
      ...Object.entries(data.decisions.buckets).map(([rule, counts]) => ({
        type: 'bar',
        name: `decisions: ${rule}`,
        stack: 'decisions',
        xAxisIndex: 2,
        yAxisIndex: 2,
        itemStyle: { color: ruleColor(rule) },
        barMaxWidth: 8,
        data: counts
          .map((n, i) => [data.decisions.bucketStart + i * data.decisions.bucketMs, n])
          .filter((p) => p[1] > 0),
      })),
    ];
    return {
      animation: false,
      tooltip: { trigger: 'item', confine: true, formatter: tooltip },
      legend: {
        type: 'scroll',
        bottom: 0,
        data: series
          .filter((s) => (s.type === 'line' && s.data.length) || s.type === 'bar')
          .map((s) => s.name),
      },
      grid: [
        { left: 230, right: 50, top: 40, height: bandHeight },
        { left: 230, right: 50, top: progressTop, height: 150 },
        { left: 230, right: 50, top: decisionsTop, height: 110 },
      ],
      xAxis: [xAxis(0, true), xAxis(1, false), xAxis(2, true)],
      yAxis: [
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
            formatter: (v) => v.replace(/^BackupBackingImage\//, 'BBI ').replace(/^SystemBackup\//, 'SB '),
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
      ],
      dataZoom: [
        { type: 'inside', xAxisIndex: [0, 1, 2], filterMode: 'weakFilter' },
        {
          type: 'slider',
          xAxisIndex: [0, 1, 2],
          top: 6,
          height: 20,
          filterMode: 'weakFilter',
          labelFormatter: (v) => clock(v).slice(0, 8),
        },
      ],
      series,
    };
  }
  // A progress line runs on to the resource's end of life, so "stuck at 0" is a visible flat line.
  function extend(points) {
    if (!points.length) return points;
    const last = points[points.length - 1];
    return points.concat([[data.end, last[1]]]);
  }
  function renderBand(params, api) {
    const start = api.coord([api.value(0), api.value(2)]);
    const end = api.coord([api.value(1), api.value(2)]);
    const height = api.size([0, 1])[1] * 0.64;
    const shape = echarts.graphic.clipRectByRect(
      { x: start[0], y: start[1] - height / 2, width: Math.max(3, end[0] - start[0]), height },
      {
        x: params.coordSys.x,
        y: params.coordSys.y,
        width: params.coordSys.width,
        height: params.coordSys.height,
      },
    );
    if (!shape) return null;
    const state = api.value(3);
    const progress = api.value(4);
    const deleted = api.value(5) === 1;
    const label = `${state === '' ? 'New' : state}${progress >= 0 ? ` ${progress}%` : ''}${deleted ? ' ✖ deleted' : ''}`;
    return {
      type: 'group',
      children: [
        {
          type: 'rect',
          shape,
          // Final states are pale: what stays in a non-final state is what the eye should find.
          style: {
            fill: stateColor(state),
            opacity: FINAL_STATES.has(state) ? 0.45 : 1,
            stroke: deleted ? '#c0392b' : null,
            lineWidth: deleted ? 2 : 0,
          },
        },
        shape.width > label.length * 6
          ? {
              type: 'text',
              style: {
                text: label,
                x: shape.x + 4,
                y: shape.y + shape.height / 2,
                verticalAlign: 'middle',
                fill: '#fff',
                font: '11px sans-serif',
              },
              silent: true,
            }
          : null,
      ].filter(Boolean),
    };
  }
  function tooltip(p) {
    if (p.seriesName === 'states') {
      const [from, to, , state, progress, deleted, resource] = p.data;
      return `<b>${escape(resource)}</b><br>${escape(state || 'New')}${progress >= 0 ? ` ${progress}%` : ''}${deleted ? ' (ended by DELETE)' : ''}<br>${clock(from)} → ${clock(to)} (${secs(to - from)})`;
    }
    if (p.seriesName === 'evidence') {
      const row = data.rows[rowIndexOf(p.data.id)];
      return `<b>${escape(p.data.name)}</b> #${p.data.id}<br>${row ? escape(row[4]) : ''}`;
    }
    if (p.componentType === 'markArea') return `fault window <b>${escape(p.name)}</b>`;
    return `${escape(p.seriesName)}<br>${clock(p.value[0])}: ${p.value[1]}`;
  }
  const escape = (s) =>
    String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  chart.on('click', (p) => {
    if (p.seriesName === 'evidence') jumpTo(p.data.id);
  });
  chart.on('finished', () => {
    if (document.body.dataset.ready || !optionGiven) return;
    document.body.dataset.ready = 'true';
    window.reportReadyAt = timings.ready = window.performance.now();
  });
  timings.tables = window.performance.now();
  drawTimeline();
  timings.chartSet = window.performance.now();
  window.addEventListener('resize', () => chart.resize());

  // ---- events: a virtualized list, filtered by resource, type and text ----
  const eventsBox = document.getElementById('events');
  const spacer = document.getElementById('events-spacer');
  const rowsBox = document.getElementById('events-rows');
  const hiddenTypes = new Set();
  let textFilter = '';
  let filtered = [];
  const filtersBox = document.getElementById('event-filters');
  for (const [i, type] of data.types.entries()) {
    filtersBox.append(
      el(
        'label',
        { class: 'type-filter' },
        el('input', {
          type: 'checkbox',
          checked: '',
          'data-type': type,
          onchange: (e) => {
            if (e.target.checked) hiddenTypes.delete(i);
            else hiddenTypes.add(i);
            applyFilters();
          },
        }),
        type,
      ),
    );
  }
  function applyFilters() {
    filtered = [];
    for (let i = 0; i < data.rows.length; i++) {
      const r = data.rows[i];
      if (hiddenTypes.has(r[2])) continue;
      if (resourceFilter && !(r[3] >= 0 && data.resources[r[3]].toLowerCase().includes(resourceFilter)))
        continue;
      if (textFilter && !r[4].toLowerCase().includes(textFilter)) continue;
      filtered.push(i);
    }
    document.getElementById('event-count').textContent = `(${filtered.length} of ${data.rows.length})`;
    spacer.style.height = `${filtered.length * ROW_H}px`;
    renderRows();
  }
  let focused = -1;
  function renderRows() {
    const first = Math.max(0, Math.floor(eventsBox.scrollTop / ROW_H) - 10);
    const last = Math.min(filtered.length, first + Math.ceil(eventsBox.clientHeight / ROW_H) + 20);
    const nodes = [];
    for (let k = first; k < last; k++) {
      const r = data.rows[filtered[k]];
      const cls = `event${highlighted.has(r[0]) ? ' hit' : ''}${r[0] === focused ? ' focused' : ''}${witnessIds.has(r[0]) ? ' witness' : ''}`;
      nodes.push(
        el(
          'div',
          { class: cls, id: `ev-${r[0]}`, style: `top:${k * ROW_H}px` },
          el('a', { href: `#ev-${r[0]}`, class: 'id' }, `#${r[0]}`),
          el('span', { class: 't' }, `+${secs(r[1])}`),
          el('span', { class: `type type-${data.types[r[2]]}` }, data.types[r[2]]),
          el('span', { class: 'res' }, r[3] >= 0 ? data.resources[r[3]] : ''),
          el('span', { class: 'text', title: r[4] }, r[4]),
        ),
      );
    }
    rowsBox.replaceChildren(...nodes);
  }
  function jumpTo(id) {
    let k = filtered.indexOf(rowIndexOf(id));
    if (k < 0) {
      resourceFilter = '';
      textFilter = '';
      hiddenTypes.clear();
      document.getElementById('resource-filter').value = '';
      document.getElementById('event-text').value = '';
      for (const box of filtersBox.querySelectorAll('input[type=checkbox]')) box.checked = true;
      drawTimeline();
      applyFilters();
      k = filtered.indexOf(rowIndexOf(id));
    }
    if (k < 0) return;
    focused = id;
    eventsBox.scrollTop = Math.max(0, k * ROW_H - eventsBox.clientHeight / 2);
    renderRows();
    eventsBox.scrollIntoView({ block: 'nearest' });
  }
  eventsBox.addEventListener('scroll', () => window.requestAnimationFrame(renderRows));
  document.getElementById('event-text').addEventListener('input', (e) => {
    textFilter = e.target.value.toLowerCase();
    applyFilters();
  });
  document.getElementById('resource-filter').addEventListener('input', (e) => {
    resourceFilter = e.target.value.toLowerCase();
    drawTimeline();
    applyFilters();
  });
  document.addEventListener('click', (e) => {
    const link = e.target.closest && e.target.closest('a.ev-link, a.id');
    if (!link) return;
    e.preventDefault();
    const id = Number(link.getAttribute('href').slice(4));
    window.history.replaceState(null, '', `#ev-${id}`);
    jumpTo(id);
  });
  window.addEventListener('hashchange', () => {
    const m = /^#ev-(\d+)$/.exec(window.location.hash);
    if (m) jumpTo(Number(m[1]));
  });
  applyFilters();
  const initial = /^#ev-(\d+)$/.exec(window.location.hash);
  if (initial) jumpTo(Number(initial[1]));
})();
