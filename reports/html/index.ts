// report.html: one self-contained file (no network): page script, styles, Apache ECharts and the report data
// are all inlined; the data sits in a JSON script tag with `<` escaped so no `</script>` can end it early.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { HistoryEvent, RunMeta, Verdict } from '../../record/index.js';
import { buildReportData } from './model.js';
import { longhornLabel } from '../model/components.js';

export { buildReportData, type ReportData } from './model.js';

const require = createRequire(import.meta.url);
let assets: Promise<{ echarts: string; app: string; css: string }> | undefined;

/**
 * The page's scripts (client/), in the order they are joined into one function scope: shared helpers
 * first, the page's assembly last. `tsc -p reports/html/client` checks them as one program.
 */
export const CLIENT_SCRIPTS = [
  'base.js',
  'checks.js',
  'evidence.js',
  'rules.js',
  'coverage.js',
  'timeline-rows.js',
  'timeline-option.js',
  'timeline-render.js',
  'timeline.js',
  'events.js',
  'main.js',
] as const;

const clientFile = (name: string) => readFile(new URL(`./client/${name}`, import.meta.url), 'utf8');

/** Read once per process: the renderer may run for many records (tests, the benchmark). */
function loadAssets(): Promise<{ echarts: string; app: string; css: string }> {
  assets ??= Promise.all([
    readFile(require.resolve('echarts/dist/echarts.min.js'), 'utf8'),
    Promise.all(CLIENT_SCRIPTS.map(clientFile)),
    clientFile('style.css'),
  ]).then(([echarts, scripts, css]) => ({
    echarts,
    app: `(function () {\n'use strict';\n${scripts.join('\n')}\n})();\n`,
    css,
  }));
  return assets;
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Inline script text must not contain `</script`; inside JS strings and regexes `<\/` means the same. */
const inlineScript = (code: string): string => code.replace(/<\/(script)/gi, '<\\/$1');

/** JSON inside a script tag: `<`, U+2028 and U+2029 escaped, so the data cannot close the tag. */
export function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const VERDICT_TEXT = { true: 'PASS', false: 'FAIL', unknown: 'UNKNOWN' } as const;

/**
 * What ran as Longhorn's own code and what as the model, with links to the logs kept in the record
 * (relative: the page sits in the run directory).
 */
function componentsHtml(meta: RunMeta): string {
  if (!meta.components || meta.components.length === 0) return '';
  const parts = meta.components.map(
    (c) =>
      `<span class="component component-${c.kind}" title="${escapeHtml(c.note ?? '')}">${escapeHtml(c.name)} ` +
      `${escapeHtml(c.version)} <em>${c.kind === 'real' ? "Longhorn's own code" : 'model'}</em></span>`,
  );
  const logs = (meta.logs ?? []).map(
    (log) => `<a href="${escapeHtml(log)}">${escapeHtml(log.replace(/^logs\//, ''))}</a>`,
  );
  return (
    `<div class="components" id="components">${parts.join(' · ')}</div>` +
    (logs.length > 0 ? `<div class="logs" id="logs">logs: ${logs.join(' · ')}</div>` : '')
  );
}

export async function renderHtml(
  runDir: string,
  meta: RunMeta,
  verdict: Verdict,
  observe?: (event: HistoryEvent, resource: string | undefined) => void,
): Promise<string> {
  const [data, { echarts, app, css }] = await Promise.all([
    buildReportData(runDir, meta, verdict, observe),
    loadAssets(),
  ]);
  const verdictText = VERDICT_TEXT[String(verdict.valid) as keyof typeof VERDICT_TEXT];
  const title = `lhchaos ${meta.runId}: ${verdictText}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${css}</style>
</head>
<body>
<header id="top" class="verdict-${escapeHtml(String(verdict.valid))}">
  <div class="verdict" id="verdict">${verdictText}</div>
  <div class="run">
    <div><b>${escapeHtml(meta.runId)}</b> · ${escapeHtml(meta.profile)} · ${escapeHtml(longhornLabel(meta))} · seed ${meta.seed}</div>
    ${componentsHtml(meta)}
    <div class="repro"><span>repro</span> <code id="repro">${escapeHtml(meta.repro)}</code> <button id="copy-repro" type="button">copy</button></div>
  </div>
</header>
<main>
  <section><h2>Checks</h2><div id="checks"></div></section>
  <section id="evidence" hidden><h2>Evidence <button id="close-evidence" type="button">close</button></h2><div id="evidence-body"></div></section>
  <section>
    <h2>Timeline</h2>
    <div class="filters"><label>resource <input id="resource-filter" type="search" placeholder="e.g. bi-2 or SystemBackup"></label> <button id="rows-prev" type="button">◀</button> <span id="rows-label"></span> <button id="rows-next" type="button">▶</button> <span id="timeline-note"></span></div>
    <div id="timeline"></div>
  </section>
  <section><h2>Fault rules</h2><div id="rules"></div></section>
  <section id="coverage-section" hidden><h2>Fault coverage</h2><div id="coverage-note" class="note"></div><div id="coverage"></div></section>
  <section>
    <h2>Events <span id="event-count"></span></h2>
    <div class="filters" id="event-filters"><label>text <input id="event-text" type="search"></label></div>
    <div id="events" tabindex="0"><div id="events-spacer"><div id="events-rows"></div></div></div>
  </section>
</main>
<script type="application/json" id="report-data">${embedJson(data)}</script>
<script>${inlineScript(echarts)}</script>
<script>${inlineScript(app)}</script>
</body>
</html>
`;
}
