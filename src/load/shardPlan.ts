import { VoiceloadError } from '../core/errors.js';
import type { LoadPlan } from './loadTypes.js';
import { checkPortRangeFits, splitPortRange, type PortRange } from './portRange.js';
import { shardSipPort, type ShardConfig } from './shardConfig.js';

/** A whole run's settings, before they are split into shards. */
export type ShardRunConfig = Omit<ShardConfig, 'plan' | 'shard' | 'shards' | 'rtpPorts' | 'sipPort'> & {
  /** The whole run's plan (for the pre-run port check). */
  plan: LoadPlan;
  /** --rtp-ports: split between shards; absent: ephemeral pairs. */
  rtpPorts?: PortRange;
  /** --sip-port: shard i binds sipPort + i; absent or 0: ephemeral. */
  sipPort?: number;
};

/** The most calls a plan can have up at once: what its RTP port range must hold. */
export function peakConcurrency(plan: LoadPlan): number {
  const m = plan.model;
  if (m.kind === 'open') return plan.concurrencyCap;
  const users = Math.max(m.users, ...(m.stages ?? []).map((s) => s.target));
  return Math.min(plan.concurrencyCap, users);
}

/**
 * Pure: one ShardConfig per shard plan (from splitPlan). Checks BEFORE the run that the RTP port
 * range holds a pair for every call that can be up at once, run-wide and then per shard (each shard
 * gets its own disjoint part, sized by its cap), so a too-small range is a clear error, not a failure
 * halfway through.
 */
export function planShards(run: ShardRunConfig, plans: readonly LoadPlan[]): ShardConfig[] {
  const shards = plans.length;
  const { rtpPorts, sipPort, plan: _whole, ...common } = run;
  let parts: (PortRange | null)[] | undefined;
  if (rtpPorts !== undefined) {
    const peak = peakConcurrency(run.plan);
    if (!Number.isFinite(peak)) {
      throw new VoiceloadError('CLI_USAGE', 'an RTP port range needs a limit on simultaneous calls', { hint: 'set -l (the concurrency cap) with --rtp-ports' });
    }
    checkPortRangeFits(rtpPorts, peak);
    const peaks = plans.map(peakConcurrency);
    parts = splitPortRange(rtpPorts, peaks);
    parts.forEach((part, i) => {
      const need = peaks[i] ?? 0;
      if (need > 0) checkPortRangeFits(part ?? { first: rtpPorts.first, last: rtpPorts.first - 1 }, need);
    });
  }
  return plans.map((plan, shard) => {
    const part = parts?.[shard];
    return {
      ...common,
      plan,
      shard,
      shards,
      sipPort: shardSipPort(sipPort, shard),
      ...(part === undefined || part === null ? {} : { rtpPorts: part }),
    };
  });
}
