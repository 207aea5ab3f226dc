import { SystemClock, type Clock } from '../core/clock.js';
import {
  AGENT_STATES,
  serializeVoiceloadRecord,
  VOICELOAD_METRICS_TOPIC,
  type AgentState,
  type VoiceloadRecord,
} from '../livekit/turnMetricsRecord.js';
import type {
  AgentSessionLike,
  AgentStateChangedEventLike,
  ConversationItemAddedEventLike,
  MetricsCollectedEventLike,
  RoomLike,
  SpeechCreatedEventLike,
  WarnLogger,
} from './agentSessionTypes.js';
import { TurnMetricsAssembler, type TurnRecordWithoutTestId } from './turnMetricsAssembler.js';

/** The participant attribute LiveKit sets from the call's `X-Lk-Test-Id` SIP header. */
export const LKTEST_ID_ATTRIBUTE = 'lktest.id';

export interface PublishVoiceloadMetricsOptions {
  /** The call's test id; by default the `lktest.id` attribute of a participant in the room. */
  testId?: string;
  /** Where the first publish failure is reported (default: `console`). */
  logger?: WarnLogger;
  /** Max time a reply's metrics are gathered before its record goes out (default 10 s). */
  turnTimeoutMs?: number;
  clock?: Clock;
  /** Epoch ms (default `Date.now`). */
  nowEpochMs?: () => number;
}

/** Stops listening; replies still being gathered are published first. Safe to call twice. */
export type DetachVoiceloadMetrics = () => void;

function isAgentState(s: string): s is AgentState {
  return (AGENT_STATES as readonly string[]).includes(s);
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Publishes what voiceload's room observer reads: one `turn_metrics` record per agent reply
 * (LiveKit Agents' EOU, STT, LLM and TTS metrics gathered by speech id) and one `agent_state` record
 * per agent state change, as reliable data on the `voiceload.metrics` topic of the agent's room.
 *
 * Add it where the agent starts its session:
 *
 *   const detach = publishVoiceloadMetrics(session, ctx.room);
 *
 * It never throws into the agent: a failed publish is logged once and the record dropped.
 */
export function publishVoiceloadMetrics(
  session: AgentSessionLike,
  room: RoomLike,
  options: PublishVoiceloadMetricsOptions = {},
): DetachVoiceloadMetrics {
  const logger: WarnLogger = options.logger ?? console;
  const nowEpochMs = options.nowEpochMs ?? (() => Date.now());
  let warned = false;
  let testId: string | undefined = options.testId;

  const warnOnce = (what: string, e: unknown): void => {
    if (warned) return;
    warned = true;
    try {
      logger.warn(`voiceload: ${what}; further failures are not reported`, { error: describe(e) });
    } catch {
      // A logger that throws must not reach the agent either.
    }
  };

  const findTestId = (): string | undefined => {
    if (testId !== undefined) return testId;
    for (const p of room.remoteParticipants.values()) {
      const id = p.attributes[LKTEST_ID_ATTRIBUTE];
      if (id !== undefined && id.length > 0) {
        testId = id;
        break;
      }
    }
    return testId;
  };

  const publish = (record: VoiceloadRecord): void => {
    try {
      const participant = room.localParticipant;
      if (participant === undefined) throw new Error('the room has no local participant (not connected)');
      const sent = participant.publishData(serializeVoiceloadRecord(record), { reliable: true, topic: VOICELOAD_METRICS_TOPIC });
      Promise.resolve(sent).catch((e: unknown) => warnOnce('publishing agent metrics failed', e));
    } catch (e) {
      warnOnce('publishing agent metrics failed', e);
    }
  };

  const publishTurn = (record: TurnRecordWithoutTestId): void => {
    const id = findTestId();
    publish(id === undefined ? record : { ...record, testId: id });
  };

  const assembler = new TurnMetricsAssembler({
    clock: options.clock ?? new SystemClock(),
    nowEpochMs,
    ...(options.turnTimeoutMs === undefined ? {} : { timeoutMs: options.turnTimeoutMs }),
    onRecord: publishTurn,
  });

  // Listeners run inside the framework's emit(): whatever goes wrong here stays here.
  const guard =
    <E>(fn: (ev: E) => void) =>
    (ev: E): void => {
      try {
        fn(ev);
      } catch (e) {
        warnOnce('handling an agent session event failed', e);
      }
    };

  const onMetrics = guard((ev: MetricsCollectedEventLike) => assembler.metrics(ev.metrics));
  const onState = guard((ev: AgentStateChangedEventLike) => {
    if (!isAgentState(ev.newState)) return;
    const atMs = Number.isFinite(ev.createdAt) && ev.createdAt > 0 ? ev.createdAt : nowEpochMs();
    publish({ v: 1, type: 'agent_state', state: ev.newState, atMs });
    assembler.agentState(ev.newState, atMs);
  });
  const onSpeech = guard((ev: SpeechCreatedEventLike) => {
    const handle = ev.speechHandle;
    const id = handle.id;
    assembler.speechCreated(id, ev.createdAt, ev.source, typeof handle.done === 'function' ? () => handle.done?.() === true : undefined);
    handle.addDoneCallback?.(() => {
      try {
        assembler.speechDone(id);
      } catch (e) {
        warnOnce('handling a finished agent reply failed', e);
      }
    });
  });
  const onItem = guard((ev: ConversationItemAddedEventLike) => {
    if (ev.item.type === 'message' && ev.item.role === 'assistant') assembler.assistantMessage(ev.item.metrics);
  });
  const onClose = guard(() => assembler.flush());

  session.on('metrics_collected', onMetrics);
  session.on('agent_state_changed', onState);
  session.on('speech_created', onSpeech);
  session.on('conversation_item_added', onItem);
  session.on('close', onClose);

  let detached = false;
  return () => {
    if (detached) return;
    detached = true;
    try {
      session.off('metrics_collected', onMetrics);
      session.off('agent_state_changed', onState);
      session.off('speech_created', onSpeech);
      session.off('conversation_item_added', onItem);
      session.off('close', onClose);
      assembler.flush();
    } catch (e) {
      warnOnce('detaching from the agent session failed', e);
    } finally {
      assembler.close();
    }
  };
}
