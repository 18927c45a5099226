// How the timeline draws a state segment and what its tooltips say.

/**
 * One state segment as a bar on its row, labelled when wide enough. Final states are pale: what stays in a
 * state that is not final is what the eye should find.
 * @type {import('echarts').CustomSeriesRenderItem}
 */
function renderBand(params, api) {
  const start = api.coord([api.value(0), api.value(2)]);
  const end = api.coord([api.value(1), api.value(2)]);
  const size = /** @type {number[]} */ (api.size ? api.size([0, 1]) : [0, 0]);
  const height = size[1] * 0.64;
  const grid = /** @type {{ x: number, y: number, width: number, height: number }} */ (
    /** @type {unknown} */ (params.coordSys)
  );
  const shape = echarts.graphic.clipRectByRect(
    { x: start[0], y: start[1] - height / 2, width: Math.max(3, end[0] - start[0]), height },
    grid,
  );
  if (!shape) return null;
  const state = String(api.value(3));
  const progress = Number(api.value(4));
  const deleted = api.value(5) === 1;
  const label = `${state === '' ? 'New' : state}${progress >= 0 ? ` ${progress}%` : ''}${deleted ? ' ✖ deleted' : ''}`;
  /** @type {import('echarts').CustomSeriesRenderItemReturn & object} */
  const bar = {
    type: 'rect',
    shape,
    style: {
      fill: stateColor(state),
      opacity: FINAL_STATES.has(state) ? 0.45 : 1,
      stroke: deleted ? '#c0392b' : undefined,
      lineWidth: deleted ? 2 : 0,
    },
  };
  /** @type {import('echarts').CustomSeriesRenderItemReturn & object} */
  const text = {
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
  };
  return { type: 'group', children: shape.width > label.length * 6 ? [bar, text] : [bar] };
}

/**
 * What hovering shows: a segment's state and times, an evidence event, a fault window, a data point.
 * @type {import('echarts').TooltipComponentFormatterCallback<import('echarts').TooltipComponentFormatterCallbackParams>}
 */
const tooltip = (params) => {
  const p = Array.isArray(params) ? params[0] : params;
  if (!p) return '';
  if (p.seriesName === 'states') {
    const [from, to, , state, progress, deleted, resource] =
      /** @type {[number, number, number, string, number, number, string]} */ (p.data);
    return `<b>${escapeHtml(resource)}</b><br>${escapeHtml(state || 'New')}${progress >= 0 ? ` ${progress}%` : ''}${deleted ? ' (ended by DELETE)' : ''}<br>${clock(from)} → ${clock(to)} (${secs(to - from)})`;
  }
  if (p.seriesName === 'evidence') {
    const mark = /** @type {{ id: number, name: string }} */ (p.data);
    const row = data.rows[rowIndexOf(mark.id)];
    return `<b>${escapeHtml(mark.name)}</b> #${mark.id}<br>${row ? escapeHtml(row[4]) : ''}`;
  }
  if (p.componentType === 'markArea') return `fault window <b>${escapeHtml(p.name)}</b>`;
  const [ts, count] = /** @type {[number, number]} */ (p.value);
  return `${escapeHtml(p.seriesName)}<br>${clock(ts)}: ${count}`;
};
