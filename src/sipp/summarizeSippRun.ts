import type { SippCallResult, SippRunSummary } from './sippResult.js';

/** The run summary from its call results (pure). */
export function summarizeSippRun(
  scenario: string,
  calls: readonly SippCallResult[],
  extra: Pick<SippRunSummary, 'warnings' | 'malformedMessages' | 'strayMessages' | 'aborted' | 'durationMs'>,
): SippRunSummary {
  const failureReasons: Record<string, number> = {};
  const rtdSums = new Map<string, { sum: number; n: number }>();
  let completed = 0;
  for (const c of calls) {
    if (c.outcome === 'completed') {
      completed++;
      for (const [name, ms] of Object.entries(c.rtdMs)) {
        const s = rtdSums.get(name) ?? { sum: 0, n: 0 };
        s.sum += ms;
        s.n++;
        rtdSums.set(name, s);
      }
    } else {
      const reason = c.reason ?? 'unknown';
      failureReasons[reason] = (failureReasons[reason] ?? 0) + 1;
    }
  }
  const rtdMeanMs: Record<string, number> = {};
  for (const [name, s] of rtdSums) rtdMeanMs[name] = s.sum / s.n;
  return {
    scenario,
    callsStarted: calls.length,
    completed,
    failed: calls.length - completed,
    failureReasons,
    rtdMeanMs,
    ...extra,
  };
}
