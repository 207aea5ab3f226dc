import { fileURLToPath } from 'node:url';
import { PeerProcess } from './peerProcess.js';
import { freeEvenPortPair, freePort, waitUntilListening } from './ports.js';

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
  /** Working directory, where scenarios find the raw μ-law files they stream. Default: audio-fixtures/. */
  cwd?: string;
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
  const proc = new PeerProcess('sipp', args, { cwd: o.cwd ?? FIXTURES_DIR, deadlineMs: deadlineMs + 5000 });
  await waitUntilListening(port, o.transport === 't1' ? 'tcp' : 'udp', proc);
  const transportParam = o.transport === 't1' ? ';transport=tcp' : '';
  return { port, mediaPort, uri: `sip:agent@127.0.0.1:${port}${transportParam}`, process: proc };
}

