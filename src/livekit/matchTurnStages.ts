import { type AgentClockOffset, estimateAgentClockOffset } from './agentClockOffset.js';
import type { CallerTurn } from './callerTurns.js';
import type { Published, RoomObservation } from './roomObservation.js';
import type { TurnMetricsRecord } from './turnMetricsRecord.js';

/** The stage breakdown of one caller turn (ms; null where unknown). */
export interface TurnStages {
  /** CallerTurn.index (position in CallRecord.ttfaMs). */
  turnIndex: number;
  /** The agent reply the published metrics came from. */
  speechId: string | null;
  eouDelayMs: number | null;
  transcriptionDelayMs: number | null;
  sttMs: number | null;
  llmTtftMs: number | null;
  ttsTtfbMs: number | null;
  /** The agent's own end-to-end latency as it reported it. */
  agentE2eLatencyMs: number | null;
  /**
   * What the agent's stages do not explain: ttfaMs − (eouDelay + llmTtft + ttsTtfb), clamped at 0 —
   * network, SIP bridge, jitter buffers, audio framing, and the agent's VAD lag.
   */
  transportRemainderMs: number | null;
  /** SIP-side reply onset − room-side onset of the same reply: the SIP bridge's own delay. */
  bridgeDelayMs: number | null;
  /** First room-side onset of agent speech after the caller's speech end (voiceload's clock). */
  roomOnsetEpochMs: number | null;
  /** The agent's `lk.agent.state` turning `thinking`, then `speaking`, within this turn (voiceload's clock). */
  agentThinkingAtEpochMs: number | null;
  agentSpeakingAtEpochMs: number | null;
}

/** Published records and turns that found no partner. */
export interface StageMatchCounts {
  /** Records whose speechId was already seen (kept: the first to arrive). */
  duplicateRecords: number;
  /** Records that name another call's test id. */
  foreignRecords: number;
  /** Records that fall in no turn's window (e.g. the greeting, or a reply after the last turn). */
  outsideWindowRecords: number;
  /** Extra records for a turn that already has a closer one (e.g. an interrupted false start). */
  ambiguousRecords: number;
  /** Turns with a speech end but no record. */
  turnsWithoutRecord: number;
  /** Packets on the topic that were not records. */
  malformedPackets: number;
}

export interface StageMatch {
  turns: TurnStages[];
  agentClock: AgentClockOffset;
  unmatched: StageMatchCounts;
}

export interface MatchTurnStagesOptions {
  /**
   * Slack on every window edge, and the most a record's speech end may differ from the caller's once
   * the clock offset is applied (ms). Default 500.
   */
  toleranceMs?: number;
  /** Agent clock → voiceload clock, when known; estimated from the observation otherwise. */
  agentClockOffsetMs?: number;
}

export const MATCH_DEFAULT_TOLERANCE_MS = 500;

type ObservationInput = Pick<RoomObservation, 'testId' | 'stateChanges' | 'turnMetrics' | 'agentStateRecords' | 'roomOnsetsEpochMs' | 'malformedPackets'>;

interface Window {
  turn: CallerTurn;
  speechEnd: number;
  /** The next turn's speech end (Infinity for the last). */
  nextSpeechEnd: number;
}

/**
 * Pure: assigns what one room showed to the call's caller turns.
 *
 * A turn's window opens at the caller's speech end (less the tolerance) and closes at the next turn's
 * speech end. A `turn_metrics` record belongs to the turn whose window holds the agent's view of the
 * user's speech end (atMs − eouDelayMs, moved onto our clock); each speechId counts once, and when
 * several records land in one turn the one closest to the caller's speech end wins. Agent states and
 * room-side onsets are on our clock already: the first `thinking` → `speaking` and the first onset
 * after the speech end and before the SIP-side reply onset (plus tolerance) are the turn's.
 */
export function matchTurnStages(turns: readonly CallerTurn[], obs: ObservationInput, options: MatchTurnStagesOptions = {}): StageMatch {
  const tol = options.toleranceMs ?? MATCH_DEFAULT_TOLERANCE_MS;
  const counts: StageMatchCounts = {
    duplicateRecords: 0,
    foreignRecords: 0,
    outsideWindowRecords: 0,
    ambiguousRecords: 0,
    turnsWithoutRecord: 0,
    malformedPackets: obs.malformedPackets,
  };

  const timed = turns.filter((t) => t.speechEndEpochMs !== null).sort((a, b) => a.speechEndEpochMs! - b.speechEndEpochMs!);
  const windows: Window[] = timed.map((turn, i) => ({
    turn,
    speechEnd: turn.speechEndEpochMs!,
    nextSpeechEnd: timed[i + 1]?.speechEndEpochMs ?? Infinity,
  }));

  // One record per speechId (the first to arrive); records for another call are not ours.
  const unique: Published<TurnMetricsRecord>[] = [];
  const seen = new Set<string>();
  for (const p of obs.turnMetrics) {
    if (p.record.testId !== undefined && p.record.testId !== obs.testId) {
      counts.foreignRecords++;
      continue;
    }
    if (seen.has(p.record.speechId)) {
      counts.duplicateRecords++;
      continue;
    }
    seen.add(p.record.speechId);
    unique.push(p);
  }

  const agentClock: AgentClockOffset =
    options.agentClockOffsetMs !== undefined
      ? { offsetMs: options.agentClockOffsetMs, method: 'given' }
      : estimateAgentClockOffset({
          agentStateRecords: obs.agentStateRecords,
          turnMetrics: unique,
          callerSpeechEndsEpochMs: windows.map((w) => w.speechEnd),
          toleranceMs: tol,
        });

  // Each record → the turn whose window holds its speech end; the closest wins a contested turn.
  const chosen = new Map<CallerTurn, { record: TurnMetricsRecord; distanceMs: number }>();
  for (const { record } of unique) {
    const userEnd = record.atMs - (record.eouDelayMs ?? 0) + agentClock.offsetMs;
    const w = windows.find((x) => userEnd >= x.speechEnd - tol && userEnd < x.nextSpeechEnd - tol);
    if (w === undefined || (w.turn.replyOnsetEpochMs !== null && userEnd > w.turn.replyOnsetEpochMs + tol)) {
      counts.outsideWindowRecords++;
      continue;
    }
    const distanceMs = Math.abs(userEnd - w.speechEnd);
    const prev = chosen.get(w.turn);
    if (prev !== undefined) counts.ambiguousRecords++;
    if (prev === undefined || distanceMs < prev.distanceMs) chosen.set(w.turn, { record, distanceMs });
  }

  const states = [...obs.stateChanges].sort((a, b) => a.atEpochMs - b.atEpochMs);
  const onsets = [...obs.roomOnsetsEpochMs].sort((a, b) => a - b);
  const windowOf = new Map(windows.map((w) => [w.turn, w]));

  const out = turns.map((turn): TurnStages => {
    const w = windowOf.get(turn);
    const record = chosen.get(turn)?.record ?? null;
    if (w !== undefined && record === null) counts.turnsWithoutRecord++;
    const end = w === undefined ? -Infinity : Math.min(turn.replyOnsetEpochMs === null ? Infinity : turn.replyOnsetEpochMs + tol, w.nextSpeechEnd);
    const start = w === undefined ? Infinity : w.speechEnd - tol;
    const thinking = states.find((s) => s.state === 'thinking' && s.atEpochMs >= start && s.atEpochMs <= end)?.atEpochMs ?? null;
    const speaking = states.find((s) => s.state === 'speaking' && s.atEpochMs >= (thinking ?? start) && s.atEpochMs <= end)?.atEpochMs ?? null;
    const roomOnset = w === undefined ? null : onsets.find((t) => t > w.speechEnd && t <= end) ?? null;
    const eou = record?.eouDelayMs ?? null;
    const llm = record?.llmTtftMs ?? null;
    const tts = record?.ttsTtfbMs ?? null;
    return {
      turnIndex: turn.index,
      speechId: record?.speechId ?? null,
      eouDelayMs: eou,
      transcriptionDelayMs: record?.transcriptionDelayMs ?? null,
      sttMs: record?.sttDurationMs ?? null,
      llmTtftMs: llm,
      ttsTtfbMs: tts,
      agentE2eLatencyMs: record?.e2eLatencyMs ?? null,
      transportRemainderMs: turn.ttfaMs === null || eou === null || llm === null || tts === null ? null : round(Math.max(0, turn.ttfaMs - (eou + llm + tts))),
      bridgeDelayMs: roomOnset === null || turn.replyOnsetEpochMs === null ? null : round(turn.replyOnsetEpochMs - roomOnset),
      roomOnsetEpochMs: roomOnset,
      agentThinkingAtEpochMs: thinking,
      agentSpeakingAtEpochMs: speaking,
    };
  });
  return { turns: out, agentClock, unmatched: counts };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
