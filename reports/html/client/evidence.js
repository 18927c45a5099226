// The evidence panel: a check's message and the events it points at (their table row and full JSON), which
// the events list and the timeline then highlight.

/** @param {Check} check */
function showEvidence(check) {
  const body = byId('evidence-body');
  body.replaceChildren(
    el(
      'p',
      { class: 'evidence-title' },
      `${check.name}${check.subject ? ` · ${check.subject}` : ''}: ${check.message}`,
    ),
  );
  view.highlighted.clear();
  for (const id of check.evidence) {
    view.highlighted.add(id);
    body.append(evidenceEvent(id));
  }
  if (check.evidence.length === 0) body.append(el('p', null, 'This check points at no events.'));
  const section = byId('evidence');
  section.hidden = false;
  renderRows();
  section.scrollIntoView({ block: 'nearest' });
}

/** @param {number} id */
function evidenceEvent(id) {
  const row = data.rows[rowIndexOf(id)];
  const detail = data.details[id];
  return el(
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
  );
}

function hideEvidence() {
  byId('evidence').hidden = true;
  view.highlighted.clear();
  renderRows();
}
