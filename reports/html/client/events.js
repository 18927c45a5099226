// The events list: every history event as one row, virtualized (only the rows in view are in the DOM),
// filtered by type, resource and text; event links and the URL hash jump to a row.

const ROW_H = 22;
const eventsBox = byId('events');
/** Indexes into data.rows that pass the filters, in order. @type {number[]} */
let filtered = [];

function setUpEventFilters() {
  const box = byId('event-filters');
  for (const [i, type] of data.types.entries()) {
    /** @param {Event} e */
    const onchange = (e) => {
      if (/** @type {HTMLInputElement} */ (e.target).checked) view.hiddenTypes.delete(i);
      else view.hiddenTypes.add(i);
      applyFilters();
    };
    const input = el('input', { type: 'checkbox', checked: '', 'data-type': type, onchange });
    box.append(el('label', { class: 'type-filter' }, input, type));
  }
  eventsBox.addEventListener('scroll', () => window.requestAnimationFrame(renderRows));
  inputById('event-text').addEventListener('input', (e) => {
    view.textFilter = /** @type {HTMLInputElement} */ (e.target).value.toLowerCase();
    applyFilters();
  });
  inputById('resource-filter').addEventListener('input', (e) => {
    view.resourceFilter = /** @type {HTMLInputElement} */ (e.target).value.toLowerCase();
    drawTimeline();
    applyFilters();
  });
}

/** @param {EventRow} r */
function passesFilters(r) {
  if (view.hiddenTypes.has(r[2])) return false;
  if (view.resourceFilter && !(r[3] >= 0 && data.resources[r[3]].toLowerCase().includes(view.resourceFilter)))
    return false;
  return !view.textFilter || r[4].toLowerCase().includes(view.textFilter);
}

function applyFilters() {
  filtered = [];
  for (let i = 0; i < data.rows.length; i++) if (passesFilters(data.rows[i])) filtered.push(i);
  byId('event-count').textContent = `(${filtered.length} of ${data.rows.length})`;
  byId('events-spacer').style.height = `${filtered.length * ROW_H}px`;
  renderRows();
}

/** Puts the rows in view (and a margin) into the DOM. */
function renderRows() {
  const first = Math.max(0, Math.floor(eventsBox.scrollTop / ROW_H) - 10);
  const last = Math.min(filtered.length, first + Math.ceil(eventsBox.clientHeight / ROW_H) + 20);
  const nodes = [];
  for (let k = first; k < last; k++) {
    const r = data.rows[filtered[k]];
    const cls = `event${view.highlighted.has(r[0]) ? ' hit' : ''}${r[0] === view.focused ? ' focused' : ''}${witnessIds.has(r[0]) ? ' witness' : ''}`;
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
  byId('events-rows').replaceChildren(...nodes);
}

/** Clears every filter (the timeline's too), so that any event can be shown. */
function clearFilters() {
  view.resourceFilter = '';
  view.textFilter = '';
  view.hiddenTypes.clear();
  inputById('resource-filter').value = '';
  inputById('event-text').value = '';
  for (const box of byId('event-filters').querySelectorAll('input[type=checkbox]'))
    /** @type {HTMLInputElement} */ (box).checked = true;
  drawTimeline();
  applyFilters();
}

/** Scrolls the events list to an event and marks it; clears the filters if they hide it. @param {number} id */
function jumpTo(id) {
  let k = filtered.indexOf(rowIndexOf(id));
  if (k < 0) {
    clearFilters();
    k = filtered.indexOf(rowIndexOf(id));
  }
  if (k < 0) return;
  view.focused = id;
  eventsBox.scrollTop = Math.max(0, k * ROW_H - eventsBox.clientHeight / 2);
  renderRows();
  eventsBox.scrollIntoView({ block: 'nearest' });
}

/** The event id of a `#ev-<id>` hash or link, or undefined. @param {string | null} hash */
function eventIdOf(hash) {
  const m = /^#ev-(\d+)$/.exec(hash || '');
  return m ? Number(m[1]) : undefined;
}

function setUpEventLinks() {
  document.addEventListener('click', (e) => {
    const link = e.target instanceof Element ? e.target.closest('a.ev-link, a.id') : null;
    if (!link) return;
    e.preventDefault();
    const id = Number((link.getAttribute('href') || '').slice(4));
    window.history.replaceState(null, '', `#ev-${id}`);
    jumpTo(id);
  });
  window.addEventListener('hashchange', () => {
    const id = eventIdOf(window.location.hash);
    if (id !== undefined) jumpTo(id);
  });
}
