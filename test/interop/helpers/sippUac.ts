import { PeerProcess } from './peerProcess.js';
import { freeEvenPortPair, freePort } from './ports.js';
import { SIPP_SCENARIOS } from './sipp.js';

export interface SippUacOptions {
  /** A scenario file in test/fixtures/sipp/, or `{ builtin: 'uac' }` for one of SIPp's own (-sn). */
  scenario: string | { builtin: string };
  /** Where the calls go (the UAS under test). */
  target: { host: string; port: number };
  /** -m: total calls, default 1. */
  calls?: number;
  /** -r: calls per second, default 10. */
  rate?: number;
  /** -l: at most this many calls at once, default: unlimited. */
  limit?: number;
  /** -d: the duration of every argument-less <pause/>, default 0. */
  pauseMs?: number;
  /** -au / -ap for the [authentication] keyword. */
  auth?: { username: string; password: string };
  /** -s: the Request-URI user ([service]), default "agent". */
  service?: string;
  /** SIPp gives up (and fails) after this long; the process is killed 5 s later. Default 30 s. */
  deadlineMs?: number;
  /** Write every message SIPp sends and receives to this file (-trace_msg). */
  messageLog?: string;
}

export interface SippUac {
  /** SIPp's own SIP port. */
  port: number;
  process: PeerProcess;
}

/**
 * Starts SIPp 3.6 as a UAC on 127.0.0.1 against `target` (foreground, bounded by -timeout and a kill
 * deadline, stopped by PID). Its exit code is 0 only when every call succeeded.
 */
export async function startSippUac(o: SippUacOptions): Promise<SippUac> {
  const port = await freePort();
  const mediaPort = await freeEvenPortPair();
  const deadlineMs = o.deadlineMs ?? 30_000;
  const args = [
    ...(typeof o.scenario === 'string' ? ['-sf', SIPP_SCENARIOS + o.scenario] : ['-sn', o.scenario.builtin]),
    `${o.target.host}:${o.target.port}`,
    '-i', '127.0.0.1',
    '-p', String(port),
    '-mp', String(mediaPort),
    '-t', 'u1',
    '-s', o.service ?? 'agent',
    '-m', String(o.calls ?? 1),
    '-r', String(o.rate ?? 10),
    ...(o.limit === undefined ? [] : ['-l', String(o.limit)]),
    '-d', String(o.pauseMs ?? 0),
    ...(o.auth === undefined ? [] : ['-au', o.auth.username, '-ap', o.auth.password]),
    '-timeout', `${Math.ceil(deadlineMs / 1000)}s`,
    '-timeout_error',
    '-nostdin',
    ...(o.messageLog === undefined ? [] : ['-trace_msg', '-message_file', o.messageLog]),
  ];
  const proc = new PeerProcess('sipp', args, { deadlineMs: deadlineMs + 5000 });
  return { port, process: proc };
}
