import { createWriteStream, type WriteStream } from 'node:fs';
import { VoiceloadError } from '../core/errors.js';

/** Stage waits and service times of one pipeline step, ms. */
export interface StageTimes {
  queueWaitMs: number;
  serviceMs: number;
  rateLimitedRetries: number;
}

/**
 * The simulated agent's own account of what happened, one NDJSON record per line. Times are the
 * agent's monotonic clock in ms; `agent_start` gives the clock's origin as wall time, so records can
 * be lined up with another process's measurements.
 */
export type TruthRecord =
  | { type: 'agent_start'; clockOriginEpochMs: number; profile: string; listen: string }
  | {
      type: 'greeting';
      callId: string;
      testId: string | null;
      answeredAtMs: number;
      tts: StageTimes;
      firstPacketSentAtMs: number;
      /** Send time of the packet carrying the greeting's first speech sample. */
      speechStartSentAtMs: number;
      /** answeredAtMs → speechStartSentAtMs: what a caller should measure as greeting TTFA. */
      ttfaMs: number;
    }
  | {
      type: 'turn';
      callId: string;
      testId: string | null;
      index: number;
      callerSpeechStartAtMs: number;
      /** Arrival of the caller's last speech packet, as the agent's detector saw it. */
      callerSpeechEndAtMs: number;
      /** When endpointing decided the caller had finished (speech end + endpointing silence). */
      endOfUtteranceAtMs: number;
      sttDoneAtMs: number | null;
      llmFirstTokenAtMs: number | null;
      ttsFirstByteAtMs: number | null;
      firstReplyPacketSentAtMs: number | null;
      replySpeechStartSentAtMs: number | null;
      /** callerSpeechEndAtMs → replySpeechStartSentAtMs: the agent's own TTFA. */
      ttfaMs: number | null;
      stt: StageTimes | null;
      llm: StageTimes | null;
      tts: StageTimes | null;
      bargeIn: { callerSpeechAtMs: number; replyStoppedAtMs: number } | null;
      outcome: 'replied' | 'barged_in' | 'abandoned';
    }
  | {
      type: 'call';
      callId: string;
      testId: string | null;
      outcome: 'completed' | 'rejected' | 'cancelled' | 'failed';
      status: number;
      reason: string | null;
      inviteAtMs: number;
      answeredAtMs: number | null;
      ackAtMs: number | null;
      endedAtMs: number;
      endedBy: 'caller' | 'agent' | null;
      workerIndex: number | null;
      workerWaitMs: number | null;
      codec: string | null;
      turns: number;
      dtmf: string;
      rtpReceivedPackets: number;
      rtpSentPackets: number;
    };

/** Where truth records go. */
export interface TruthSink {
  write(record: TruthRecord): void;
  close(): Promise<void>;
}

/** Keeps records in memory (tests, the demo). */
export class MemoryTruthSink implements TruthSink {
  readonly records: TruthRecord[] = [];
  write(record: TruthRecord): void {
    this.records.push(record);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Appends NDJSON to `path`; close() flushes. */
export function createTruthFile(path: string): TruthSink {
  let stream: WriteStream;
  try {
    stream = createWriteStream(path, { flags: 'a' });
  } catch (e) {
    throw new VoiceloadError('CONFIG', `cannot open the truth file ${path}`, { cause: e });
  }
  let failure: unknown;
  stream.on('error', (e) => (failure = e));
  return {
    write(record) {
      if (failure === undefined) stream.write(JSON.stringify(record) + '\n');
    },
    close() {
      return new Promise((resolve, reject) =>
        stream.end(() => (failure === undefined ? resolve() : reject(new VoiceloadError('CONFIG', `writing the truth file ${path} failed`, { cause: failure })))),
      );
    },
  };
}

/** Tees records to several sinks. */
export function teeTruth(...sinks: TruthSink[]): TruthSink {
  return {
    write: (r) => sinks.forEach((s) => s.write(r)),
    close: async () => {
      await Promise.all(sinks.map((s) => s.close()));
    },
  };
}
