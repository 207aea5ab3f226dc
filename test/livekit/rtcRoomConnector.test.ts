import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRtcObserverConnector, loadRtcNode } from '../../src/livekit/rtcRoomConnector.js';
import { createObserverToken, observerGrant } from '../../src/livekit/observerToken.js';
import { createServerRoomListing } from '../../src/livekit/serverRoomListing.js';

/** Whether rtc-node's native library is mapped into this process (Linux only). */
function nativeLoaded(): boolean | undefined {
  if (!existsSync('/proc/self/maps')) return undefined;
  return readFileSync('/proc/self/maps', 'utf8').includes('rtc-node.');
}

test('adapter: importing the LiveKit modules does not load rtc-node; loadRtcNode does, and a Room constructs', async () => {
  await import('../../src/livekit/index.js');
  const before = nativeLoaded();
  if (before !== undefined) assert.equal(before, false, 'rtc-node loaded by a plain import');
  const rtc = await loadRtcNode();
  const room = new rtc.Room();
  assert.equal(room.isConnected, false);
  assert.equal(room.remoteParticipants.size, 0);
  assert.equal(typeof rtc.RoomEvent.ParticipantAttributesChanged, 'string');
  assert.equal(rtc.ParticipantKind.AGENT, 4);
  if (before !== undefined) assert.equal(nativeLoaded(), true);
  const connect = await createRtcObserverConnector({ url: 'wss://example.invalid', apiKey: 'k', apiSecret: 's'.repeat(32), epochNowMs: () => Date.now() });
  assert.equal(typeof connect, 'function');
});

test('token: a hidden, subscribe-only join grant for one room', async () => {
  assert.deepEqual(observerGrant('vl-room-1'), { room: 'vl-room-1', roomJoin: true, hidden: true, canSubscribe: true, canPublish: false, canPublishData: false });
  const jwt = await createObserverToken({ apiKey: 'APIkey123', apiSecret: 'a-test-secret-that-is-long-enough-0123', room: 'vl-room-1', identity: 'voiceload-observer-vl-room-1' });
  const payload = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
  assert.equal(payload['sub'], 'voiceload-observer-vl-room-1');
  assert.equal(payload['iss'], 'APIkey123');
  assert.deepEqual(payload['video'], { room: 'vl-room-1', roomJoin: true, hidden: true, canSubscribe: true, canPublish: false, canPublishData: false });
});

test('server listing: constructs without touching the network', async () => {
  const listing = await createServerRoomListing({ url: 'wss://example.invalid', apiKey: 'k', apiSecret: 's' });
  assert.equal(typeof listing.listRoomNames, 'function');
  assert.equal(typeof listing.listParticipants, 'function');
});
