import type { Published } from './roomObservation.js';
import type { AgentStateRecord, TurnMetricsRecord } from './turnMetricsRecord.js';

/**
 * How the agent's wall clock maps onto voiceload's: ours ≈ agent's + offsetMs. The two machines are
 * NTP-synchronised at best, so a few hundred ms of skew is normal.
 *
 * - `state_records`: the smallest (receipt − atMs) over `agent_state` records, published the moment
 *   the state changes; the one-way delivery delay (tens of ms) is the only bias, always positive
 *   (the NTP minimum filter).
 * - `speech_end_alignment`: without those, the offset that lines up the most `turn_metrics` records'
 *   view of the user's speech end (atMs − eouDelayMs) with the caller's speech ends; it includes the
 *   caller → agent audio delay, which is what the matching wants anyway.
 * - `given`: the caller knows it. `none`: nothing to go on; 0 is assumed.
 */
export interface AgentClockOffset {
  offsetMs: number;
  method: 'given' | 'state_records' | 'speech_end_alignment' | 'none';
}

export interface AgentClockOffsetInput {
  agentStateRecords: readonly Published<AgentStateRecord>[];
  turnMetrics: readonly Published<TurnMetricsRecord>[];
  /** Caller speech ends on voiceload's clock (epoch ms), any order. */
  callerSpeechEndsEpochMs: readonly number[];
  /** A record lines up with a speech end when within this many ms. */
  toleranceMs: number;
}

/** Pure: the offset estimate from what one room showed. */
export function estimateAgentClockOffset(input: AgentClockOffsetInput): AgentClockOffset {
  if (input.agentStateRecords.length > 0) {
    let best = Infinity;
    for (const p of input.agentStateRecords) best = Math.min(best, p.receivedAtEpochMs - p.record.atMs);
    return { offsetMs: best, method: 'state_records' };
  }
  const agentEnds = input.turnMetrics.flatMap((p) => (p.record.eouDelayMs === null ? [] : [p.record.atMs - p.record.eouDelayMs]));
  const ends = input.callerSpeechEndsEpochMs;
  if (agentEnds.length === 0 || ends.length === 0) return { offsetMs: 0, method: 'none' };

  // Consensus over every (speech end, record) pairing: the candidate that explains the most records
  // wins; a tie goes to the smaller skew (a shift by a whole turn explains one record fewer at best).
  let bestCandidate = 0;
  let bestCount = -1;
  for (const s of ends) {
    for (const u of agentEnds) {
      const c = s - u;
      const count = agentEnds.filter((x) => nearestDistance(ends, x + c) <= input.toleranceMs).length;
      if (count > bestCount || (count === bestCount && Math.abs(c) < Math.abs(bestCandidate))) {
        bestCount = count;
        bestCandidate = c;
      }
    }
  }
  // Refine with the median residual of the records it explains.
  const residuals = agentEnds
    .map((x) => nearest(ends, x + bestCandidate) - (x + bestCandidate))
    .filter((r) => Math.abs(r) <= input.toleranceMs)
    .sort((a, b) => a - b);
  const median = residuals.length === 0 ? 0 : residuals[Math.floor((residuals.length - 1) / 2)]!;
  return { offsetMs: bestCandidate + median, method: 'speech_end_alignment' };
}

function nearest(values: readonly number[], x: number): number {
  let best = values[0]!;
  for (const v of values) if (Math.abs(v - x) < Math.abs(best - x)) best = v;
  return best;
}

function nearestDistance(values: readonly number[], x: number): number {
  return Math.abs(nearest(values, x) - x);
}
