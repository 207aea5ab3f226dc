/**
 * Pure: why `url` cannot be a `--scrape` target, or undefined when it can: an absolute http:// URL
 * with a host (the Prometheus endpoint, e.g. http://127.0.0.1:9464/metrics).
 */
export function checkScrapeUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `--scrape "${url}" is not a URL; give the metrics endpoint, e.g. http://127.0.0.1:9464/metrics`;
  }
  if (parsed.protocol !== 'http:') return `--scrape "${url}": only http:// URLs are scraped, not ${parsed.protocol}//`;
  if (parsed.hostname === '') return `--scrape "${url}" has no host`;
  if (parsed.username !== '' || parsed.password !== '') return `--scrape "${url}": credentials in the URL are not supported (they would be written to scrape.csv)`;
  return undefined;
}
