/**
 * The load engine's shared vocabulary. A run is split into shards, one per worker thread; each shard
 * runs its own LoadController (arrivals, the concurrency cap, drops) and reports CallRecords, which
 * the coordinator merges into histograms, a timeline and the output files. Everything here crosses
 * worker-thread boundaries: plain data only (structured-clone safe).
 */

import type { RecordingEntry } from './recordingSink.js';

/** A point of a k6-style ramp: reach `target` (calls/s or users) over `durationMs`, linearly. */
export interface LoadStage {
  durationMs: number;
  target: number;
}

/** How calls arrive. */
export type LoadModel =
  /** Open model: new calls at a rate regardless of how the system copes (SIPp -r). */
  | {
      kind: 'open';
      arrivals: 'constant' | 'poisson';
      ratePerSec: number;
      stages?: LoadStage[];
      /**
       * Constant arrivals: this schedule's arrivals fall where the integral of the rate reaches n + phase
       * (0 ≤ phase < 1). Shards of one run take phases i/S, so their grids interleave evenly.
       */
      phase?: number;
    }
  /** Closed model: keep `users` calls up; a call that ends is replaced at once (--users). */
  | { kind: 'closed'; users: number; stages?: LoadStage[] };

/** One shard's (or a whole run's) load plan. */
export interface LoadPlan {
  model: LoadModel;
  /** At most this many calls at once (SIPp -l); open-model arrivals above it are dropped, not delayed. */
  concurrencyCap: number;
  /** Stop starting calls after this many (SIPp -m). */
  maxCalls?: number;
  /** Stop starting calls after this long (--duration); undefined: until maxCalls or the stages end. */
  durationMs?: number;
  /** Seed of the arrival process (Poisson) and of each call's random stream. */
  seed: number;
}

/** Run-wide wall-clock base: every `...AtMs` in a record is milliseconds since the run started. */
export interface RunClockBase {
  /** `performance.timeOrigin + performance.now()` of the run's start, in the coordinator. */
  runStartEpochMs: number;
}

/** Why a call failed (CallResult reasons, SIPp reasons such as `unexpected_message`, or `internal`). */
export type CallOutcome = 'completed' | 'failed';

/**
 * One finished call, as the load engine keeps it: one line of calls.ndjson. Times are ms since the
 * run started (RunClockBase), latencies in ms. `detail` is the full per-call result of the scenario
 * kind that ran it (CallResult for YAML, SippCallResult for SIPp XML).
 */
export interface CallRecord {
  callNumber: number;
  shard: number;
  callId: string;
  testId: string | null;
  outcome: CallOutcome;
  reason: string | null;
  reasonText: string | null;
  /** When the schedule meant the call to start (coordinated omission: latencies count from here). */
  intendedStartAtMs: number;
  startedAtMs: number;
  answeredAtMs: number | null;
  endedAtMs: number;
  /** Intended start → actual start (scheduling lag of the generator itself; included in inviteToAnswerMs). */
  startLagMs: number;
  inviteToAnswerMs: number | null;
  postDialDelayMs: number | null;
  greetingTtfaMs: number | null;
  /** Per turn that awaited a reply, in order (null where no reply started); said-only turns are not here. */
  ttfaMs: (number | null)[];
  /** Run time of each of those replies' onset (null where none started), for the timeline. */
  replyOnsetAtMs?: (number | null)[];
  bargeInStopMs: number[];
  agentReplyMs: number[];
  rtp: { sentPackets: number; receivedPackets: number; lossPct: number; jitterMs: number; maxGapMs: number } | null;
  dataRow?: number;
  /**
   * `run --livekit`: what happened inside the agent on each turn, aligned with `ttfaMs` (null where
   * nothing was observed for that turn); absent when the run did not observe the rooms.
   */
  turnStages?: (TurnStageBreakdown | null)[];
  /** `run --livekit`: the call's room as the hidden observer saw it (absent when the run did not observe rooms). */
  livekitRoom?: ObservedRoom;
  detail: unknown;
}

/** A call's LiveKit room, seen from inside: times are run ms, like the record's other `...AtMs`. */
export interface ObservedRoom {
  /** How the observation went: `observed`, or why not (`room_not_found`, `pool_full`, `unreachable`, …). */
  status: string;
  name: string | null;
  /** When the agent participant joined (null: unknown, e.g. it was there before the observer). */
  agentJoinedAtMs: number | null;
  /** The agent's `lk.agent.state` changes (listening, thinking, speaking, …) as the observer saw them. */
  agentStates: { state: string; atMs: number }[];
}

/**
 * One turn's time to first agent audio taken apart (LiveKit Agents' per-turn metrics, matched to the
 * caller's turn): end-of-utterance delay, then STT, LLM time to first token, TTS time to first byte;
 * the remainder is what those stages do not explain (network, the SIP bridge, jitter buffers, framing).
 * Each null where the agent did not report it.
 */
export interface TurnStageBreakdown {
  /** Caller's speech end → the agent commits the turn (VAD, turn detection and the final transcript). */
  eouDelayMs: number | null;
  /** Final transcript after the caller stopped speaking. */
  transcriptionDelayMs: number | null;
  /** The STT request's own duration (non-streaming STT). */
  sttMs: number | null;
  /** LLM time to first token. */
  llmTtftMs: number | null;
  /** TTS time to first byte of audio. */
  ttsTtfbMs: number | null;
  /** ttfaMs − (eouDelay + llmTtft + ttsTtfb), clamped at 0. */
  transportRemainderMs: number | null;
  /** SIP-side onset of the reply − its onset in the LiveKit room: the SIP bridge's own delay. */
  bridgeDelayMs: number | null;
}

/** Arrivals that found the concurrency cap full (open model): counted, never silently delayed. */
export interface DropRecord {
  shard: number;
  intendedStartAtMs: number;
}

/** What a shard reports, in order, to the coordinator. */
export type ShardEvent =
  /** Set up (scenario prepared, sockets bound) and waiting for the run's common start. */
  | { type: 'shard_ready'; shard: number }
  | { type: 'call_started'; shard: number; callNumber: number; intendedStartAtMs: number; startedAtMs: number; callId?: string }
  /** testId: the X-Lk-Test-Id the call carried, when the scenario set one (the key to its LiveKit room). */
  | { type: 'call_answered'; shard: number; callNumber: number; atMs: number; testId?: string }
  | { type: 'call_ended'; record: CallRecord }
  | { type: 'call_dropped'; drop: DropRecord }
  /** --record: the recordings this shard kept (sent once, before shard_done). */
  | { type: 'recordings'; shard: number; entries: RecordingEntry[] }
  | { type: 'shard_done'; shard: number; started: number; dropped: number }
  /** A lint warning about the scenario, once per shard per key: the coordinator shows each key once per run. */
  | { type: 'warning'; shard: number; key: string; message: string }
  | { type: 'shard_error'; shard: number; message: string; code: string; hint?: string };
