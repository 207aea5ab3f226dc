import { VoiceloadError } from '../core/errors.js';
import { MetricHistograms } from './metricHistograms.js';
import { VALUE_SCALE } from './metricNames.js';

export const HISTOGRAMS_SCHEMA = 'voiceload.histograms/1';

/**
 * histograms.json: every non-empty metric as HdrHistogram's compressed base64 (V2), so runs can be
 * merged or compared later (here or with any HDR tool). Values are stored in thousandths of the
 * metric's unit (µs for ms, milli-percent for rtp_loss_pct): `valueScale` says so.
 */
export interface HistogramsDoc {
  schema: typeof HISTOGRAMS_SCHEMA;
  valueScale: number;
  /** The run time span the histograms cover (ms since the run's start), when known. */
  interval?: { startMs: number; endMs: number };
  metrics: Record<string, string>;
}

export function formatHistogramsJson(histograms: MetricHistograms, interval?: { startMs: number; endMs: number }): string {
  const doc: HistogramsDoc = { schema: HISTOGRAMS_SCHEMA, valueScale: VALUE_SCALE, ...(interval === undefined ? {} : { interval }), metrics: histograms.encode() };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Reads histograms.json back; `where` (the path) names the file in errors. */
export function parseHistogramsJson(text: string, where = 'histograms.json'): { histograms: MetricHistograms; interval?: { startMs: number; endMs: number } } {
  let doc: Partial<HistogramsDoc>;
  try {
    doc = JSON.parse(text) as Partial<HistogramsDoc>;
  } catch (cause) {
    throw new VoiceloadError('CONFIG', `${where}: not JSON`, { cause });
  }
  if (typeof doc !== 'object' || doc === null || doc.schema !== HISTOGRAMS_SCHEMA) {
    throw new VoiceloadError('CONFIG', `${where}: not a ${HISTOGRAMS_SCHEMA} file (schema is ${JSON.stringify((doc as { schema?: unknown } | null)?.schema)})`);
  }
  if (doc.valueScale !== VALUE_SCALE) throw new VoiceloadError('CONFIG', `${where}: value scale ${String(doc.valueScale)} is not ${VALUE_SCALE}`);
  if (typeof doc.metrics !== 'object' || doc.metrics === null) throw new VoiceloadError('CONFIG', `${where}: no "metrics" object`);
  let histograms: MetricHistograms;
  try {
    histograms = MetricHistograms.decode(doc.metrics);
  } catch (e) {
    if (e instanceof VoiceloadError) throw new VoiceloadError(e.code, `${where}: ${e.message}`, { cause: e, ...(e.hint === undefined ? {} : { hint: e.hint }) });
    throw e;
  }
  return { histograms, ...(doc.interval === undefined ? {} : { interval: doc.interval }) };
}
