import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { VoiceloadError } from '../../src/core/errors.js';
import { closeRtpPortPair, type UdpPortPair } from '../../src/media/udpPortPair.js';
import { RtpPortPool } from '../../src/load/pooledRtpPorts.js';
import { parsePortRange, rtpPairPorts } from '../../src/load/portRange.js';

/** A bind that hands out fake pairs and fails for ports listed as busy, like EADDRINUSE would. */
function fakeBind(busy: Set<number>, binds: number[]) {
  return async (_host: string, port: number): Promise<UdpPortPair> => {
    binds.push(port);
    if (busy.has(port)) {
      const err = Object.assign(new Error(`bind EADDRINUSE 127.0.0.1:${port}`), { code: 'EADDRINUSE' });
      throw new VoiceloadError('MEDIA_TRANSPORT', 'could not bind', { cause: err });
    }
    return { rtpPort: port, rtcpPort: port + 1 } as unknown as UdpPortPair;
  };
}

test('RtpPortPool hands out even/odd pairs from the range, skips busy ones, reuses released ones', async () => {
  const range = parsePortRange('30000-30007'); // 4 pairs
  const busy = new Set([30002]);
  const binds: number[] = [];
  const pool = new RtpPortPool({ host: '127.0.0.1', range, bind: fakeBind(busy, binds) });
  const a = await pool.acquire();
  const b = await pool.acquire();
  const c = await pool.acquire();
  const got = [a, b, c].map((p) => p.rtpPort);
  assert.deepEqual(new Set(got), new Set(rtpPairPorts(range).filter((p) => !busy.has(p))));
  assert.equal(pool.stats().skippedBusy, 1);
  // The only pair left is busy: exhausted, with a hint.
  await assert.rejects(pool.acquire(), (e: unknown) => e instanceof VoiceloadError && e.code === 'PORTS_EXHAUSTED' && (e.hint ?? '').includes('--rtp-ports'));
  pool.release(b);
  const d = await pool.acquire();
  assert.equal(d.rtpPort, b.rtpPort, 'the released pair is the only free one that binds');
  // Once the other program lets go, the skipped pair is used.
  busy.clear();
  pool.release(a);
  pool.release(a); // twice: counted once
  const s = pool.stats();
  assert.equal(s.inUse, 2);
  assert.equal(s.released, 2);
  assert.equal(s.capacity, 4);
  const e = await pool.acquire();
  const f = await pool.acquire();
  assert.deepEqual(new Set([c.rtpPort, d.rtpPort, e.rtpPort, f.rtpPort]), new Set(rtpPairPorts(range)));
  assert.equal(pool.stats().peakInUse, 4);
});

test('RtpPortPool on real sockets: a port another socket holds is skipped; without a range, ephemeral pairs', async () => {
  // A range below Linux's ephemeral ports, spread by pid so parallel runs rarely meet; busy pairs are skipped anyway.
  const base = 23000 + (process.pid % 2000) * 4;
  const range = { first: base, last: base + 5 }; // 3 pairs
  const blocker = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    blocker.once('error', reject);
    blocker.bind(base + 3, '127.0.0.1', () => resolve()); // the RTCP port of the 2nd pair
  });
  const pool = new RtpPortPool({ host: '127.0.0.1', range });
  const pairs: UdpPortPair[] = [];
  try {
    for (;;) {
      try {
        pairs.push(await pool.acquire());
      } catch (e) {
        assert.ok(e instanceof VoiceloadError && e.code === 'PORTS_EXHAUSTED', String(e));
        break;
      }
    }
    const ports = pairs.map((p) => p.rtpPort);
    assert.ok(!ports.includes(base + 2), 'the pair with a busy RTCP port was skipped');
    assert.ok(pool.stats().skippedBusy >= 1);
    for (const p of pairs) {
      assert.ok(p.rtpPort % 2 === 0 && p.rtcpPort === p.rtpPort + 1 && p.rtpPort >= range.first && p.rtcpPort <= range.last);
      assert.equal(p.rtp.address().port, p.rtpPort);
      assert.equal(p.rtcp.address().port, p.rtcpPort);
    }
  } finally {
    for (const p of pairs) {
      await closeRtpPortPair(p);
      pool.release(p);
    }
    blocker.close();
  }
  assert.equal(pool.stats().inUse, 0);

  const eph = new RtpPortPool({ host: '127.0.0.1' });
  const pair = await eph.acquire();
  assert.equal(pair.rtpPort % 2, 0);
  assert.equal(eph.stats().inUse, 1);
  assert.equal(eph.stats().capacity, Infinity);
  await closeRtpPortPair(pair);
  eph.release(pair);
  assert.equal(eph.stats().inUse, 0);
});
