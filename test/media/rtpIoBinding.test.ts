import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { loadRtpIoBinding, socketFd, stopNodeReceiving, type RtpIoBinding, type RtpIoHandle } from '../../src/media/rtpIoBinding.js';

const loaded = loadRtpIoBinding();

/** The binding, or a skip when VOICELOAD_NATIVE_IO=0; otherwise a missing binding fails (CI builds it). */
function binding(t: TestContext): RtpIoBinding | undefined {
  if (loaded.binding !== undefined) return loaded.binding;
  if (process.env['VOICELOAD_NATIVE_IO'] === '0') {
    t.skip(loaded.reason);
    return undefined;
  }
  assert.fail(`native RTP I/O did not load: ${loaded.reason}`);
}

function bind(t: TestContext, type: 'udp4' | 'udp6' = 'udp4'): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(type);
    socket.once('error', reject);
    socket.bind(0, type === 'udp4' ? '127.0.0.1' : '::1', () => {
      socket.off('error', reject);
      t.after(() => new Promise<void>((done) => {
        try {
          socket.close(() => done());
        } catch {
          done(); // the test closed it
        }
      }));
      resolve(socket);
    });
  });
}

function fdOf(socket: dgram.Socket): number {
  const fd = socketFd(socket);
  assert.ok(fd !== undefined && fd >= 0, 'a bound socket has an fd');
  return fd;
}

/** A receiving socket handed to the io: Node stops reading it so the datagrams wait for drain(). */
async function receiver(t: TestContext, b: RtpIoBinding, io: RtpIoHandle, id: number): Promise<{ socket: dgram.Socket; port: number }> {
  const socket = await bind(t);
  assert.equal(stopNodeReceiving(socket), true);
  b.add(io, fdOf(socket), id);
  return { socket, port: socket.address().port };
}

function newIo(t: TestContext, b: RtpIoBinding, maxPackets = 64): RtpIoHandle {
  const io = b.createIo(maxPackets);
  t.after(() => b.closeIo(io));
  return io;
}

/** Packs [fd, bytes] pairs into one send batch. */
function batch(packets: Array<[number, Uint8Array]>): { data: Uint8Array; meta: Int32Array; count: number } {
  const data = new Uint8Array(packets.reduce((n, [, p]) => n + p.length, 0));
  const meta = new Int32Array(packets.length * 3);
  let offset = 0;
  packets.forEach(([fd, p], i) => {
    data.set(p, offset);
    meta.set([fd, offset, p.length], i * 3);
    offset += p.length;
  });
  return { data, meta, count: packets.length };
}

interface Drained {
  id: number;
  offset: number;
  bytes: Uint8Array;
  ageUs: number;
}

/** One drain() call, copied out of the buffers. */
/** One drain; `rounds` 64: every packet a socket holds (through io_uring a drain takes one per socket per round). */
function drainOnce(b: RtpIoBinding, io: RtpIoHandle, capacity: number, slotBytes: number, rounds = 64): Drained[] {
  const data = new Uint8Array(capacity * slotBytes);
  const meta = new Int32Array(capacity * 4);
  const n = b.drain(io, data, meta, slotBytes, rounds);
  return Array.from({ length: n }, (_, k) => ({
    id: meta[4 * k]!,
    offset: meta[4 * k + 1]!,
    bytes: data.slice(meta[4 * k + 1]!, meta[4 * k + 1]! + meta[4 * k + 2]!),
    ageUs: meta[4 * k + 3]!,
  }));
}

/** Drains until `want` packets arrived or 2 s passed (loopback delivers in well under a millisecond). */
async function drainUntil(b: RtpIoBinding, io: RtpIoHandle, want: number, slotBytes = 256): Promise<Drained[]> {
  const got: Drained[] = [];
  const deadline = Date.now() + 2000;
  while (got.length < want && Date.now() < deadline) {
    got.push(...drainOnce(b, io, 64, slotBytes));
    if (got.length < want) await sleep(2);
  }
  return got;
}

function packet(tag: number, length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (tag * 31 + i) & 0xff);
}

test('a batch from 3 sockets reaches 3 peers; drain returns ids, bytes, lengths and a small age', async (t) => {
  const b = binding(t);
  if (b === undefined) return;
  const sendIo = newIo(t, b);
  const recvIo = newIo(t, b);
  const peers = await Promise.all([101, 102, 103].map((id) => receiver(t, b, recvIo, id)));
  const senders = await Promise.all(peers.map(() => bind(t)));
  senders.forEach((s, i) => b.setRemote(sendIo, fdOf(s), '127.0.0.1', peers[i]!.port));

  const lengths = [172, 1, 33];
  const packets: Array<[number, Uint8Array]> = [];
  for (let round = 0; round < 3; round++) {
    senders.forEach((s, i) => packets.push([fdOf(s), packet(10 * i + round, lengths[round]!)]));
  }
  const { data, meta, count } = batch(packets);
  assert.equal(b.send(sendIo, data, meta, count), 9);

  const got = await drainUntil(b, recvIo, 9);
  assert.equal(got.length, 9);
  for (let i = 0; i < 3; i++) {
    const mine = got.filter((p) => p.id === 101 + i);
    assert.deepEqual(
      mine.map((p) => p.bytes),
      [0, 1, 2].map((round) => packet(10 * i + round, lengths[round]!)),
      'each peer gets its sender’s packets, in order, byte for byte',
    );
  }
  got.forEach((p, k) => assert.equal(p.offset, k * 256, 'packet k sits in slot k'));
  for (const p of got) assert.ok(p.ageUs >= 0 && p.ageUs < 2_000_000, `ageUs ${p.ageUs} is small and not negative`);
  const sendStats = b.stats(sendIo);
  assert.equal(sendStats.packetsSent, 9);
  assert.equal(sendStats.sendErrors, 0);
  assert.equal(b.stats(recvIo).packetsDrained, 9);
});

test('with rounds = 1 a drain takes at most one packet per socket through io_uring; the rest come next, in order', async (t) => {
  const b = binding(t);
  if (b === undefined) return;
  const io = newIo(t, b);
  const peers = await Promise.all([1, 2].map((id) => receiver(t, b, io, id)));
  const sender = await bind(t);
  const sent = [0, 1, 2].map((i) => packet(i, 30));
  for (const p of peers) {
    b.setRemote(io, fdOf(sender), '127.0.0.1', p.port);
    const one = batch(sent.map((pk) => [fdOf(sender), pk]));
    assert.equal(b.send(io, one.data, one.meta, one.count), 3);
  }
  await sleep(20);
  const perDrain: number[] = [];
  const got: Drained[] = [];
  for (let i = 0; i < 4; i++) {
    const d = drainOnce(b, io, 16, 64, 1);
    perDrain.push(d.length);
    got.push(...d);
  }
  if (b.stats(io).uring === 1) assert.deepEqual(perDrain, [2, 2, 2, 0], 'one packet per socket per drain');
  else assert.deepEqual(perDrain, [6, 0, 0, 0], 'recvmmsg reads every queued packet of a socket at once');
  for (const id of [1, 2]) assert.deepEqual(got.filter((p) => p.id === id).map((p) => p.bytes), sent);
});

test('drain returns 0 when nothing is ready, with or without sockets', async (t) => {
  const b = binding(t);
  if (b === undefined) return;
  const io = newIo(t, b);
  assert.equal(drainOnce(b, io, 8, 64).length, 0);
  await receiver(t, b, io, 1);
  assert.equal(drainOnce(b, io, 8, 64).length, 0);
  assert.equal(b.stats(io).drains, 2);
  assert.equal(b.stats(io).recvErrors, 0);
});

test('a full output buffer leaves the rest in the kernel for the next drain; nothing is lost', async (t) => {
  const b = binding(t);
  if (b === undefined) return;
  const io = newIo(t, b, 3); // maxPackets caps one drain at 3 ...
  const peer = await receiver(t, b, io, 7);
  const sender = await bind(t);
  b.setRemote(io, fdOf(sender), '127.0.0.1', peer.port);
  const sent = Array.from({ length: 10 }, (_, i) => packet(i, 20 + i));
  const { data, meta, count } = batch(sent.map((p) => [fdOf(sender), p]));
  assert.equal(b.send(io, data, meta, count), 10);
  await sleep(20); // all 10 queued on the receiver before the first drain

  // ... and room in meta (2 packets) or in data (1 slot) caps the others: each drain takes what fits.
  const sizes: number[] = [];
  const got: Drained[] = [];
  const slotBytes = 64;
  for (const [metaPackets, dataSlots] of [[8, 8], [2, 8], [8, 1], [8, 8], [8, 8], [8, 8]] as const) {
    const buf = new Uint8Array(dataSlots * slotBytes);
    const m = new Int32Array(metaPackets * 4);
    const n = b.drain(io, buf, m, slotBytes, 64);
    sizes.push(n);
    for (let k = 0; k < n; k++) {
      const offset = m[4 * k + 1]!;
      got.push({ id: m[4 * k]!, offset, bytes: buf.slice(offset, offset + m[4 * k + 2]!), ageUs: m[4 * k + 3]! });
    }
  }
  assert.deepEqual(sizes, [3, 2, 1, 3, 1, 0]);
  assert.deepEqual(got.map((p) => p.bytes), sent);
  assert.ok(got.every((p) => p.id === 7));
});

test('remove() stops delivery; the packets stay queued for whoever reads the socket next', async (t) => {
  const b = binding(t);
  if (b === undefined) return;
  const io = newIo(t, b);
  const peer = await receiver(t, b, io, 5);
  const sender = await bind(t);
  b.setRemote(io, fdOf(sender), '127.0.0.1', peer.port);
  const one = batch([[fdOf(sender), packet(1, 40)]]);
  b.send(io, one.data, one.meta, one.count);
  assert.equal((await drainUntil(b, io, 1)).length, 1);

  b.remove(io, fdOf(peer.socket));
  b.remove(io, fdOf(peer.socket)); // again: ENOENT is ignored
  b.send(io, one.data, one.meta, one.count);
  await sleep(20);
  assert.equal(drainOnce(b, io, 8, 64).length, 0);

  b.add(io, fdOf(peer.socket), 6);
  const late = await drainUntil(b, io, 1);
  assert.deepEqual(late.map((p) => [p.id, p.bytes]), [[6, packet(1, 40)]]);
});

test('setRemote takes an IPv6 literal (::1)', async (t) => {
  const b = binding(t);
  if (b === undefined) return;
  let peerSocket: dgram.Socket;
  let sender: dgram.Socket;
  try {
    peerSocket = await bind(t, 'udp6');
    sender = await bind(t, 'udp6');
  } catch (e) {
    t.skip(`::1 unavailable: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  const io = newIo(t, b);
  stopNodeReceiving(peerSocket);
  b.add(io, fdOf(peerSocket), 9);
  b.setRemote(io, fdOf(sender), '::1', peerSocket.address().port);
  const { data, meta, count } = batch([[fdOf(sender), packet(6, 100)]]);
  assert.equal(b.send(io, data, meta, count), 1);
  const got = await drainUntil(b, io, 1);
  assert.deepEqual(got.map((p) => [p.id, p.bytes]), [[9, packet(6, 100)]]);
});

test('setRemote rejects anything but an IP literal and a port in 1..65535 with a TypeError', async (t) => {
  const b = binding(t);
  if (b === undefined) return;
  const io = newIo(t, b);
  const fd = fdOf(await bind(t));
  for (const host of ['localhost', '256.1.1.1', '', '1.2.3', '::1%lo', 'x'.repeat(200)]) {
    assert.throws(() => b.setRemote(io, fd, host, 5004), TypeError, JSON.stringify(host));
  }
  for (const port of [0, -1, 65536]) assert.throws(() => b.setRemote(io, fd, '127.0.0.1', port), TypeError, String(port));
  assert.throws(() => b.setRemote(io, fd, 42 as unknown as string, 5004), TypeError);
});

test('a send on a removed or closed fd counts an error and does not throw', async (t) => {
  const b = binding(t);
  if (b === undefined) return;
  const io = newIo(t, b);
  const peer = await receiver(t, b, io, 1);
  const removed = await bind(t);
  const closed = await bind(t);
  const live = await bind(t);
  for (const s of [removed, closed, live]) b.setRemote(io, fdOf(s), '127.0.0.1', peer.port);
  b.add(io, fdOf(removed), 2);
  b.remove(io, fdOf(removed)); // forgets the remote too

  const closedFd = fdOf(closed);
  await new Promise<void>((done) => closed.close(() => done()));
  const { data, meta, count } = batch([
    [fdOf(removed), packet(1, 10)],
    [closedFd, packet(2, 10)],
    [fdOf(live), packet(3, 10)],
  ]);
  assert.equal(b.send(io, data, meta, count), 1, 'only the live socket sends');
  const s = b.stats(io);
  assert.equal(s.sendErrors, 2);
  assert.equal(s.lastSendErrno, os.constants.errno.EBADF);
  assert.deepEqual((await drainUntil(b, io, 1)).map((p) => p.bytes), [packet(3, 10)]);
});

test('send() rejects an entry outside the data before sending anything', async (t) => {
  const b = binding(t);
  if (b === undefined) return;
  const io = newIo(t, b);
  const peer = await receiver(t, b, io, 1);
  const sender = await bind(t);
  b.setRemote(io, fdOf(sender), '127.0.0.1', peer.port);
  const data = new Uint8Array(10);
  const meta = Int32Array.from([fdOf(sender), 0, 10, fdOf(sender), 5, 6]);
  assert.throws(() => b.send(io, data, meta, 2), RangeError);
  assert.throws(() => b.send(io, data, meta, 3), RangeError, 'count beyond meta');
  assert.equal(b.stats(io).packetsSent, 0);
});

test('a datagram larger than the slot is counted as truncated, not delivered cut', async (t) => {
  const b = binding(t);
  if (b === undefined) return;
  const io = newIo(t, b);
  const peer = await receiver(t, b, io, 4);
  const sender = await bind(t);
  b.setRemote(io, fdOf(sender), '127.0.0.1', peer.port);
  const big = packet(1, 100);
  const small = packet(2, 64);
  const { data, meta, count } = batch([[fdOf(sender), big], [fdOf(sender), small], [fdOf(sender), big]]);
  assert.equal(b.send(io, data, meta, count), 3);
  await sleep(20);
  const got = drainOnce(b, io, 8, 64);
  assert.deepEqual(got.map((p) => [p.offset, p.bytes]), [[0, small]], 'the good packet moves into slot 0');
  assert.equal(b.stats(io).truncated, 2);
});

test('handles: closeIo is idempotent, a closed io throws, a foreign value is a TypeError', (t) => {
  const b = binding(t);
  if (b === undefined) return;
  const io = b.createIo(4);
  b.closeIo(io);
  b.closeIo(io);
  assert.throws(() => b.drain(io, new Uint8Array(64), new Int32Array(4), 64), /closed/);
  assert.equal(b.stats(io).drains, 0, 'stats stay readable');
  assert.throws(() => b.stats({} as RtpIoHandle), TypeError);
  assert.throws(() => b.createIo(0), RangeError);
  assert.throws(() => b.add(b.createIo(1), -1, 1), (e: Error & { code?: string }) => e.code === 'EBADF' && /Bad file descriptor/.test(e.message));
});

test('loads in worker threads alongside the main thread (context-aware)', async (t) => {
  if (binding(t) === undefined) return;
  const url = new URL('../../native/build/voiceload_rtpio.node', import.meta.url);
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const b = require(workerData);
    const io = b.createIo(4);
    const n = b.drain(io, new Uint8Array(256), new Int32Array(16), 64);
    b.closeIo(io);
    parentPort.postMessage(n);`;
  const results = await Promise.all(
    [1, 2].map(
      () =>
        new Promise<unknown>((resolve, reject) => {
          const w = new Worker(code, { eval: true, workerData: fileURLToPath(url) });
          w.once('message', resolve);
          w.once('error', reject);
        }),
    ),
  );
  assert.deepEqual(results, [0, 0]);
});

test('socketFd and stopNodeReceiving reach the handle without the DEP0112 warning', async (t) => {
  const warnings: string[] = [];
  const onWarning = (w: Error & { code?: string }): void => void warnings.push(w.code ?? w.name);
  process.on('warning', onWarning);
  t.after(() => process.off('warning', onWarning));
  const unbound = dgram.createSocket('udp4');
  assert.equal(socketFd(unbound), undefined);
  unbound.close();
  const socket = await bind(t);
  const fd = socketFd(socket);
  assert.ok(fd !== undefined && Number.isInteger(fd) && fd > 2);
  assert.equal(stopNodeReceiving(socket), true);
  await new Promise<void>((done) => socket.close(() => done()));
  assert.equal(socketFd(socket), undefined, 'closed');
  assert.equal(stopNodeReceiving(socket), false);
  await sleep(10); // warnings are emitted on a later tick
  assert.ok(!warnings.includes('DEP0112'), warnings.join());
});

test('VOICELOAD_NATIVE_IO=0 turns the binding off with a reason', () => {
  const before = process.env['VOICELOAD_NATIVE_IO'];
  process.env['VOICELOAD_NATIVE_IO'] = '0';
  try {
    const off = loadRtpIoBinding();
    assert.equal(off.binding, undefined);
    assert.match(off.binding === undefined ? off.reason : '', /VOICELOAD_NATIVE_IO=0/);
  } finally {
    if (before === undefined) delete process.env['VOICELOAD_NATIVE_IO'];
    else process.env['VOICELOAD_NATIVE_IO'] = before;
  }
});
