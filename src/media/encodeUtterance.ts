import type { AudioCodec } from './g711.js';

/**
 * Encodes a whole utterance once per codec, for {@link Utterance.encoded}: calls that say it then
 * copy these bytes into their packets instead of encoding every frame themselves.
 */
export function encodeUtterance(pcm: Int16Array, codecs: readonly AudioCodec[]): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const codec of codecs) out[codec.name] = codec.encode(pcm);
  return out;
}
