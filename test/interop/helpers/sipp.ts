import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { PeerProcess } from './peerProcess.js';
import { freeEvenPortPair, freePort } from './ports.js';

export const FIXTURES_DIR = fileURLToPath(new URL('../../../audio-fixtures/', import.meta.url));
export const SIPP_SCENARIOS = fileURLToPath(new URL('../../fixtures/sipp/', import.meta.url));

export interface SippUas {
  port: number;
  mediaPort: number;
  uri: string;
  process: PeerProcess;
}

export interface SippUasOptions {
  scenario: string;
  /** -d: the duration of every argument-less <pause/> (the known greeting delay). */
  pauseMs?: number;
  transport?: 'u1' | 't1';
  /** SIPp gives up after this long. */
  deadlineMs?: number;
  /** Write every message SIPp sends and receives to this file (-trace_msg). */
  messageLog?: string;
}

/**
 * Starts SIPp 3.6 as a UAS for one call on 127.0.0.1 (foreground, bounded, stopped by PID), with the
 * audio fixtures as its working directory so scenarios can name raw μ-law files for rtp_stream.
 */
export async function startSippUas(o: SippUasOptions): Promise<SippUas> {
  const port = await freePort();
  const mediaPort = await freeEvenPortPair();
  const deadlineMs = o.deadlineMs ?? 30_000;
  const args = [
    '-sf', SIPP_SCENARIOS + o.scenario,
    '-i', '127.0.0.1',
    '-p', String(port),
    '-mp', String(mediaPort),
    '-t', o.transport ?? 'u1',
    '-m', '1',
    '-d', String(o.pauseMs ?? 0),
    '-timeout', `${Math.ceil(deadlineMs / 1000)}s`,
    '-timeout_error',
    '-nostdin',
    ...(o.messageLog === undefined ? [] : ['-trace_msg', '-message_file', o.messageLog]),
  ];
  const proc = new PeerProcess('sipp', args, { cwd: FIXTURES_DIR, deadlineMs: deadlineMs + 5000 });
  await waitUntilListening(port, o.transport === 't1' ? 'tcp' : 'udp', proc);
  const transportParam = o.transport === 't1' ? ';transport=tcp' : '';
  return { port, mediaPort, uri: `sip:agent@127.0.0.1:${port}${transportParam}`, process: proc };
}

/** Polls until the peer has bound `port` (a UDP bind fails / a TCP connect succeeds), at most 5 s. */
export async function waitUntilListening(port: number, proto: 'udp' | 'tcp', proc: PeerProcess): Promise<void> {
  const started = Date.now();
  for (;;) {
    const bound = proto === 'udp' ? !(await udpBindable(port)) : await tcpConnectable(port);
    if (bound) return;
    const exited = await Promise.race([proc.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 25))]);
    if (exited) throw new Error(`peer exited before listening on ${port}:\n${proc.output}`);
    if (Date.now() - started > 5000) throw new Error(`peer did not listen on ${proto} ${port} within 5 s:\n${proc.output}`);
  }
}

function udpBindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
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
