/** The target's Prometheus metrics: the text exposition parser/serializer, the scraper, scrape.csv. */
export { parsePrometheusText, parseSeriesKey, parseValue, MAX_PROBLEMS_KEPT } from './parsePrometheusText.js';
export { formatPrometheusText, formatSeriesKey, formatValue, escapeLabelValue } from './formatPrometheusText.js';
export { familyOf, PROM_METRIC_TYPES } from './promText.js';
export type { PromLabel, PromMetricType, PromParseResult, PromProblem, PromSample, PromText } from './promText.js';
export { TargetScraper, DEFAULT_MAX_SERIES, DEFAULT_MAX_BODY_BYTES } from './targetScraper.js';
export type { TargetScraperOptions, TargetScrapeStats } from './targetScraper.js';
export { SCRAPE_FILE, SCRAPE_CSV_HEADER, formatScrapeCsv, parseScrapeCsv, scrapeCsvLines } from './scrapeCsv.js';
export type { ScrapeRow } from './scrapeCsv.js';
export { writeScrapeCsv } from './writeScrapeCsv.js';
export { seriesMeans } from './seriesMeans.js';
export type { SeriesMean } from './seriesMeans.js';
export { checkScrapeUrl } from './checkScrapeUrl.js';
