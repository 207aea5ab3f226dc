import type { CallRecord } from '../load/loadTypes.js';
import type { HistogramMetric } from '../results/metricNames.js';
import { turnStageSamples } from '../results/turnStageSamples.js';

/** Per-metric samples, and one 0/1 per call for failure_rate, collected call by call. */
export class CallSamples {
  readonly samples: Partial<Record<HistogramMetric, number[]>> = {};
  readonly failures: number[] = [];

  /**
   * Takes the values of one call record exactly as the run's histograms took them
   * (MetricHistograms.recordCall), so the tests see the samples behind summary.json.
   */
  add(r: CallRecord): void {
    const put = (name: HistogramMetric, v: number | null | undefined): void => {
      if (typeof v === 'number' && Number.isFinite(v)) (this.samples[name] ??= []).push(v);
    };
    put('invite_to_trying_ms', inviteToTryingMs(r.detail));
    put('post_dial_delay_ms', r.postDialDelayMs);
    put('invite_to_answer_ms', r.inviteToAnswerMs);
    put('greeting_ttfa_ms', r.greetingTtfaMs);
    for (const t of r.ttfaMs) put('ttfa_ms', t);
    for (const stage of r.turnStages ?? []) for (const [name, v] of turnStageSamples(stage)) put(name, v);
    for (const v of r.agentReplyMs ?? []) put('agent_reply_ms', v);
    for (const v of r.bargeInStopMs ?? []) put('barge_in_stop_ms', v);
    if (r.rtp !== null && r.rtp !== undefined && r.rtp.receivedPackets > 0) {
      put('rtp_jitter_ms', r.rtp.jitterMs);
      put('rtp_loss_pct', r.rtp.lossPct);
    }
    put('start_lag_ms', r.startLagMs);
    this.failures.push(r.outcome === 'failed' ? 1 : 0);
  }
}

function inviteToTryingMs(detail: unknown): number | null {
  if (typeof detail !== 'object' || detail === null) return null;
  const v = (detail as { inviteToTryingMs?: unknown }).inviteToTryingMs;
  return typeof v === 'number' ? v : null;
}
