// The fault rules table: each rule's window, reason, counters and the actions its decisions took; rules
// that acted without a rule event in the history get a row of their own.

function renderRules() {
  const byRule = data.decisions.byRule;
  const actions = [...new Set(Object.values(byRule).flatMap((a) => Object.keys(a)))].sort();
  const head = ['rule', 'type', 'window', 'duration', 'reason', 'matched/applied', ...actions];
  const table = el(
    'table',
    { class: 'rules' },
    el('thead', null, el('tr', null, ...head.map((h) => el('th', null, h)))),
  );
  const body = el('tbody');
  /** @type {Set<string>} */
  const seen = new Set();
  for (const w of data.windows) {
    // A rule armed several times shows its decision counts once, on its first window.
    const counts = seen.has(w.rule) ? {} : byRule[w.rule] || {};
    seen.add(w.rule);
    body.append(
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
  for (const [rule, counts] of Object.entries(byRule)) {
    if (seen.has(rule)) continue;
    body.append(
      el(
        'tr',
        null,
        el('td', null, rule),
        el('td', null, '?'),
        el('td', null, 'no rule event'),
        el('td'),
        el('td'),
        el('td'),
        ...actions.map((a) => el('td', null, String(counts[a] || ''))),
      ),
    );
  }
  table.append(body);
  byId('rules').append(
    table,
    el(
      'p',
      { class: 'note' },
      `${data.decisions.total} proxied requests, ${data.decisions.passed} passed untouched.`,
    ),
  );
}
