// Report benchmark: browser render time of report.html for 1k/10k/50k events (navigation -> charts drawn),
// record writer throughput, and heap while writing 100k events. JSON to bench/out/report.json.
// Run: node --import tsx bench/report/index.ts [--quick]
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderReports } from '../../reports/index.js';
import { launchChromium, writeRaceRecord } from '../../reports/testdata/index.js';
import { measureWriter } from './writer.js';

const quick = process.argv.includes('--quick');
const SIZES = quick ? [1_000, 10_000] : [1_000, 10_000, 50_000];
const REPEATS = quick ? 1 : 3;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function measureBrowser(dir: string) {
  const browser = await launchChromium();
  const results = [];
  try {
    for (const size of SIZES) {
      const runDir = join(dir, `scale-${size}`);
      const record = await writeRaceRecord(runDir, { version: 'v1.8.1', iterations: 2, minEvents: size });
      const renderStart = process.hrtime.bigint();
      const { htmlPath } = await renderReports(runDir);
      const renderMs = Number(process.hrtime.bigint() - renderStart) / 1e6;
      const loads: number[] = [];
      const filters: number[] = [];
      for (let i = 0; i < REPEATS; i++) {
        const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
        await page.goto(pathToFileURL(htmlPath).href);
        await page.waitForSelector('body[data-ready]', { timeout: 120_000 });
        // reportReadyAt is performance.now() at the chart's first `finished`: ms since navigation start.
        loads.push(await page.evaluate(() => (window as unknown as { reportReadyAt: number }).reportReadyAt));
        // Filtering re-draws the chart and the events list: the interaction a person does most.
        filters.push(
          await page.evaluate(() => {
            const input = document.getElementById('resource-filter') as HTMLInputElement;
            const start = performance.now();
            input.value = 'bi-2';
            input.dispatchEvent(new Event('input'));
            return performance.now() - start;
          }),
        );
        await page.close();
      }
      results.push({
        events: record.events,
        htmlBytes: (await stat(htmlPath)).size,
        nodeRenderMs: Math.round(renderMs),
        browserReadyMs: Math.round(median(loads)),
        filterMs: Math.round(median(filters)),
      });
      console.log(JSON.stringify(results.at(-1)));
    }
  } finally {
    await browser.close();
  }
  const base = results[0]!;
  return results.map((r) => ({
    ...r,
    eventsRatio: +(r.events / base.events).toFixed(1),
    readyRatio: +(r.browserReadyMs / base.browserReadyMs).toFixed(2),
    nodeRenderRatio: +(r.nodeRenderMs / base.nodeRenderMs).toFixed(2),
  }));
}

const dir = await mkdtemp(join(tmpdir(), 'lhchaos-bench-report-'));
try {
  const browser = await measureBrowser(dir);
  const writer = await measureWriter(dir, quick ? 20_000 : 100_000);
  console.log(JSON.stringify(writer));
  const out = { when: new Date().toISOString(), node: process.version, quick, browser, writer };
  await mkdir('bench/out', { recursive: true });
  await writeFile('bench/out/report.json', JSON.stringify(out, null, 2) + '\n');
  console.log('wrote bench/out/report.json');
} finally {
  await rm(dir, { recursive: true, force: true });
}
