import type { AgentProfile, StageProfile } from '../profile/profile.js';
import { lognormalFromMedianP95 } from './latencyDistribution.js';

/** What one conversation turn looks like from the caller's side (the load, not the agent). */
export interface TurnAssumptions {
  /** The caller's utterance as streamed, leading and trailing silence included. */
  callerUtteranceMs: number;
  /**
   * Silence at the end of the caller's utterance. The agent's endpointing starts where the speech
   * ends, so this part overlaps it and is not in the turn cycle. Default 0.
   */
  callerTrailingSilenceMs?: number;
  /** The agent's reply audio as played. */
  agentReplyMs: number;
  /** Silence before the reply's speech: part of the TTFA (measured to speech onset). Default 0. */
  agentReplyLeadSilenceMs?: number;
  /**
   * Silence after the reply's speech. The caller's reply-end detection (replyEndSilenceMs of
   * silence) starts where the speech ends, so this part overlaps it. Default 0.
   */
  agentReplyTrailingSilenceMs?: number;
  /** Pause between the end of the agent's reply and the caller's next utterance. */
  thinkTimeMs: number;
}

/**
 * The shipped fixtures' turn: audio-fixtures/caller-order-status.wav (3.2 s, speech ends 200 ms
 * before its end) answered by agent-reply-order.wav (3.9 s, speech from 200 ms to 301 ms before
 * its end), no think time — what `voiceload call --say` does by default.
 */
export const FIXTURE_TURN: TurnAssumptions = {
  callerUtteranceMs: 3200,
  callerTrailingSilenceMs: 200,
  agentReplyMs: 3900,
  agentReplyLeadSilenceMs: 200,
  agentReplyTrailingSilenceMs: 300,
  thinkTimeMs: 0,
};

export type CapacityResource = 'trunk' | 'workers' | 'stt' | 'llm' | 'tts';

export interface CapacityEstimate {
  /**
   * One turn at low load, from the caller's side: its speech + endpointing + mean STT, LLM, TTS +
   * the reply up to its speech end + reply-end silence + think time.
   */
  turnCycleMs: number;
  /** Most requests per second each stage completes: concurrency / mean service, capped by its rate limit. */
  stageMaxRps: Record<'stt' | 'llm' | 'tts', number>;
  /** Concurrent calls each resource carries before it saturates (Little's law: L = λ·W). */
  concurrentCalls: Record<CapacityResource, number>;
  /** The smallest of those, and which resource it is. */
  maxConcurrentCalls: number;
  binding: CapacityResource;
  /** TTFA at low load ≈ endpointing + STT + LLM + TTS medians + the reply's lead silence. */
  lowLoadTtfaMs: number;
  /** Greeting TTFA at low load ≈ TTS median (after the answer). */
  greetingTtfaMs: number;
  /** INVITE → 200 at low load ≈ dispatch + join medians. */
  inviteToAnswerMs: number;
}

function meanMs(latency: { median: number; p95: number }): number {
  return lognormalFromMedianP95(latency.median, latency.p95).meanMs;
}

function stageMaxRps(stage: StageProfile): number {
  const byConcurrency = stage.concurrency / (meanMs(stage.latencyMs) / 1000);
  const byRate = stage.rateLimit === undefined ? Number.POSITIVE_INFINITY : stage.rateLimit.requests / stage.rateLimit.perSeconds;
  return Math.min(byConcurrency, byRate);
}

/**
 * Analytic capacity of a profile under a steady conversation load, for checking a capacity search
 * against: trunk channels and worker slots are held for a whole call, so they carry that many
 * calls; a provider stage serving one request per turn carries maxRps × turnCycle calls (each call
 * asks once every turnCycle seconds). Beyond the smallest bound queues grow (stages) or calls are
 * refused (trunk, workers).
 */
export function estimateCapacity(profile: AgentProfile, turn: TurnAssumptions = FIXTURE_TURN): CapacityEstimate {
  const { stt, llm, tts } = profile.stages;
  const c = profile.conversation;
  const callerSpeechMs = turn.callerUtteranceMs - (turn.callerTrailingSilenceMs ?? 0);
  const replyToSpeechEndMs = turn.agentReplyMs - (turn.agentReplyTrailingSilenceMs ?? 0);
  const turnCycleMs =
    callerSpeechMs + c.endpointingMs + meanMs(stt.latencyMs) + meanMs(llm.latencyMs) + meanMs(tts.latencyMs) +
    replyToSpeechEndMs + c.replyEndSilenceMs + turn.thinkTimeMs;
  const rps = { stt: stageMaxRps(stt), llm: stageMaxRps(llm), tts: stageMaxRps(tts) };
  const concurrentCalls: Record<CapacityResource, number> = {
    trunk: profile.trunk.channels,
    workers: profile.workers.count * profile.workers.jobsPerWorker,
    stt: (rps.stt * turnCycleMs) / 1000,
    llm: (rps.llm * turnCycleMs) / 1000,
    tts: (rps.tts * turnCycleMs) / 1000,
  };
  let binding: CapacityResource = 'trunk';
  for (const r of Object.keys(concurrentCalls) as CapacityResource[]) {
    if (concurrentCalls[r] < concurrentCalls[binding]) binding = r;
  }
  return {
    turnCycleMs,
    stageMaxRps: rps,
    concurrentCalls,
    maxConcurrentCalls: concurrentCalls[binding],
    binding,
    lowLoadTtfaMs: c.endpointingMs + stt.latencyMs.median + llm.latencyMs.median + tts.latencyMs.median + (turn.agentReplyLeadSilenceMs ?? 0),
    greetingTtfaMs: tts.latencyMs.median,
    inviteToAnswerMs: profile.signalling.dispatchMs.median + profile.signalling.joinMs.median,
  };
}
