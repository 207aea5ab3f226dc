import { VoiceloadError } from '../core/errors.js';
import { createRng } from '../core/rng.js';
import type { LoadPlan, LoadStage } from './loadTypes.js';

/**
 * Splits a run's plan into one plan per shard (worker thread) whose sum is the whole:
 * - counts (the concurrency cap, maxCalls, closed-model users and stage targets) are split as evenly as
 *   whole numbers allow, the remainder going to the first shards; a shard may get 0 and then starts nothing;
 * - open-model rates (ratePerSec and stage targets) are split equally among the shards that have room
 *   (cap > 0), and constant schedules get phases i/S so their arrivals interleave into the whole run's
 *   grid; a shard with no room gets no arrivals it could only drop. (Caps split into whole calls may
 *   differ by one between shards; that shard drops a little earlier.)
 *   Constant arrivals of rate r·wᵢ sum to r; so do Poisson ones: independent Poisson processes of
 *   rates rᵢ superpose into a Poisson process of rate Σrᵢ (the superposition theorem).
 * - seeds are distinct per shard and derived from the run seed, so a rerun reproduces every shard;
 *   a single shard keeps the run seed (a one-thread run is the unsplit plan).
 */
export function splitPlan(plan: LoadPlan, shards: number): LoadPlan[] {
  if (!Number.isInteger(shards) || shards < 1) throw new VoiceloadError('INTERNAL', `cannot split a load plan into ${shards} shards`);
  const caps = splitCount(plan.concurrencyCap, shards);
  const calls = plan.maxCalls === undefined ? undefined : splitCount(plan.maxCalls, shards);
  const seeds = shardSeeds(plan.seed, shards);
  const model = plan.model;
  return caps.map((cap, i) => {
    // Equal rates on the shards that can start calls, so constant schedules interleave exactly; a shard
    // with a cap of 0 gets none (it could only drop). All caps 0: spread evenly, so the drops add up.
    const open = caps.filter((c) => c > 0).length;
    const weight = open === 0 ? 1 / shards : cap > 0 ? 1 / open : 0;
    const shardModel: LoadPlan['model'] =
      model.kind === 'open'
        ? {
            kind: 'open',
            arrivals: model.arrivals,
            ratePerSec: model.ratePerSec * weight,
            // Evenly spaced arrivals of S shards interleave instead of coinciding: shard i lags i/S of its gap.
            ...(model.arrivals === 'constant' && open > 1 && cap > 0 ? { phase: caps.slice(0, i).filter((c) => c > 0).length / open } : {}),
            ...(model.stages === undefined ? {} : { stages: model.stages.map((s) => ({ durationMs: s.durationMs, target: s.target * weight })) }),
          }
        : {
            kind: 'closed',
            users: at(splitCount(model.users, shards), i),
            ...(model.stages === undefined ? {} : { stages: splitStages(model.stages, shards, i) }),
          };
    return {
      model: shardModel,
      concurrencyCap: cap,
      ...(calls === undefined ? {} : { maxCalls: at(calls, i) }),
      ...(plan.durationMs === undefined ? {} : { durationMs: plan.durationMs }),
      seed: at(seeds, i),
    };
  });
}

/**
 * `total` over `shards` as evenly as whole numbers allow, the remainder on the first shards; a fraction
 * (a ramp target such as 2.5 users) goes to the first shard; Infinity stays Infinity everywhere.
 */
export function splitCount(total: number, shards: number): number[] {
  if (!Number.isFinite(total)) return Array.from({ length: shards }, () => total);
  const whole = Math.floor(total);
  const base = Math.floor(whole / shards);
  const extra = whole - base * shards;
  return Array.from({ length: shards }, (_, i) => base + (i < extra ? 1 : 0) + (i === 0 ? total - whole : 0));
}

function splitStages(stages: readonly LoadStage[], shards: number, shard: number): LoadStage[] {
  return stages.map((s) => ({ durationMs: s.durationMs, target: at(splitCount(s.target, shards), shard) }));
}

/** Distinct 32-bit seeds, one per shard, drawn from the run seed's stream. */
function shardSeeds(seed: number, shards: number): number[] {
  if (shards === 1) return [seed];
  const rng = createRng(seed);
  const seeds = new Set<number>();
  while (seeds.size < shards) seeds.add(Math.floor(rng() * 0x100000000));
  return [...seeds];
}

function at(values: readonly number[], i: number): number {
  const v = values[i];
  if (v === undefined) throw new VoiceloadError('INTERNAL', `no shard ${i} in a split of ${values.length}`);
  return v;
}
