import type { VideoGrant } from 'livekit-server-sdk';

/**
 * What the observer may do in a call's room: join it unseen (hidden: the agent and the SIP bridge do
 * not count it as a participant, so it changes nothing in the call), subscribe, and never publish.
 */
export function observerGrant(room: string): VideoGrant {
  return { room, roomJoin: true, hidden: true, canSubscribe: true, canPublish: false, canPublishData: false };
}

export interface ObserverTokenOptions {
  apiKey: string;
  apiSecret: string;
  room: string;
  identity: string;
  /** Token lifetime; a call longer than this stays connected (the token is only checked on join). Default 1 h. */
  ttlSeconds?: number;
}

/** A signed join token for the observer. Loads the server SDK on first use only. */
export async function createObserverToken(o: ObserverTokenOptions): Promise<string> {
  const { AccessToken } = await import('livekit-server-sdk');
  const token = new AccessToken(o.apiKey, o.apiSecret, { identity: o.identity, name: 'voiceload observer', ttl: o.ttlSeconds ?? 3600 });
  token.addGrant(observerGrant(o.room));
  return token.toJwt();
}
