const SAMPLE_RATE = 8000;
const CHUNK_SAMPLES = SAMPLE_RATE; // one second per chunk

/**
 * Keeps the agent audio one call received, placed by arrival time so that lost or late packets show
 * as silence where they were missing (what the caller heard, not a concatenation of packets).
 * Memory: 16 KB per second of call, up to `maxSeconds` (then the rest is dropped).
 */
export class AgentAudioRecorder {
  private readonly chunks: Int16Array[] = [];
  private length = 0;
  private firstArrivalMs: number | undefined;
  private readonly maxSamples: number;

  constructor(maxSeconds = 600) {
    this.maxSamples = maxSeconds * SAMPLE_RATE;
  }

  /** One decoded 8 kHz frame (copied: the caller may reuse it). */
  push(pcm: Int16Array, arrivalMs: number): void {
    this.firstArrivalMs ??= arrivalMs;
    // A frame that arrives more than one frame late starts where its arrival time puts it.
    const expected = Math.round(((arrivalMs - this.firstArrivalMs) * SAMPLE_RATE) / 1000);
    if (expected - this.length >= pcm.length) this.appendSilence(expected - this.length);
    this.append(pcm);
  }

  /** Samples recorded so far (one new array). */
  samples(): Int16Array {
    const out = new Int16Array(this.length);
    let o = 0;
    for (const c of this.chunks) {
      const n = Math.min(c.length, this.length - o);
      out.set(n === c.length ? c : c.subarray(0, n), o);
      o += n;
    }
    return out;
  }

  get durationMs(): number {
    return (this.length * 1000) / SAMPLE_RATE;
  }

  private appendSilence(n: number): void {
    this.append(new Int16Array(Math.min(n, this.maxSamples - this.length)));
  }

  private append(pcm: Int16Array): void {
    let i = 0;
    while (i < pcm.length && this.length < this.maxSamples) {
      const offset = this.length % CHUNK_SAMPLES;
      if (offset === 0) this.chunks.push(new Int16Array(CHUNK_SAMPLES));
      const chunk = this.chunks[this.chunks.length - 1]!;
      const n = Math.min(pcm.length - i, CHUNK_SAMPLES - offset, this.maxSamples - this.length);
      chunk.set(pcm.subarray(i, i + n), offset);
      i += n;
      this.length += n;
    }
  }
}
