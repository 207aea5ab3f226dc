import { VoiceloadError } from '../core/errors.js';
import type { CapacityDimension } from './capacityTypes.js';
import type { CapacityDoc } from './capacityFile.js';

/** Plan for 70 % busy at peak: 30 % absorbs spikes and retries and buys time to scale. */
export const DEFAULT_TARGET_UTILIZATION = 0.7;

/** One component and what one instance of it carries. */
export interface ComponentCapacity {
  name: string;
  /** Calls (concurrent, or per second with `by: rate`) one instance carries while meeting the SLOs. */
  unitCapacity: number;
  /** Where the number came from: the capacity search result, or `--unit-capacity`. */
  source: 'capacity' | 'unit-capacity';
}

export interface PlanInput {
  by: CapacityDimension;
  /** Load to plan for, in the `by` unit. */
  peak: number;
  /** Planned share of capacity in use at peak, in (0, 1]. */
  targetUtilization: number;
  components: readonly ComponentCapacity[];
}

export interface ComponentPlan extends ComponentCapacity {
  /** ceil(peak / (unitCapacity × targetUtilization)). */
  instances: number;
  /** instances × unitCapacity. */
  plannedCapacity: number;
  /** peak / plannedCapacity (≤ the target). */
  utilizationAtPeak: number;
  /** plannedCapacity − peak, and that as a share of peak. */
  marginCalls: number;
  marginRatio: number;
}

export interface CapacityPlan {
  by: CapacityDimension;
  peak: number;
  targetUtilization: number;
  components: ComponentPlan[];
  /** The component with the fewest calls per instance. */
  bottleneck: string;
}

/** Pure: instances per component to carry `peak` at the target utilisation. */
export function planCapacity(input: PlanInput): CapacityPlan {
  const problems: string[] = [];
  if (!(Number.isFinite(input.peak) && input.peak > 0)) problems.push(`--peak must be a positive number, got ${input.peak}`);
  if (!(input.targetUtilization > 0 && input.targetUtilization <= 1)) problems.push(`--target-utilization must be in (0, 1], got ${input.targetUtilization}`);
  if (input.components.length === 0) problems.push('nothing to plan: give --capacity FILE or --unit-capacity NAME=N');
  for (const c of input.components) {
    if (!(Number.isFinite(c.unitCapacity) && c.unitCapacity > 0)) problems.push(`${c.name}: capacity per instance must be positive, got ${c.unitCapacity}`);
  }
  if (problems.length > 0) {
    throw new VoiceloadError('CLI_USAGE', `plan: ${problems.join('; ')}`, { hint: `e.g. voiceload plan --capacity capacity.json --peak 500 --target-utilization 0.7` });
  }
  const components = input.components.map((c): ComponentPlan => {
    // The epsilon keeps an exact fit exact: 70 / (10 × 0.7) is 10.000000000000002 in floating point.
    const instances = Math.max(1, Math.ceil(input.peak / (c.unitCapacity * input.targetUtilization) - 1e-9));
    const plannedCapacity = instances * c.unitCapacity;
    return {
      ...c,
      instances,
      plannedCapacity,
      utilizationAtPeak: input.peak / plannedCapacity,
      marginCalls: plannedCapacity - input.peak,
      marginRatio: (plannedCapacity - input.peak) / input.peak,
    };
  });
  const bottleneck = components.reduce((a, b) => (b.unitCapacity < a.unitCapacity ? b : a));
  return { by: input.by, peak: input.peak, targetUtilization: input.targetUtilization, components, bottleneck: bottleneck.name };
}

/** The name a capacity search result's stack gets when it names no deployment. */
export const WHOLE_STACK = 'stack (as tested)';

/**
 * Components from a capacity search result: with a `deployment`, the capacity divided by each
 * component's instance count; without, the tested stack as one unit.
 */
export function componentsFromCapacity(doc: CapacityDoc, origin: string): ComponentCapacity[] {
  if (doc.effectiveCapacity === null || doc.effectiveCapacity <= 0) {
    throw new VoiceloadError('CONFIG', `${origin}: the capacity search found no level that met every SLO, so there is nothing to plan from`, {
      hint: 'rerun the capacity search with a lower --start, or give --unit-capacity NAME=N',
    });
  }
  const capacity = doc.effectiveCapacity;
  const deployment = Object.entries(doc.deployment ?? {});
  if (deployment.length === 0) return [{ name: WHOLE_STACK, unitCapacity: capacity, source: 'capacity' }];
  return deployment.map(([name, instances]) => ({ name, unitCapacity: capacity / instances, source: 'capacity' }));
}

/** `agent-worker=10` → a component; CLI_USAGE naming the text otherwise. */
export function parseUnitCapacity(text: string): ComponentCapacity {
  const eq = text.indexOf('=');
  const name = eq < 0 ? '' : text.slice(0, eq).trim();
  const valueText = eq < 0 ? '' : text.slice(eq + 1).trim();
  const value = valueText === '' ? NaN : Number(valueText);
  if (name === '' || !(Number.isFinite(value) && value > 0)) {
    throw new VoiceloadError('CLI_USAGE', `--unit-capacity '${text}': expected NAME=N with N the calls one instance carries (a positive number)`, {
      hint: `e.g. --unit-capacity 'agent-worker=10' --unit-capacity 'sip-trunk=200'`,
    });
  }
  return { name, unitCapacity: value, source: 'unit-capacity' };
}

/** Components of the capacity result, then --unit-capacity ones; a --unit-capacity replaces a same-named one. */
export function mergeComponents(fromCapacity: readonly ComponentCapacity[], given: readonly ComponentCapacity[]): ComponentCapacity[] {
  const byName = new Map<string, ComponentCapacity>();
  for (const c of [...fromCapacity, ...given]) byName.set(c.name, c);
  return [...byName.values()];
}
