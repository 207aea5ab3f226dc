import { buildRunSummary, type RunSummaryDoc } from '../../src/results/runSummaryDoc.js';
import { MetricHistograms } from '../../src/results/metricHistograms.js';
import { parseThreshold } from '../../src/results/parseThreshold.js';

/** A small run's summary.json: 10 calls (1 failed with sip_503), ttfa_ms 100..1000 ms, two thresholds (one fails). */
export function summaryDocFixture(tags: Record<string, string> = { build: 'abc123' }): RunSummaryDoc {
  const histograms = new MetricHistograms();
  for (let i = 1; i <= 10; i++) histograms.record('ttfa_ms', i * 100);
  histograms.record('rtp_loss_pct', 2);
  histograms.record('rtp_loss_pct', 4);
  return buildRunSummary({
    config: { scenarioFile: 'scenarios/order-status.yaml', runId: 'r1', maxFailureRate: 0 },
    tags,
    version: '0.1.0',
    startedAt: '2025-03-01T10:00:00.000Z',
    endedAt: '2025-03-01T10:01:30.500Z',
    histograms,
    counters: {
      callsAttempted: 10,
      callsAnswered: 9,
      callsCompleted: 9,
      callsFailed: 1,
      failedByReason: { sip_503: 1 },
      callsDropped: 2,
      turns: 18,
      turnsNoReply: 0,
      failureRate: 0.1,
      answerSeizureRatio: 0.9,
    },
    thresholds: [parseThreshold('ttfa_ms: p(95)<800'), parseThreshold('calls_dropped: count<5')],
  });
}
