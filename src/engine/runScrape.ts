import type { Clock } from '../core/clock.js';
import { TargetScraper, type TargetScrapeStats } from '../scrape/targetScraper.js';

/**
 * The clock time of a run's time 0 (the zero of timeline.csv, summary.json's `startedAt`): the load
 * engine puts time 0 at `performance.timeOrigin + clock.nowMs()` of the system clock.
 */
export function runZeroClockMs(startedAt: string): number {
  return Date.parse(startedAt) - performance.timeOrigin;
}

/** `--scrape`: starts sampling `urls` every interval for a run; undefined when there are none. */
export function startRunScrape(urls: readonly string[], o: { intervalMs: number; clock: Clock; onWarning?: (message: string) => void }): TargetScraper | undefined {
  if (urls.length === 0) return undefined;
  const scraper = new TargetScraper({ urls, intervalMs: o.intervalMs, clock: o.clock, ...(o.onWarning === undefined ? {} : { onWarning: o.onWarning }) });
  scraper.start();
  return scraper;
}

/** A line per target that failed or sent malformed lines (the end-of-run account of what was said once). */
export function scrapeStatsLines(stats: readonly TargetScrapeStats[]): string[] {
  return stats
    .filter((s) => s.failures > 0 || s.malformedLines > 0 || s.samplesDropped > 0)
    .map((s) => {
      const parts = [`${s.scrapes} of ${s.scrapes + s.failures} scrapes read`, `${s.series} series`];
      if (s.malformedLines > 0) parts.push(`${s.malformedLines} malformed lines skipped`);
      if (s.samplesDropped > 0) parts.push(`${s.samplesDropped} samples past the series cap dropped`);
      return `scrape ${s.url}: ${parts.join(', ')}`;
    });
}
