import type { CapacityDoc } from './capacityFile.js';
import type { CapacityDimension, CapacityLevel, CapacityStepResult } from './capacityTypes.js';

const num = (n: number): string => String(Math.round(n * 100) / 100);
const pct = (ratio: number | null): string => (ratio === null ? '-' : `${(ratio * 100).toFixed(1)} %`);
const unitOf = (by: CapacityDimension): string => (by === 'rate' ? 'calls/s' : 'concurrent calls');
const value = (v: number | null): string => (v === null ? '-' : num(v));

/** "40 users" / "12.5 calls/s": a level as the step line says it. */
export function formatLevel(by: CapacityDimension, level: number): string {
  return by === 'rate' ? `${num(level)} calls/s` : `${num(level)} user${level === 1 ? '' : 's'}`;
}

/** A step's end on stderr: "step 3: 40 users for 60 s … p95 ttfa 812 ms, failures 0.0 % — pass". */
export function formatStepEnd(index: number, by: CapacityDimension, stepMs: number, step: CapacityStepResult, level: CapacityLevel): string {
  const ttfa = step.metrics.ttfa_ms?.p95;
  const parts = [ttfa === undefined || ttfa === null ? 'no ttfa' : `p95 ttfa ${Math.round(ttfa)} ms`, `failures ${pct(step.failureRate)}`, `${step.callsAttempted} calls`];
  const verdict = level.collapsed ? 'collapsed' : level.passed ? 'pass' : `FAIL (${level.brokenSlos.join('; ')})`;
  return `step ${index}: ${formatLevel(by, step.level)} for ${num(stepMs / 1000)} s … ${parts.join(', ')} — ${verdict}`;
}

/**
 * The end of a capacity search as text: the answer (effective capacity, where it broke and on
 * which SLO, why it stopped, the bottleneck hint with its evidence), then one row per step with
 * the SLO metrics' measured values.
 */
export function formatCapacity(doc: CapacityDoc, steps: readonly CapacityStepResult[]): string {
  const unit = unitOf(doc.by);
  const lines: string[] = [];
  lines.push(doc.effectiveCapacity === null ? `effective capacity: none (no level met every SLO)` : `effective capacity: ${num(doc.effectiveCapacity)} ${unit}`);
  lines.push(`breaking level: ${doc.breakingLevel === null ? 'none (no level broke an SLO)' : `${num(doc.breakingLevel)} ${unit}`}`);
  if (doc.firstBrokenSlo !== null) lines.push(`first SLO broken: ${doc.firstBrokenSlo.source} (measured ${value(doc.firstBrokenSlo.actual)})`);
  lines.push(`stopped: ${doc.stopReason}`);
  lines.push(doc.hint === null ? 'bottleneck hint: none (nothing degraded clearly)' : `bottleneck hint: ${doc.hint.component} (${doc.hint.signal} from level ${num(doc.hint.fromLevel)}): ${doc.hint.evidence}`);
  if (doc.hint?.targetEvidence !== undefined) lines.push(`target metrics: ${doc.hint.targetEvidence}`);
  const sources = [...new Set(steps.flatMap((s) => s.slos.map((r) => r.source)))];
  const header = ['level', 'phase', 'calls', 'failures', ...sources, 'result'];
  const rows = doc.levels.map((l, i) => {
    const step = steps[i];
    const slo = (source: string): string => value(step?.slos.find((r) => r.source === source)?.actual ?? null);
    return [num(l.level), l.phase, step === undefined ? '-' : String(step.callsAttempted), pct(l.failureRate), ...sources.map(slo), l.collapsed ? 'collapsed' : l.passed ? 'pass' : 'FAIL'];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i <= 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  lines.push('', line(header), ...rows.map(line));
  return lines.join('\n');
}
