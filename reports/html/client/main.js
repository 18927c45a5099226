// Builds the page in the order a reader needs it: checks, fault rules, fault coverage, the timeline, the
// events list; then follows a `#ev-<id>` in the URL. The timings are read by the report benchmark.

renderChecks();
byId('close-evidence').addEventListener('click', hideEvidence);
byId('copy-repro').addEventListener(
  'click',
  () => window.navigator.clipboard && window.navigator.clipboard.writeText(data.meta.repro),
);
renderRules();
renderCoverage();
setUpTimeline();
timings.tables = window.performance.now();
drawTimeline();
timings.chartSet = window.performance.now();
setUpEventFilters();
setUpEventLinks();
applyFilters();
const initialEvent = eventIdOf(window.location.hash);
if (initialEvent !== undefined) jumpTo(initialEvent);
