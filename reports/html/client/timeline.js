// The timeline chart: drawn for the page of rows on screen, paged with ◀ ▶, narrowed by the resource
// filter; a click on an evidence pin jumps to its event.

const chartBox = byId('timeline');
const chart = echarts.init(chartBox, null, { renderer: 'canvas' });
// Set once the first option is given, so that 'finished' before it does not count as ready.
let optionGiven = false;

function drawTimeline() {
  const page = bandRowsPage();
  byId('rows-label').textContent =
    page.total === 0
      ? 'no rows'
      : `rows ${page.firstRow + 1}–${page.firstRow + page.bands.length} of ${page.total}`;
  /** @type {HTMLButtonElement} */ (byId('rows-prev')).disabled = view.bandPage === 0;
  /** @type {HTMLButtonElement} */ (byId('rows-next')).disabled = view.bandPage >= page.pages - 1;
  const progress = progressKeys(page.bands);
  byId('timeline-note').textContent =
    progress.total > progress.shown.length
      ? ` · progress of ${progress.shown.length} of ${progress.total} BBIs: filter to pick`
      : '';
  const option = timelineOption(page.bands, progress.shown);
  // The option decides the container's height; clear first, since resizing a drawn chart draws the old
  // option once more.
  chartBox.style.height = `${timelineLayout(page.bands.length).height}px`;
  chart.clear();
  chart.resize();
  optionGiven = true;
  chart.setOption(option, { notMerge: true });
}

/** @param {number} delta */
function pageRowsBy(delta) {
  view.bandPage += delta;
  drawTimeline();
}

function setUpTimeline() {
  byId('rows-prev').addEventListener('click', () => pageRowsBy(-1));
  byId('rows-next').addEventListener('click', () => pageRowsBy(1));
  chart.on('click', (p) => {
    if (p.seriesName === 'evidence') jumpTo(/** @type {{ id: number }} */ (p.data).id);
  });
  chart.on('finished', () => {
    if (document.body.dataset.ready || !optionGiven) return;
    document.body.dataset.ready = 'true';
    window.reportReadyAt = timings.ready = window.performance.now();
  });
  window.addEventListener('resize', () => chart.resize());
}
