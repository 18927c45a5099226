// Reports: JUnit, HTML and terminal renderings made from the run record only (record/ reads and writes it).
export { renderReports, type RenderOptions } from './render.js';
export { terminalSummary } from './summary/summary.js';
export { componentsLine, longhornLabel } from './model/components.js';
