import type { Clock } from '../core/clock.js';
import { VoiceloadError } from '../core/errors.js';
import { resolveTarget } from '../engine/runCall.js';
import { createTcpTransport, createUdpTransport } from '../sip/transport/index.js';
import { UserAgent, type ProbeResult } from '../sip/ua/userAgent.js';

/** How long the pre-run OPTIONS probe waits (UDP retransmits it at 0.5, 1.5 and 3.5 s on the way). */
export const PROBE_TIMEOUT_MS = 4000;

/**
 * Before the first call of a run: one OPTIONS to the target. No answer at all means every call would
 * time out one by one; that is a clear error instead (`CONFIG`, exit 2) with what to check.
 */
export async function probeTarget(target: string, o: { transport: 'udp' | 'tcp'; localHost: string; clock: Clock; timeoutMs?: number }): Promise<ProbeResult & { ok: true }> {
  const dest = await resolveTarget(target);
  const timeoutMs = o.timeoutMs ?? PROBE_TIMEOUT_MS;
  let result: ProbeResult;
  try {
    const transport = o.transport === 'tcp' ? await createTcpTransport({ host: o.localHost, port: 0, clock: o.clock }) : await createUdpTransport({ host: o.localHost, port: 0, clock: o.clock });
    const ua = new UserAgent({ transport, clock: o.clock });
    try {
      result = await ua.probe(target, dest, timeoutMs);
    } finally {
      await ua.close();
    }
  } catch (e) {
    result = { ok: false, why: 'transport', message: e instanceof Error ? e.message : String(e) };
  }
  if (result.ok) return result;
  const what = result.why === 'timeout' ? `did not answer an OPTIONS request within ${timeoutMs / 1000} s` : `cannot be reached over ${o.transport.toUpperCase()}: ${result.message ?? 'transport error'}`;
  throw new VoiceloadError('CONFIG', `the target ${target} ${what}, so no call was placed`, {
    hint: 'check the address and port and that the agent (or SIP trunk) is running and allows this source address; --no-probe skips the check for targets that ignore OPTIONS',
  });
}
