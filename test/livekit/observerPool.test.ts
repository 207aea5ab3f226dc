import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../src/core/fakeClock.js';
import { type ConnectObserver, ObserverPool, type ObserverPoolOptions } from '../../src/livekit/observerPool.js';
import type { RoomLocator } from '../../src/livekit/roomDirectory.js';

const EPOCH = 1767225600000;

/** Lets pending promise callbacks run (the pool awaits between timers). */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
}

/** Rooms appear when a test says so; `failing` makes every lookup throw. */
class FakeLocator implements RoomLocator {
  readonly rooms = new Map<string, string>();
  readonly forgotten: string[] = [];
  lookups = 0;
  failing: Error | null = null;
  async locate(testId: string): Promise<string | null> {
    this.lookups++;
    if (this.failing !== null) throw this.failing;
    return this.rooms.get(testId) ?? null;
  }
  forget(testId: string): void {
    this.forgotten.push(testId);
  }
}

interface FakeConnections {
  connect: ConnectObserver;
  open: Set<string>;
  closed: string[];
  /** Rooms whose connect never answers. */
  hang: Set<string>;
  failWith: Error | null;
}

function fakeConnections(clock: FakeClock): FakeConnections {
  const f: FakeConnections = {
    open: new Set(),
    closed: [],
    hang: new Set(),
    failWith: null,
    connect: async (room, recorder) => {
      if (f.failWith !== null) throw f.failWith;
      if (f.hang.has(room)) return new Promise(() => undefined);
      f.open.add(room);
      recorder.joined(EPOCH + clock.nowMs(), [{ identity: 'agent-1', isAgent: true, attributes: { 'lk.agent.state': 'listening' } }]);
      return {
        close: async () => {
          f.open.delete(room);
          f.closed.push(room);
        },
      };
    },
  };
  return f;
}

function makePool(over: Partial<ObserverPoolOptions> = {}) {
  const clock = new FakeClock();
  const locator = new FakeLocator();
  const conns = fakeConnections(clock);
  const warnings: [string, string][] = [];
  const pool = new ObserverPool({
    locator,
    connect: conns.connect,
    clock,
    epochNowMs: () => EPOCH + clock.nowMs(),
    maxConnections: 2,
    onWarning: (key, message) => warnings.push([key, message]),
    ...over,
  });
  return { clock, locator, conns, warnings, pool };
}

test('pool: finds the room with backoff, joins, and leaves when the call ends', async () => {
  const { clock, locator, conns, pool, warnings } = makePool();
  pool.callStarted('run1-1');
  await settle();
  assert.equal(locator.lookups, 1);
  clock.advance(250); // first retry after 250 ms
  await settle();
  assert.equal(locator.lookups, 2);
  locator.rooms.set('run1-1', 'vl-room-1');
  clock.advance(499); // next wait is 500 ms
  await settle();
  assert.equal(locator.lookups, 2);
  clock.advance(1);
  await settle();
  assert.deepEqual([...conns.open], ['vl-room-1']);
  const result = await pool.callEnded('run1-1');
  assert.equal(result.status, 'observed');
  assert.equal(result.roomName, 'vl-room-1');
  assert.equal(result.observation?.agentIdentity, 'agent-1');
  assert.deepEqual(result.observation?.stateChanges, [{ state: 'listening', atEpochMs: EPOCH + 750 }]);
  assert.equal(result.observation?.observerLeftAtEpochMs, EPOCH + 750);
  assert.deepEqual(conns.closed, ['vl-room-1']);
  assert.deepEqual(locator.forgotten, ['run1-1']);
  assert.equal(pool.stats().activeSlots, 0);
  assert.deepEqual(warnings, []);
});

test('pool: at most maxConnections at once; a call that finds the pool full is counted, not queued', async () => {
  const { locator, conns, pool } = makePool({ maxConnections: 2 });
  for (const id of ['a', 'b', 'c']) locator.rooms.set(id, `room-${id}`);
  pool.callStarted('a');
  pool.callStarted('b');
  pool.callStarted('c');
  await settle();
  assert.equal(conns.open.size, 2);
  assert.equal((await pool.callEnded('c')).status, 'pool_full');
  assert.equal((await pool.callEnded('a')).status, 'observed');
  locator.rooms.set('d', 'room-d');
  pool.callStarted('d');
  await settle();
  assert.deepEqual([...conns.open].sort(), ['room-b', 'room-d']);
  const stats = pool.stats();
  assert.equal(stats.peakSlots, 2);
  assert.equal(stats.byStatus.pool_full, 1);
  await pool.close();
  assert.equal(conns.open.size, 0);
  assert.equal(pool.stats().byStatus.observed, 3);
});

test('pool: LiveKit unreachable: the calls go on, one warning, and the pool stops trying after repeated failures', async () => {
  const { locator, pool, warnings } = makePool({ maxConnections: 10, maxConsecutiveFailures: 3 });
  locator.failing = new Error('connect ECONNREFUSED 127.0.0.1:7880');
  for (const id of ['a', 'b', 'c']) pool.callStarted(id);
  await settle();
  pool.callStarted('d');
  const lookupsBefore = locator.lookups;
  await settle();
  assert.equal(locator.lookups, lookupsBefore, 'no lookup once disabled');
  const results = await Promise.all(['a', 'b', 'c', 'd'].map((id) => pool.callEnded(id)));
  assert.deepEqual(results.map((r) => r.status), ['unreachable', 'unreachable', 'unreachable', 'disabled']);
  assert.equal(warnings.length, 1);
  assert.equal(warnings[0]![0], 'livekit_unreachable');
  assert.match(warnings[0]![1], /ECONNREFUSED.*run goes on without/);
  assert.equal(pool.stats().disabled, true);
});

test('pool: a room that never shows gives up after findTimeoutMs, warning once', async () => {
  const { clock, locator, pool, warnings } = makePool({ findTimeoutMs: 3000 });
  pool.callStarted('x');
  pool.callStarted('y');
  for (let t = 0; t < 4000; t += 50) {
    clock.advance(50);
    await settle();
  }
  // lookups at 0, 250, 750, 1750, 3000 (waits 250, 500, 1000, then the 1250 left)
  assert.equal(locator.lookups, 10);
  assert.equal(pool.stats().activeSlots, 0);
  assert.equal((await pool.callEnded('x')).status, 'room_not_found');
  assert.equal((await pool.callEnded('y')).status, 'room_not_found');
  assert.deepEqual(warnings.map((w) => w[0]), ['livekit_room_not_found']);
  assert.equal(pool.stats().disabled, false, 'a missing room is not LiveKit failing');
});

test('pool: a join that hangs times out, and a call that ends while finding leaves at once', async () => {
  const { clock, locator, conns, pool, warnings } = makePool({ connectTimeoutMs: 2000 });
  locator.rooms.set('slow', 'room-slow');
  conns.hang.add('room-slow');
  pool.callStarted('slow');
  pool.callStarted('gone');
  await settle();
  clock.advance(2000);
  await settle();
  assert.equal((await pool.callEnded('slow')).status, 'connect_timeout');
  assert.deepEqual(warnings.map((w) => w[0]), ['livekit_connect_timeout']);
  const gone = await pool.callEnded('gone');
  assert.equal(gone.status, 'ended_before_join');
  assert.equal(gone.observation, null);
  assert.equal(clock.pendingTimers, 0, 'no timers left behind');
  assert.equal((await pool.callEnded('never')).status, 'not_started');
});

test('pool: a join rejected by LiveKit counts as unreachable', async () => {
  const { locator, conns, pool, warnings } = makePool();
  locator.rooms.set('a', 'room-a');
  conns.failWith = new Error('401 unauthorized');
  pool.callStarted('a');
  await settle();
  assert.equal((await pool.callEnded('a')).status, 'unreachable');
  assert.match(warnings[0]![1], /401 unauthorized/);
});
