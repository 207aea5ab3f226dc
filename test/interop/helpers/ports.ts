import { createSocket } from 'node:dgram';
import { connect, createServer } from 'node:net';
import type { PeerProcess } from './peerProcess.js';

/** A UDP and TCP port that is free on 127.0.0.1 right now (bound, then released, for a peer program to take). */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = createSocket('udp4');
      s.once('error', reject);
      s.bind(0, '127.0.0.1', () => {
        const p = s.address().port;
        s.close(() => resolve(p));
      });
    });
    const tcpFree = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (tcpFree) return port;
  }
  throw new Error('no free port found on 127.0.0.1');
}

/** An even port with the next one free too (RTP + RTCP), for SIPp's -mp. */
export async function freeEvenPortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const p = await freePort();
    const even = p % 2 === 0 ? p : p + 1;
    if (even + 1 > 65535) continue;
    const ok = await Promise.all([even, even + 1].map((q) => udpFree(q)));
    if (ok.every(Boolean)) return even;
  }
  throw new Error('no free even port pair found on 127.0.0.1');
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** Polls until the peer has bound `port` (a UDP bind fails / a TCP connect succeeds), at most 5 s. */
export async function waitUntilListening(port: number, proto: 'udp' | 'tcp', proc: PeerProcess): Promise<void> {
  const started = Date.now();
  for (;;) {
    const bound = proto === 'udp' ? !(await udpFree(port)) : await tcpConnectable(port);
    if (bound) return;
    const exited = await Promise.race([proc.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 25))]);
    if (exited) throw new Error(`peer exited before listening on ${port}:\n${proc.output}`);
    if (Date.now() - started > 5000) throw new Error(`peer did not listen on ${proto} ${port} within 5 s:\n${proc.output}`);
  }
}


function tcpConnectable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1');
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

export function waitUntilListeningUdp(port: number, proc: PeerProcess): Promise<void> {
  return waitUntilListening(port, 'udp', proc);
}
