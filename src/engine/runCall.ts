import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Clock } from '../core/clock.js';
import { VoiceloadError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/log.js';
import { loadUtterance } from '../audio/index.js';
import type { MediaScheduler } from '../media/mediaScheduler.js';
import { bindRtpPortPair, closeRtpPortPair, type UdpPortPair } from '../media/udpPortPair.js';
import { parseUri } from '../sip/uri.js';
import { createTcpTransport, createUdpTransport, type SipEndpoint, type SipTransport } from '../sip/transport/index.js';
import { UserAgent } from '../sip/ua/userAgent.js';
import type { CallConfig, CallSetup } from './callConfig.js';
import type { PlannedStep } from './callPlan.js';
import { planCallConfig } from './planCallConfig.js';
import type { CallEventListener } from './callEvents.js';
import type { CallResult } from './callResult.js';
import { CallRunner } from './callRunner.js';

export interface RunCallOptions {
  clock: Clock;
  logger?: Logger;
  onEvent?: CallEventListener;
  /** Aborting ends the call (BYE or CANCEL) and resolves with reason `aborted` and what was measured. */
  signal?: AbortSignal;
  userAgent?: string;
  /** Diagnostics tap: every decoded frame of agent audio with its arrival time (the pcm is reused: copy to keep). */
  onAgentFrame?: (pcm: Int16Array, arrivalMs: number) => void;
  /**
   * A media clock shared with the other calls of a load shard: the call's RTP packets go out in the
   * scheduler's batches (one timer for every call) instead of on the call's own timer. Its interval
   * must be the packet time (20 ms). Absent: the call paces itself.
   */
  mediaScheduler?: MediaScheduler;
}

/**
 * Places one call and measures it: INVITE → answer → (greeting) → for each utterance: say it, time the
 * agent's reply → BYE. Resolves with a CallResult whatever happens; rejects only for setup problems
 * that are the user's (unreadable audio file, unresolvable host): those are VoiceloadErrors with hints.
 */
export async function runCall(config: CallConfig, options: RunCallOptions): Promise<CallResult> {
  return runPlannedCall(config, planCallConfig(config, (file) => loadUtterance(file)), options);
}

/**
 * Places one call and executes its steps (see CallRunner). Each call binds its own SIP socket and
 * RTP port pair. Resolves with a CallResult whatever happens; rejects only when the target cannot
 * be resolved.
 */
export async function runPlannedCall(config: CallSetup, steps: readonly PlannedStep[], options: RunCallOptions): Promise<CallResult> {
  const dest = await resolveTarget(config.target);
  const clock = options.clock;
  const logger = options.logger ?? silentLogger;
  const transport: SipTransport =
    config.transport === 'tcp'
      ? await createTcpTransport({ host: config.localHost, port: config.localSipPort, clock, logger })
      : await createUdpTransport({ host: config.localHost, port: config.localSipPort, clock, logger });
  let ua: UserAgent | undefined;
  try {
    ua = new UserAgent({ transport, clock, timers: config.timers, logger, userAgent: options.userAgent ?? 'voiceload' });
    const ports = await bindRtpPortPair({ host: config.localHost });
    return await runCallOn(ua, ports, dest, config, steps, options);
  } finally {
    await (ua === undefined ? transport.close() : ua.close());
  }
}

/**
 * Runs one call on a user agent and RTP port pair it does not own: many calls share one UA (the UA
 * routes by Call-ID), so the load engine binds a transport once per shard instead of once per call.
 * The call takes over `ports` and has closed both sockets when this resolves (whatever happened), so
 * the caller may hand the port numbers to the next call. The UA stays open. `setup.transport`,
 * `setup.timers` and `setup.localSipPort` are the UA's business, not this call's.
 */
export async function runCallOn(
  ua: UserAgent,
  ports: UdpPortPair,
  dest: SipEndpoint,
  setup: CallSetup,
  steps: readonly PlannedStep[],
  options: RunCallOptions,
): Promise<CallResult> {
  let runner: CallRunner | undefined;
  // The runner reads the transport's malformed count, which a shared UA's calls all add to: count
  // only what arrived while this call ran (an unparsable datagram names no call).
  const malformedBefore = ua.transport.stats.malformed;
  try {
    runner = new CallRunner(setup, steps, options, ua, ports, dest);
    const result = await runner.run();
    return { ...result, malformedSipMessages: result.malformedSipMessages - malformedBefore };
  } finally {
    const media = runner?.media;
    if (media !== undefined) await media.close();
    else await closeRtpPortPair(ports);
  }
}

/** The INVITE goes to the target URI's host and port (no DNS SRV: LiveKit trunks and test peers use A records). */
export async function resolveTarget(target: string): Promise<SipEndpoint> {
  let uri;
  try {
    uri = parseUri(target);
  } catch (e) {
    throw new VoiceloadError('CLI_USAGE', `target "${target}" is not a valid SIP URI`, { cause: e, hint: 'expected sip:user@host[:port]' });
  }
  const port = uri.port ?? (uri.scheme === 'sips' ? 5061 : 5060);
  const bare = uri.host.startsWith('[') ? uri.host.slice(1, -1) : uri.host;
  if (isIP(bare) !== 0) return { host: bare, port };
  try {
    const { address } = await lookup(bare);
    return { host: address, port };
  } catch (e) {
    throw new VoiceloadError('SIP_TRANSPORT', `cannot resolve the target host "${bare}"`, { cause: e, hint: 'check the host name, or use an IP address' });
  }
}
