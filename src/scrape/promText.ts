/** A metric family's `# TYPE` (Prometheus text 0.0.4, plus the OpenMetrics 1.0 names). */
export const PROM_METRIC_TYPES = ['counter', 'gauge', 'histogram', 'summary', 'untyped', 'unknown', 'gaugehistogram', 'info', 'stateset'] as const;
export type PromMetricType = (typeof PROM_METRIC_TYPES)[number];

export interface PromLabel {
  name: string;
  /** Unescaped (`\\`, `\"`, `\n` resolved). */
  value: string;
}

/** One sample line: `name{label="value",…} value [timestamp]`. */
export interface PromSample {
  name: string;
  /** In the order written. */
  labels: PromLabel[];
  /** NaN, +Inf and -Inf as JavaScript's NaN and ±Infinity. */
  value: number;
  /** As written: milliseconds in Prometheus text, seconds in OpenMetrics. */
  timestamp?: number;
}

/** A Prometheus text exposition: metadata by metric family name, then the samples in order. */
export interface PromText {
  /** `# TYPE name type`: the first one given for each family. */
  types: Map<string, PromMetricType>;
  /** `# HELP name text`, unescaped. */
  help: Map<string, string>;
  samples: PromSample[];
}

/** A line the parser skipped, 1-based. */
export interface PromProblem {
  line: number;
  message: string;
}

export interface PromParseResult extends PromText {
  /** Lines skipped as malformed (all of them; `problems` keeps the first few). */
  malformed: number;
  problems: PromProblem[];
  /** An OpenMetrics `# EOF` line ended the text. */
  eof: boolean;
}

const SUFFIXES: Readonly<Partial<Record<PromMetricType, readonly string[]>>> = {
  counter: ['_total', '_created'],
  histogram: ['_bucket', '_sum', '_count', '_created'],
  gaugehistogram: ['_bucket', '_gsum', '_gcount'],
  summary: ['_sum', '_count', '_created'],
  info: ['_info'],
};

/**
 * The family a sample belongs to: its own name when typed, else the name without a suffix its
 * type allows (`x_bucket` of histogram `x`, `x_total` of counter `x`); untyped samples are their own family.
 */
export function familyOf(sampleName: string, types: ReadonlyMap<string, PromMetricType>): string {
  if (types.has(sampleName)) return sampleName;
  for (const [type, suffixes] of Object.entries(SUFFIXES) as [PromMetricType, readonly string[]][]) {
    for (const suffix of suffixes) {
      if (!sampleName.endsWith(suffix)) continue;
      const base = sampleName.slice(0, -suffix.length);
      if (types.get(base) === type) return base;
    }
  }
  return sampleName;
}
