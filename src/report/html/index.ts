export { buildReportModel, type ReportModel, type ReportCard, type ReportRecording } from './reportModel.js';
export { renderReportHtml } from './renderReportHtml.js';
export { loadReportDir } from './loadReportDir.js';
export { writeHtmlReport, REPORT_FILE } from './writeHtmlReport.js';
export { readUplotAssets, type ChartAssets } from './uplotAssets.js';
export { embedJson, escapeHtml } from './escapeHtml.js';
export type { ReportInputs, CapacityStepSummary } from './reportInputs.js';
