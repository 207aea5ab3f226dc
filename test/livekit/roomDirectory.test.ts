import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../src/core/fakeClock.js';
import { RoomDirectory, type RoomListing } from '../../src/livekit/roomDirectory.js';

class FakeListing implements RoomListing {
  rooms = new Map<string, { identity: string; attributes: Record<string, string> }[]>();
  roomListings = 0;
  participantRequests: string[] = [];
  async listRoomNames(): Promise<string[]> {
    this.roomListings++;
    return [...this.rooms.keys()];
  }
  async listParticipants(room: string) {
    this.participantRequests.push(room);
    return this.rooms.get(room) ?? [];
  }
}

const sip = (id: string) => [{ identity: `sip_${id}`, attributes: { 'lktest.id': id } }];

test('directory: finds rooms by lktest.id under the prefix, asks each room once, and shares listings', async () => {
  const clock = new FakeClock();
  const listing = new FakeListing();
  listing.rooms.set('vl-a', sip('run1-1'));
  listing.rooms.set('vl-b', [{ identity: 'agent', attributes: {} }]); // SIP participant not in yet
  listing.rooms.set('other-c', sip('run1-3'));
  const dir = new RoomDirectory({ listing, roomPrefix: 'vl-', clock });
  const [a, b, c] = await Promise.all([dir.locate('run1-1'), dir.locate('run1-2'), dir.locate('run1-3')]);
  assert.deepEqual([a, b, c], ['vl-a', null, null]);
  assert.equal(listing.roomListings, 1, 'concurrent lookups share one listing');
  assert.deepEqual(listing.participantRequests.sort(), ['vl-a', 'vl-b']);

  listing.rooms.set('vl-b', sip('run1-2'));
  assert.equal(await dir.locate('run1-2'), null, 'within minRefreshIntervalMs: the last listing stands');
  clock.advance(500);
  assert.equal(await dir.locate('run1-2'), 'vl-b');
  assert.deepEqual(listing.participantRequests.sort(), ['vl-a', 'vl-b', 'vl-b'], 'vl-a, already known, is not asked again');
  assert.equal(await dir.locate('run1-1'), 'vl-a');
  assert.equal(listing.roomListings, 2, 'a known test id needs no listing');

  dir.forget('run1-1');
  clock.advance(500);
  assert.equal(await dir.locate('run1-1'), null, 'forgotten, and its room is not asked again while it lives');
});

test('directory: listing errors reach the caller', async () => {
  const listing = new FakeListing();
  listing.listRoomNames = async () => {
    throw new Error('ECONNREFUSED');
  };
  const dir = new RoomDirectory({ listing, roomPrefix: '', clock: new FakeClock() });
  await assert.rejects(dir.locate('x'), /ECONNREFUSED/);
});
