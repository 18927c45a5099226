// The checks: failing and unknown ones listed first (in pages), warnings and passes grouped by name behind
// a <details> that builds its table only when opened. Long runs have hundreds of checks.

const CHECK_PAGE = 50;
const OUTCOME_RANK = { fail: 0, unknown: 1, warn: 2, pass: 3 };

/** @typedef {{ c: Check, i: number, v: Outcome }} RankedCheck */

/** @param {number[]} ids */
const evidenceLinks = (ids) =>
  ids.map((id) => el('a', { href: `#ev-${id}`, class: 'ev-link', 'data-ev': String(id) }, `#${id}`));

/** One row per check; the evidence links jump to the events, a click elsewhere shows the evidence. */
function checkRow(/** @type {RankedCheck} */ { c, v }) {
  const links = el('td', { class: 'evidence-cell' });
  for (const link of evidenceLinks(c.evidence)) links.append(link, ' ');
  /** @param {Event} e */
  const onclick = (e) => {
    if (!(e.target instanceof Element && e.target.closest('a'))) showEvidence(c);
  };
  return el(
    'tr',
    { class: `check check-${v}`, 'data-check': c.name, onclick },
    el('td', null, el('span', { class: `badge badge-${v}` }, v)),
    el('td', null, c.name),
    el('td', null, c.scenario || ''),
    el('td', null, c.iteration == null ? '' : String(c.iteration)),
    el('td', null, c.subject || ''),
    el('td', null, c.message),
    links,
  );
}

/** A table of checks, the first page drawn and a button for the rest. @param {RankedCheck[]} list */
function checkTable(list) {
  const head = ['', 'check', 'scenario', 'iter', 'subject', 'message', 'evidence'].map((h) =>
    el('th', null, h),
  );
  const table = el('table', { class: 'checks' }, el('thead', null, el('tr', null, ...head)));
  const body = el('tbody');
  /** @param {number} from @param {number} to */
  const addRows = (from, to) => body.append(...list.slice(from, to).map(checkRow));
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
}

/**
 * Checks of one outcome grouped by name in a <details>; its table is built when it is first opened.
 * @param {HTMLElement} box @param {RankedCheck[]} list @param {string} label @param {string} id
 * @param {boolean} open
 */
function checkGroup(box, list, label, id, open) {
  if (list.length === 0) return;
  /** @type {Map<string, number>} */
  const counts = new Map();
  for (const { c } of list) counts.set(c.name, (counts.get(c.name) || 0) + 1);
  const names = [...counts].map(([n, k]) => (k > 1 ? `${n} ×${k}` : n)).join(', ');
  const details = /** @type {HTMLDetailsElement} */ (
    el('details', { id }, el('summary', null, `${list.length} ${label}: ${names}`))
  );
  details.addEventListener('toggle', () => {
    if (details.open && details.children.length === 1) details.append(checkTable(list));
  });
  box.append(details);
  if (open) details.open = true;
}

function renderChecks() {
  const box = byId('checks');
  const checks = data.verdict.checks
    .map((c, i) => ({ c, i, v: outcomeOf(c) }))
    .sort((a, b) => OUTCOME_RANK[a.v] - OUTCOME_RANK[b.v] || a.i - b.i);
  const problems = checks.filter((x) => x.v === 'fail' || x.v === 'unknown');
  if (problems.length > 0) box.append(checkTable(problems));
  const warnings = checks.filter((x) => x.v === 'warn');
  checkGroup(
    box,
    warnings,
    warnings.length === 1 ? 'warning' : 'warnings',
    'warning-checks',
    warnings.length <= 10,
  );
  checkGroup(
    box,
    checks.filter((x) => x.v === 'pass'),
    'passed',
    'passing-checks',
    false,
  );
}
