import { SpeechDetector } from '../media/speechDetector.js';
import type { RoomObservation } from './roomObservation.js';
import { AGENT_STATES, type AgentState, parseVoiceloadRecord, VOICELOAD_METRICS_TOPIC } from './turnMetricsRecord.js';

/** LiveKit Agents keeps the agent's state in this participant attribute. */
export const AGENT_STATE_ATTRIBUTE = 'lk.agent.state';
/** LiveKit SIP copies the INVITE's X-Lk-Test-Id header into this attribute of the SIP participant. */
export const TEST_ID_ATTRIBUTE = 'lktest.id';

/** A room participant as the recorder needs it (the rtc-node adapter maps its objects to this). */
export interface ObservedParticipant {
  identity: string;
  /** LiveKit's participant kind is AGENT. */
  isAgent: boolean;
  attributes: Readonly<Record<string, string>>;
}

export interface RoomObservationRecorderOptions {
  testId: string;
  roomName: string;
  /** Speech detector settings for the agent's track (the run's minSpeechMs / replyEndSilenceMs). */
  minSpeechMs?: number;
  endSilenceMs?: number;
}

function asAgentState(v: string | undefined): AgentState | undefined {
  return v !== undefined && (AGENT_STATES as readonly string[]).includes(v) ? (v as AgentState) : undefined;
}

/**
 * Turns room events into a {@link RoomObservation}. Plain method calls with the event's time, no
 * SDK types, so it is unit-tested without a server; the rtc-node adapter calls it from Room events.
 * The agent is the first participant of kind AGENT, or, failing that, the first that carries
 * `lk.agent.state`. Its audio goes through the same energy speech detector the SIP side uses, so the
 * room-side and SIP-side onsets are defined alike.
 */
export class RoomObservationRecorder {
  private readonly obs: RoomObservation;
  private readonly minSpeechMs: number | undefined;
  private readonly endSilenceMs: number | undefined;
  private detector: SpeechDetector | undefined;
  private detectorRate = 0;
  private lastState: AgentState | undefined;

  constructor(options: RoomObservationRecorderOptions) {
    this.minSpeechMs = options.minSpeechMs;
    this.endSilenceMs = options.endSilenceMs;
    this.obs = {
      testId: options.testId,
      roomName: options.roomName,
      observerJoinedAtEpochMs: 0,
      observerLeftAtEpochMs: null,
      agentIdentity: null,
      agentJoinedAtEpochMs: null,
      agentPresentOnJoin: false,
      stateChanges: [],
      turnMetrics: [],
      agentStateRecords: [],
      roomOnsetsEpochMs: [],
      malformedPackets: 0,
    };
  }

  get agentIdentity(): string | null {
    return this.obs.agentIdentity;
  }

  /**
   * The observer is in the room; `present` were there already. `joinedAtEpochMs(identity)` gives
   * LiveKit's own join time of one of them when known.
   */
  joined(atEpochMs: number, present: readonly ObservedParticipant[], joinedAtEpochMs?: (identity: string) => number | null): void {
    this.obs.observerJoinedAtEpochMs = atEpochMs;
    const agent = present.find((p) => p.isAgent) ?? present.find((p) => p.attributes[AGENT_STATE_ATTRIBUTE] !== undefined);
    if (agent === undefined) return;
    this.obs.agentPresentOnJoin = true;
    this.adoptAgent(agent, joinedAtEpochMs?.(agent.identity) ?? null, atEpochMs);
  }

  participantJoined(p: ObservedParticipant, atEpochMs: number): void {
    if (this.obs.agentIdentity !== null) return;
    if (!p.isAgent && p.attributes[AGENT_STATE_ATTRIBUTE] === undefined) return;
    this.adoptAgent(p, atEpochMs, atEpochMs);
  }

  attributesChanged(identity: string, changed: Readonly<Record<string, string>>, atEpochMs: number): void {
    const state = changed[AGENT_STATE_ATTRIBUTE];
    if (state === undefined) return;
    if (this.obs.agentIdentity === null) this.adoptAgent({ identity, isAgent: false, attributes: {} }, null, atEpochMs);
    if (identity !== this.obs.agentIdentity) return;
    this.recordState(state, atEpochMs);
  }

  /** A data packet; packets on other topics are not ours and are ignored. */
  dataReceived(payload: Uint8Array, topic: string | undefined, atEpochMs: number): void {
    if (topic !== VOICELOAD_METRICS_TOPIC) return;
    const parsed = parseVoiceloadRecord(payload);
    if (!parsed.ok) {
      this.obs.malformedPackets++;
      return;
    }
    const r = parsed.record;
    if (r.type === 'turn_metrics') this.obs.turnMetrics.push({ record: r, receivedAtEpochMs: atEpochMs });
    else this.obs.agentStateRecords.push({ record: r, receivedAtEpochMs: atEpochMs });
  }

  /** One audio frame of `identity`'s track (interleaved int16), which arrived at `atEpochMs`. */
  audioFrame(identity: string, pcm: Int16Array, sampleRate: number, channels: number, atEpochMs: number): void {
    if (identity !== this.obs.agentIdentity || sampleRate <= 0 || channels <= 0) return;
    if (this.detector === undefined || this.detectorRate !== sampleRate) {
      this.detector = new SpeechDetector({
        sampleRate,
        ...(this.minSpeechMs === undefined ? {} : { minSpeechMs: this.minSpeechMs }),
        ...(this.endSilenceMs === undefined ? {} : { endSilenceMs: this.endSilenceMs }),
      });
      this.detectorRate = sampleRate;
    }
    const ev = this.detector.push(channels === 1 ? pcm : downmix(pcm, channels), atEpochMs);
    if (ev?.type === 'onset') this.obs.roomOnsetsEpochMs.push(ev.atMs);
  }

  /** The observer left the room (the call ended). */
  left(atEpochMs: number): void {
    this.detector?.flush();
    this.obs.observerLeftAtEpochMs = atEpochMs;
  }

  /** A copy of what was recorded so far. */
  snapshot(): RoomObservation {
    return {
      ...this.obs,
      stateChanges: [...this.obs.stateChanges],
      turnMetrics: [...this.obs.turnMetrics],
      agentStateRecords: [...this.obs.agentStateRecords],
      roomOnsetsEpochMs: [...this.obs.roomOnsetsEpochMs],
    };
  }

  private adoptAgent(p: ObservedParticipant, joinedAtEpochMs: number | null, atEpochMs: number): void {
    this.obs.agentIdentity = p.identity;
    this.obs.agentJoinedAtEpochMs = joinedAtEpochMs;
    const state = p.attributes[AGENT_STATE_ATTRIBUTE];
    if (state !== undefined) this.recordState(state, atEpochMs);
  }

  private recordState(value: string, atEpochMs: number): void {
    const state = asAgentState(value);
    if (state === undefined || state === this.lastState) return;
    this.lastState = state;
    this.obs.stateChanges.push({ state, atEpochMs });
  }
}

function downmix(pcm: Int16Array, channels: number): Int16Array {
  const n = Math.floor(pcm.length / channels);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += pcm[i * channels + c]!;
    out[i] = Math.round(sum / channels);
  }
  return out;
}
