import alawmulaw from 'alawmulaw';
import { VoiceloadError } from '../core/errors.js';

/** RTP encoding names of the G.711 laws (RFC 3551 §4.5.14, static payload types 0 and 8). */
export type G711Name = 'PCMU' | 'PCMA';

/**
 * An audio codec as the RTP layer sees it: 16-bit mono PCM frames in, payload bytes out.
 * `sampleRate` is the PCM rate; `clockRate` the RTP timestamp rate (they differ for G.722).
 */
export interface AudioCodec {
  readonly name: string;
  readonly payloadType: number;
  readonly clockRate: number;
  readonly sampleRate: number;
  /** Encodes into a new array (convenience; not for the per-packet path). */
  encode(pcm: Int16Array): Uint8Array;
  /** Encodes `pcm` into `out` at `outOffset` without allocating; returns the bytes written. */
  encodeInto(pcm: Int16Array, out: Uint8Array, outOffset: number): number;
  /** Decodes into a new array (convenience; not for the per-packet path). */
  decode(payload: Uint8Array): Int16Array;
  /**
   * Decodes `length` payload bytes starting at `offset` of `src` into `out` without allocating;
   * returns the samples written (at most `out.length`).
   */
  decodeInto(src: Uint8Array, offset: number, length: number, out: Int16Array): number;
  /** PCM samples that `payloadBytes` of payload decode to (sizes the receive buffer). */
  samplesIn(payloadBytes: number): number;
}

/**
 * G.711 μ-law or A-law. Encoding uses alawmulaw's per-sample encoder; decoding uses a 256-entry
 * table built once per codec instance (a G.711 byte decodes to one fixed value), which is several
 * times faster than computing each sample.
 */
export class G711Codec implements AudioCodec {
  readonly name: G711Name;
  readonly payloadType: 0 | 8;
  readonly clockRate = 8000;
  readonly sampleRate = 8000;
  private readonly decodeTable = new Int16Array(256);
  private readonly encodeSample: (sample: number) => number;

  constructor(name: G711Name) {
    this.name = name;
    const law = name === 'PCMU' ? alawmulaw.mulaw : alawmulaw.alaw;
    this.payloadType = name === 'PCMU' ? 0 : 8;
    this.encodeSample = law.encodeSample;
    for (let b = 0; b < 256; b++) this.decodeTable[b] = law.decodeSample(b);
  }

  encode(pcm: Int16Array): Uint8Array {
    const out = new Uint8Array(pcm.length);
    this.encodeInto(pcm, out, 0);
    return out;
  }

  encodeInto(pcm: Int16Array, out: Uint8Array, outOffset: number): number {
    const n = Math.min(pcm.length, out.length - outOffset);
    const enc = this.encodeSample;
    // alawmulaw's μ-law encoder returns the complement unmasked (negative numbers): keep the low byte.
    for (let i = 0; i < n; i++) out[outOffset + i] = enc(pcm[i]!) & 0xff;
    return n;
  }

  samplesIn(payloadBytes: number): number {
    return payloadBytes; // one byte per sample
  }

  decode(payload: Uint8Array): Int16Array {
    const out = new Int16Array(payload.length);
    this.decodeInto(payload, 0, payload.length, out);
    return out;
  }

  decodeInto(src: Uint8Array, offset: number, length: number, out: Int16Array): number {
    const n = Math.min(length, out.length, src.length - offset);
    const table = this.decodeTable;
    for (let i = 0; i < n; i++) out[i] = table[src[offset + i]!]!;
    return n;
  }
}

/** The codec for a negotiated G.711 encoding name (PCMU → PT 0, PCMA → PT 8). */
export function codecFor(name: G711Name): G711Codec {
  if (name !== 'PCMU' && name !== 'PCMA') {
    throw new VoiceloadError('AUDIO_FORMAT', `unsupported G.711 encoding name: ${String(name)}`, {
      hint: 'use PCMU or PCMA',
    });
  }
  return new G711Codec(name);
}
