// What the page provides to its scripts besides the DOM: ECharts (inlined before them) and the milestones
// the report benchmark reads.
import type * as Echarts from 'echarts';

declare global {
  const echarts: typeof Echarts;

  interface Window {
    reportTimings: { script: number; parsed?: number; tables?: number; chartSet?: number; ready?: number };
    reportReadyAt?: number;
  }
}
