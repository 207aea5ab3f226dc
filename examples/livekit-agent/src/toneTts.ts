import { tts, type APIConnectOptions } from '@livekit/agents';
import { AudioFrame } from '@livekit/rtc-node';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

const SAMPLE_RATE = 24_000;
const FRAME_MS = 20;
const SAMPLES_PER_FRAME = (SAMPLE_RATE * FRAME_MS) / 1000;
/** Speech-like pacing: each character of text is this much audio (at least one frame). */
const MS_PER_CHAR = 55;

export interface ToneTtsOptions {
  /** Time to first audio byte, ms. */
  ttfbMs: number;
  toneHz?: number;
}

/**
 * A TTS that says every text as a 440 Hz tone, one 20 ms frame of 24 kHz PCM after another, after a
 * fixed time to first byte. Non-streaming: the agent framework wraps it in its sentence
 * StreamAdapter, so each sentence is one request with its own TTS metrics.
 */
export class ToneTTS extends tts.TTS {
  label = 'voiceload.ToneTTS';
  readonly options: Required<ToneTtsOptions>;

  constructor(options: ToneTtsOptions) {
    super(SAMPLE_RATE, 1, { streaming: false });
    this.options = { toneHz: 440, ...options };
  }

  synthesize(text: string, connOptions?: APIConnectOptions, abortSignal?: AbortSignal): tts.ChunkedStream {
    return new ToneChunkedStream(this, text, connOptions, abortSignal);
  }

  stream(): tts.SynthesizeStream {
    throw new Error('ToneTTS is not streaming; the agent framework wraps it in tts.StreamAdapter');
  }
}

class ToneChunkedStream extends tts.ChunkedStream {
  label = 'voiceload.ToneChunkedStream';
  private readonly tone: ToneTTS;

  constructor(tone: ToneTTS, text: string, connOptions?: APIConnectOptions, abortSignal?: AbortSignal) {
    super(text, tone, connOptions, abortSignal);
    this.tone = tone;
  }

  protected async run(): Promise<void> {
    const { ttfbMs, toneHz } = this.tone.options;
    try {
      if (ttfbMs > 0) await sleep(ttfbMs, undefined, { signal: this.abortSignal });
    } catch {
      return; // interrupted before the first byte
    }
    const requestId = randomUUID();
    const frames = Math.max(1, Math.round((this.inputText.length * MS_PER_CHAR) / FRAME_MS));
    for (let i = 0; i < frames && !this.abortSignal.aborted; i++) {
      const pcm = new Int16Array(SAMPLES_PER_FRAME);
      for (let n = 0; n < SAMPLES_PER_FRAME; n++) {
        const t = (i * SAMPLES_PER_FRAME + n) / SAMPLE_RATE;
        pcm[n] = Math.round(8000 * Math.sin(2 * Math.PI * toneHz * t));
      }
      this.queue.put({
        requestId,
        segmentId: requestId,
        frame: new AudioFrame(pcm, SAMPLE_RATE, 1, SAMPLES_PER_FRAME),
        final: i === frames - 1,
      });
    }
  }
}
