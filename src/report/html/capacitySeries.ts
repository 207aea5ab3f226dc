import type { CapacityDoc } from '../../capacity/capacityFile.js';
import type { CapacityStepSummary } from './reportInputs.js';

/** Latency and failure rate against load level, for the capacity section. */
export interface CapacitySection {
  by: 'concurrency' | 'rate';
  effectiveCapacity: number | null;
  breakingLevel: number | null;
  stopReason: string;
  firstBrokenSlo: string | null;
  hint: string | null;
  slos: string[];
  /** One point per distinct level, ascending (a level run twice keeps its last step). */
  levels: number[];
  failureRatePct: (number | null)[];
  ttfaP95Ms: (number | null)[];
  greetingP95Ms: (number | null)[];
  passed: boolean[];
}

/** Pure: capacity.json (and the step summaries kept beside it) → the capacity section's series. */
export function capacitySection(doc: CapacityDoc, steps: readonly CapacityStepSummary[]): CapacitySection {
  const byLevel = new Map<number, { failureRate: number | null; passed: boolean }>();
  for (const l of doc.levels) byLevel.set(l.level, { failureRate: l.failureRate, passed: l.passed });
  const summaries = new Map(steps.map((s) => [s.level, s.summary]));
  const levels = [...byLevel.keys()].sort((a, b) => a - b);
  const pct = (v: number | null): number | null => (v === null ? null : Math.round(v * 100_000) / 1000);
  return {
    by: doc.by,
    effectiveCapacity: doc.effectiveCapacity,
    breakingLevel: doc.breakingLevel,
    stopReason: doc.stopReason,
    firstBrokenSlo: doc.firstBrokenSlo === null ? null : `${doc.firstBrokenSlo.source} (measured ${doc.firstBrokenSlo.actual === null ? 'no value' : Math.round(doc.firstBrokenSlo.actual * 1000) / 1000})`,
    hint: doc.hint === null ? null : `${doc.hint.component}: ${doc.hint.evidence}${doc.hint.targetEvidence === undefined ? '' : `; target metrics: ${doc.hint.targetEvidence}`}`,
    slos: [...doc.slos],
    levels,
    failureRatePct: levels.map((l) => pct(byLevel.get(l)!.failureRate)),
    ttfaP95Ms: levels.map((l) => summaries.get(l)?.metrics.ttfa_ms?.p95 ?? null),
    greetingP95Ms: levels.map((l) => summaries.get(l)?.metrics.greeting_ttfa_ms?.p95 ?? null),
    passed: levels.map((l) => byLevel.get(l)!.passed),
  };
}
