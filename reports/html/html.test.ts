// report.html in a real Chromium: verdict, the stuck BBI's band, the fault window, the race witness, and
// evidence shown by clicking a failed check. Screenshots go to test-results/reports/ for people to look at.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { type CoverageFile, writeCoverage } from '../../record/index.js';
import { renderReports } from '../index.js';
import { BIM_LOG, launchChromium, writeRaceRecord } from '../testdata/index.js';

const SHOTS = join(process.cwd(), 'test-results', 'reports');

interface ChartView {
  rows: string[];
  segments: [number, number, number, string, number, number, string][];
  windows: string[];
  witness: number;
  end: number;
}

/** What the timeline draws, read from the live ECharts instance (the canvas itself has no DOM). */
function chartView(page: Page): Promise<ChartView> {
  return page.evaluate(() => {
    const w = window as unknown as {
      echarts: { getInstanceByDom(el: Element): { getOption(): Record<string, unknown[]> } };
    };
    const option = w.echarts.getInstanceByDom(document.getElementById('timeline')!).getOption();
    const yAxis = option.yAxis as { data?: string[] }[];
    const series = option.series as {
      name?: string;
      data: unknown[];
      markArea?: { data: { name?: string }[][] };
    }[];
    const data = JSON.parse(document.getElementById('report-data')!.textContent!) as { end: number };
    return {
      rows: yAxis[0]!.data ?? [],
      segments: series.find((s) => s.name === 'states')!.data as ChartView['segments'],
      windows: series
        .flatMap((s) => s.markArea?.data.map((pair) => pair[0]?.name ?? '') ?? [])
        .filter(Boolean),
      witness: (series.find((s) => s.name === 'evidence')!.data as { name: string }[]).filter(
        (m) => m.name === 'race witness',
      ).length,
      end: data.end,
    };
  });
}

describe('report.html in Chromium', function () {
  this.timeout(120_000);
  let browser: Browser;
  let dir: string;
  let page: Page;
  const problems: string[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lhchaos-html-'));
    await mkdir(SHOTS, { recursive: true });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    problems.length = 0;
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      if (!/^(file|data|blob):/.test(request.url())) problems.push(`network request: ${request.url()}`);
    });
  });
  afterEach(async () => {
    await page?.close();
  });

  async function open(name: string, version: 'v1.8.1' | 'v1.9.0'): Promise<string> {
    const runDir = join(dir, name);
    await writeRaceRecord(runDir, { version, iterations: 3 });
    const { htmlPath } = await renderReports(runDir);
    await page.goto(pathToFileURL(htmlPath).href);
    await page.waitForSelector('body[data-ready]', { timeout: 30_000 });
    return htmlPath;
  }

  it('shows a failing run: verdict, stuck BBI band, fault window, witness, evidence on click', async () => {
    const htmlPath = await open('failing', 'v1.8.1');
    assert.equal(await page.textContent('#verdict'), 'FAIL');
    assert.match((await page.textContent('#repro')) ?? '', /^lhchaos run .*--seed 10740/);
    // Which parts were Longhorn's own code, and the kept backing-image-manager log, one click away.
    const components = (await page.textContent('#components')) ?? '';
    assert.match(components, /longhorn-manager v1\.8\.1 model/);
    assert.match(components, /backing-image-manager v1\.8\.1 Longhorn's own code/);
    assert.match(components, /backupstore v0\.0\.0-20250227220202-651bd33886fe Longhorn's own code/);
    const logHref = await page.getAttribute('#logs a', 'href');
    assert.equal(logHref, BIM_LOG);
    assert.match(
      await readFile(join(dirname(htmlPath), logHref!), 'utf8'),
      /Backup BackingImage already exists, no need to perform backup/,
    );
    const view = await chartView(page);
    const stuck = view.segments.filter(
      (s) => s[6].startsWith('BackupBackingImage/bi-2-') && s[3] === 'InProgress' && s[1] === view.end,
    );
    assert.equal(stuck.length, 1, 'the re-created BBI stays InProgress to the end of the run');
    assert.equal(stuck[0]![4], 0, 'at 0%');
    assert.ok(
      view.segments.some((s) => s[5] === 1 && s[3] === 'InProgress'),
      'a band ended by deletion while InProgress',
    );
    assert.ok(
      view.windows.includes('cfg-visibility-lag'),
      `fault window drawn, got ${view.windows.join(',')}`,
    );
    assert.equal(view.witness, 2, 'both race-witness evidence events are marked');
    assert.match((await page.textContent('#rules')) ?? '', /cfg-visibility-lag.*visibility-lag/s);
    await page.screenshot({ path: join(SHOTS, 'failing-run.png'), fullPage: true });

    assert.equal(await page.isVisible('#evidence'), false);
    await page.click('tr.check-fail[data-check="progress-reaches-100"] td:nth-child(2)');
    assert.equal(await page.isVisible('#evidence'), true);
    const evidence = (await page.textContent('#evidence-body')) ?? '';
    assert.match(evidence, /progress-reaches-100/);
    assert.match(evidence, /MODIFIED BackupBackingImage\/bi-2-\w+ state=InProgress progress=0/);
    const firstLink = page.locator('#evidence-body a.ev-link').last();
    const id = (await firstLink.textContent())!.slice(1);
    await firstLink.click();
    const row = page.locator(`#ev-${id}`);
    await row.waitFor({ state: 'visible', timeout: 5_000 });
    assert.match((await row.getAttribute('class')) ?? '', /focused/);
    assert.match((await row.textContent()) ?? '', /InProgress progress=0/);
    await page.screenshot({ path: join(SHOTS, 'failing-run-evidence.png'), fullPage: false });

    await page.fill('#resource-filter', 'sb-2');
    const filtered = await chartView(page);
    assert.deepEqual(filtered.rows, ['SystemBackup/sb-2']);
    assert.match((await page.textContent('#event-count')) ?? '', /^\(\d+ of \d+\)$/);
    await page.fill('#resource-filter', '');
    await page.fill('#event-text', 'SlowDown');
    assert.match(
      (await page.textContent('#events-rows')) ?? '',
      /<\/script><script>window\.injected = 1<\/script>/,
    );
    assert.equal(await page.evaluate(() => (window as unknown as { injected?: number }).injected), undefined);
    const html = await readFile(htmlPath, 'utf8');
    assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=/, 'nothing loaded from outside the file');
    assert.deepEqual(problems, []);
  });

  it('shows a passing run with its race witness as a warning', async () => {
    await open('passing', 'v1.9.0');
    assert.equal(await page.textContent('#verdict'), 'PASS');
    assert.equal(await page.locator('tr.check-fail').count(), 0);
    assert.equal(await page.locator('tr.check-warn').count(), 1);
    const view = await chartView(page);
    assert.ok(view.windows.includes('cfg-visibility-lag'));
    assert.equal(view.witness, 2);
    const finals = view.segments.filter((s) => s[6].startsWith('BackupBackingImage/') && s[1] === view.end);
    assert.ok(finals.length > 0 && finals.every((s) => s[3] === 'Completed' && s[4] === 100));
    await page.screenshot({ path: join(SHOTS, 'passing-run.png'), fullPage: true });
    assert.equal(await page.isVisible('#coverage-section'), false, 'no coverage.json, no heat map');
    assert.deepEqual(problems, []);
  });

  it('draws coverage.json as a heat map: acted cells by count, reachable ones at zero', async () => {
    const runDir = join(dir, 'coverage');
    await writeRaceRecord(runDir, { version: 'v1.8.1', iterations: 1 });
    const coverage: CoverageFile = {
      version: 1,
      model: {
        faults: ['delay', 'hide'],
        keyClasses: ['cfg', 'lock'],
        states: { cfg: ['BBI:none', 'BBI:InProgress'], lock: ['SB:Generating'] },
      },
      cells: [
        { fault: 'hide', keyClass: 'cfg', state: 'BBI:InProgress', acted: 4, opportunities: 6 },
        { fault: 'delay', keyClass: 'cfg', state: 'BBI:InProgress', acted: 0, opportunities: 3 },
        { fault: 'delay', keyClass: 'lock', state: 'SB:Generating', acted: 12, opportunities: 12 },
      ],
      covered: 2,
      reachable: 3,
      decisions: { total: 30, inFaultsPhase: 21, acted: 16, outsideModel: 1 },
    };
    await writeCoverage(runDir, coverage);
    const { htmlPath } = await renderReports(runDir);
    await page.goto(pathToFileURL(htmlPath).href);
    await page.waitForSelector('body[data-ready]', { timeout: 30_000 });
    assert.equal(await page.isVisible('#coverage-section'), true);
    assert.match((await page.textContent('#coverage-note')) ?? '', /^2 of 3 cells reachable/);
    const drawn = await page.evaluate(() => {
      const w = window as unknown as {
        echarts: { getInstanceByDom(el: Element): { getOption(): Record<string, unknown[]> } };
      };
      const option = w.echarts.getInstanceByDom(document.getElementById('coverage')!).getOption();
      return {
        columns: (option.xAxis as { data: string[] }[])[0]!.data,
        points: (option.series as { data: number[][] }[])[0]!.data,
      };
    });
    // The column with no cell at all (cfg BBI:none) is left out.
    assert.deepEqual(drawn.columns, ['cfg BBI:InProgress', 'lock SB:Generating']);
    assert.deepEqual(drawn.points, [
      [0, 0, 0, 3],
      [1, 0, 12, 12],
      [0, 1, 4, 6],
    ]);
    await page.screenshot({ path: join(SHOTS, 'coverage.png'), fullPage: true });
    assert.deepEqual(problems, []);
  });
});
