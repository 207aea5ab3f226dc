/**
 * Parse cost of a typical 200 OK with SDP (test/fixtures/sip/ok200.sip), plus serialize and framing.
 * Prints µs per message; asserts nothing. Run: node --import tsx bench/sip-parse.ts
 * Under tsx, cross-module calls go through export getters; compiled output (tsc) runs roughly 1.5x faster.
 */
import { readFileSync } from 'node:fs';
import { parseSipMessage } from '../src/sip/parse.js';
import { serializeSipMessage } from '../src/sip/serialize.js';
import { StreamFramer } from '../src/sip/streamFramer.js';

const bytes = readFileSync(new URL('../test/fixtures/sip/ok200.sip', import.meta.url));
const N = 100_000;

function measure(label: string, fn: () => void): void {
  for (let i = 0; i < 5_000; i++) fn(); // warm-up so the JIT has compiled the hot path
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) fn();
  const us = Number(process.hrtime.bigint() - t0) / 1e3 / N;
  console.log(`${label.padEnd(34)} ${us.toFixed(2)} µs/message (${N} messages, ${bytes.length} bytes each)`);
}

let sink = 0;
measure('parseSipMessage (datagram)', () => {
  sink += parseSipMessage(bytes, { datagram: true }).headers.length;
});
const parsed = parseSipMessage(bytes);
measure('serializeSipMessage', () => {
  sink += serializeSipMessage(parsed).length;
});
const framer = new StreamFramer({ onMessage: (m) => (sink += m.length), onError: () => undefined });
measure('StreamFramer.push (whole message)', () => framer.push(bytes));
if (sink === 0) console.log('unreachable');
