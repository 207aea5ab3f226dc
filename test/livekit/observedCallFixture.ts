import { readFileSync } from 'node:fs';
import type { CallerTurn } from '../../src/livekit/callerTurns.js';
import type { RoomObservation } from '../../src/livekit/roomObservation.js';
import { type ObservedParticipant, RoomObservationRecorder } from '../../src/livekit/roomObservationRecorder.js';

/** The recorded call in test/fixtures/livekit/observed-call.json (times relative to baseEpochMs). */
export interface ObservedCallFixture {
  baseEpochMs: number;
  testId: string;
  roomName: string;
  agentClockBehindMs: number;
  callerTurns: { index: number; speechEnd: number | null; replyOnset: number | null; ttfaMs: number | null }[];
  agentSpeech: [number, number][];
  audioEndMs: number;
  events: FixtureEvent[];
}

export type FixtureEvent =
  | { t: number; kind: 'joined'; present: ObservedParticipant[] }
  | { t: number; kind: 'participant'; identity: string; isAgent: boolean; attributes: Record<string, string> }
  | { t: number; kind: 'attributes'; identity: string; changed: Record<string, string> }
  | { t: number; kind: 'data'; topic: string; payload: string };

export function loadObservedCall(): ObservedCallFixture {
  return JSON.parse(readFileSync(new URL('../fixtures/livekit/observed-call.json', import.meta.url), 'utf8')) as ObservedCallFixture;
}

export function callerTurnsOf(fx: ObservedCallFixture): CallerTurn[] {
  return fx.callerTurns.map((t) => ({
    index: t.index,
    speechEndEpochMs: t.speechEnd === null ? null : fx.baseEpochMs + t.speechEnd,
    replyOnsetEpochMs: t.replyOnset === null ? null : fx.baseEpochMs + t.replyOnset,
    ttfaMs: t.ttfaMs,
  }));
}

const RATE = 16000;
const FRAME_MS = 20;
const FRAME = (RATE * FRAME_MS) / 1000;

/** 20 ms of the agent's track at `t`: a 300 Hz tone inside its speech, quiet noise outside. */
function agentFrame(fx: ObservedCallFixture, t: number, seed: { x: number }): Int16Array {
  const speaking = fx.agentSpeech.some(([a, b]) => t >= a && t < b);
  const pcm = new Int16Array(FRAME);
  for (let i = 0; i < FRAME; i++) {
    seed.x = (seed.x * 1103515245 + 12345) % 2147483648;
    const noise = ((seed.x / 2147483648) * 2 - 1) * 30;
    const tone = speaking ? 8000 * Math.sin((2 * Math.PI * 300 * (t / 1000 + i / RATE)) % (2 * Math.PI)) : 0;
    pcm[i] = Math.round(noise + tone);
  }
  return pcm;
}

/** Replays the fixture through a recorder, events and agent audio interleaved by time. */
export function replay(fx: ObservedCallFixture): RoomObservation {
  const rec = new RoomObservationRecorder({ testId: fx.testId, roomName: fx.roomName });
  const at = (t: number) => fx.baseEpochMs + t;
  const events = [...fx.events];
  const seed = { x: 42 };
  const encoder = new TextEncoder();
  for (let t = 0; t < fx.audioEndMs; t += FRAME_MS) {
    while (events.length > 0 && events[0]!.t <= t) {
      const e = events.shift()!;
      if (e.kind === 'joined') rec.joined(at(e.t), e.present);
      else if (e.kind === 'participant') rec.participantJoined(e, at(e.t));
      else if (e.kind === 'attributes') rec.attributesChanged(e.identity, e.changed, at(e.t));
      else rec.dataReceived(encoder.encode(e.payload), e.topic, at(e.t));
    }
    if (rec.agentIdentity !== null) rec.audioFrame(rec.agentIdentity, agentFrame(fx, t, seed), RATE, 1, at(t));
  }
  rec.left(at(fx.audioEndMs));
  return rec.snapshot();
}
