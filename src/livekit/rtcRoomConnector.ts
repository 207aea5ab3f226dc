import type { AudioFrame, RemoteParticipant, RemoteTrack } from '@livekit/rtc-node';
import { VoiceloadError } from '../core/errors.js';
import type { ConnectObserver, ObserverConnection } from './observerPool.js';
import { createObserverToken } from './observerToken.js';
import type { ObservedParticipant } from './roomObservationRecorder.js';

/**
 * The thin adapter between @livekit/rtc-node and the observer: Room events → RoomObservationRecorder
 * calls stamped with voiceload's wall clock. rtc-node (a native module) is loaded by dynamic import
 * on first use, so a run without --livekit never loads it.
 */

export type RtcNodeModule = typeof import('@livekit/rtc-node');

/** Loads @livekit/rtc-node, or says plainly why it cannot be. */
export async function loadRtcNode(): Promise<RtcNodeModule> {
  try {
    return await import('@livekit/rtc-node');
  } catch (cause) {
    throw new VoiceloadError('CONFIG', '--livekit needs @livekit/rtc-node, which could not be loaded on this machine', {
      hint: 'reinstall voiceload so npm fetches the native package for this platform (@livekit/rtc-ffi-bindings-<os>-<arch>)',
      cause,
    });
  }
}

export interface RtcObserverConnectorOptions {
  url: string;
  apiKey: string;
  apiSecret: string;
  /** voiceload's wall clock (epoch ms). */
  epochNowMs: () => number;
  /** Observer identity = prefix + room name. Default 'voiceload-observer-'. */
  identityPrefix?: string;
  /** Rate the agent's audio is delivered at for the speech detector. Default 16000. */
  sampleRate?: number;
}

/** A {@link ConnectObserver} that joins rooms with rtc-node. */
export async function createRtcObserverConnector(o: RtcObserverConnectorOptions): Promise<ConnectObserver> {
  const rtc = await loadRtcNode();
  const sampleRate = o.sampleRate ?? 16000;
  const prefix = o.identityPrefix ?? 'voiceload-observer-';

  return async (roomName, recorder, signal): Promise<ObserverConnection> => {
    const token = await createObserverToken({ apiKey: o.apiKey, apiSecret: o.apiSecret, room: roomName, identity: `${prefix}${roomName}` });
    const room = new rtc.Room();
    const readers: ReadableStreamDefaultReader<AudioFrame>[] = [];
    const observed = (p: RemoteParticipant): ObservedParticipant => ({ identity: p.identity, isAgent: p.kind === rtc.ParticipantKind.AGENT, attributes: p.attributes });

    // Only the agent's audio is decoded: the caller's own audio would cost CPU and tell nothing new.
    const subscribeAgentAudio = (p: RemoteParticipant): void => {
      if (p.identity !== recorder.agentIdentity) return;
      for (const pub of p.trackPublications.values()) if (pub.kind === rtc.TrackKind.KIND_AUDIO && !pub.subscribed) pub.setSubscribed(true);
    };
    const pump = async (track: RemoteTrack, identity: string): Promise<void> => {
      const reader = new rtc.AudioStream(track, { sampleRate, numChannels: 1 }).getReader();
      readers.push(reader);
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        recorder.audioFrame(identity, value.data, value.sampleRate, value.channels, o.epochNowMs());
      }
    };

    room
      .on(rtc.RoomEvent.ParticipantConnected, (p) => {
        recorder.participantJoined(observed(p), o.epochNowMs());
        subscribeAgentAudio(p);
      })
      .on(rtc.RoomEvent.ParticipantAttributesChanged, (changed, p) => {
        recorder.attributesChanged(p.identity, changed, o.epochNowMs());
        if (p instanceof rtc.RemoteParticipant) subscribeAgentAudio(p);
      })
      .on(rtc.RoomEvent.TrackPublished, (_pub, p) => subscribeAgentAudio(p))
      .on(rtc.RoomEvent.DataReceived, (payload, _p, _kind, topic) => recorder.dataReceived(payload, topic, o.epochNowMs()))
      .on(rtc.RoomEvent.TrackSubscribed, (track, _pub, p) => {
        if (track.kind !== rtc.TrackKind.KIND_AUDIO || p.identity !== recorder.agentIdentity) return;
        pump(track, p.identity).catch(() => undefined);
      });

    const close = async (): Promise<void> => {
      await Promise.all(readers.map((r) => r.cancel().catch(() => undefined)));
      await room.disconnect();
    };

    await room.connect(o.url, token, { autoSubscribe: false, dynacast: false });
    if (signal.aborted) {
      await close();
      throw new Error('observer join cancelled: the call ended');
    }
    const present = [...room.remoteParticipants.values()];
    recorder.joined(o.epochNowMs(), present.map(observed), (identity) => joinedAtEpochMs(room.remoteParticipants.get(identity)));
    for (const p of present) subscribeAgentAudio(p);
    return { close };
  };
}

/** LiveKit's own join time of a participant already in the room, when rtc-node has it. */
function joinedAtEpochMs(p: RemoteParticipant | undefined): number | null {
  const raw = p?.info.joinedAt;
  if (raw === undefined) return null;
  const n = Number(raw);
  if (!(n > 0)) return null;
  // The server's ParticipantInfo counts seconds; accept milliseconds too.
  return n < 1e11 ? n * 1000 : n;
}
