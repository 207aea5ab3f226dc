import type { CallSetup } from '../engine/callConfig.js';
import type { ResolvedSippRunOptions } from '../sipp/sippRunOptions.js';
import type { LoadPlan } from './loadTypes.js';
import type { PortRange } from './portRange.js';
import type { RecordPolicy } from './recordPolicy.js';

/**
 * Everything one shard needs, as plain data: it crosses to a worker thread by structured clone
 * (workerData), so no functions and no class instances. `base.auth.password` travels here and is
 * never logged or put in an event.
 */
export interface ShardConfig {
  /** The scenario file (YAML, or SIPp XML with kind 'sipp'); each shard loads and prepares it (synthesis comes from the disk cache). */
  scenarioFile: string;
  /** Which kind of scenario the shard runs. Absent: 'yaml'. */
  kind?: 'yaml' | 'sipp';
  /**
   * kind 'sipp': SIPp's settings for every call (remote, -d, -inf, --strict, -s, -au, retransmissions);
   * its rate, calls and concurrency are not used (the plan decides), nor its localPort (sipPort is).
   * `authPassword` travels here and is never logged or put in an event.
   */
  sipp?: ResolvedSippRunOptions;
  /** What the command line decides for every call (target, local address, timers, credentials). */
  base: CallSetup;
  /** This shard's part of the run's load plan (splitPlan). */
  plan: LoadPlan;
  shard: number;
  shards: number;
  /** `performance.timeOrigin + performance.now()` at the run's start, in the coordinator. */
  runStartEpochMs: number;
  /** This shard's RTP ports (its part of --rtp-ports); absent: ephemeral pairs. */
  rtpPorts?: PortRange;
  /** The port this shard's SIP transport binds (--sip-port plus the shard index); 0 or absent: ephemeral. */
  sipPort?: number;
  /** Seeds each call's random stream, with its call number (equal seeds and numbers, equal choices, whatever the shard). */
  seed: number;
  runId: string;
  /** Where synthesised speech is cached (default audio-fixtures/.cache). */
  speechCacheDir?: string;
  /** User-Agent header value. */
  userAgent?: string;
  /** --record: which calls' agent audio to keep, written under `outDir`/recordings. */
  record?: RecordPolicy;
  outDir?: string;
  /** SO_RCVBUF/SO_SNDBUF of the shard's SIP socket: every call of the shard shares it. */
  sipSocketBufferBytes?: number;
  /**
   * Every call carries `X-Lk-Test-Id: <run id>-<call number>` unless the scenario sets the header
   * itself (`run --livekit`: LiveKit makes it the SIP participant's `lktest.id`, the key to the room).
   */
  testIdHeader?: boolean;
}

/** The SIP port of shard `shard` when the run asked for `--sip-port base`: consecutive ports, one per shard. */
export function shardSipPort(basePort: number | undefined, shard: number): number {
  return basePort === undefined || basePort === 0 ? 0 : basePort + shard;
}
