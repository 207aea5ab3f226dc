import type { CapacityDoc } from './capacityFile.js';
import type { CapacityPlan } from './planCapacity.js';

const pct = (ratio: number): string => `${Math.round(ratio * 100)} %`;
const num = (n: number): string => String(Math.round(n * 100) / 100);

/** The plan as a text table, with the capacity search it came from when there was one. */
export function formatPlan(plan: CapacityPlan, capacity?: CapacityDoc): string {
  const unit = plan.by === 'rate' ? 'calls/s' : 'concurrent calls';
  const lines: string[] = [];
  if (capacity !== undefined) {
    const broke = capacity.breakingLevel === null ? 'nothing broke up to the max level' : `broke at ${num(capacity.breakingLevel)}${capacity.firstBrokenSlo === null ? '' : ` on ${capacity.firstBrokenSlo.source}`}`;
    lines.push(`capacity search: ${num(capacity.effectiveCapacity ?? 0)} ${unit} met every SLO (${broke})`);
    if (capacity.hint !== null) lines.push(`bottleneck hint: ${capacity.hint.component}: ${capacity.hint.evidence}`);
  }
  lines.push(`peak ${num(plan.peak)} ${unit} at ${pct(plan.targetUtilization)} target utilisation (${pct(1 - plan.targetUtilization)} headroom)`);
  const header = ['component', `${unit === 'calls/s' ? 'calls/s' : 'calls'} per instance`, 'instances', 'capacity', 'utilisation at peak', 'margin'];
  const rows = plan.components.map((c) => [
    c.name + (c.name === plan.bottleneck ? ' *' : ''),
    num(c.unitCapacity),
    String(c.instances),
    num(c.plannedCapacity),
    pct(c.utilizationAtPeak),
    `+${num(c.marginCalls)} (+${pct(c.marginRatio)})`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  lines.push(line(header), ...rows.map(line));
  const b = plan.components.find((c) => c.name === plan.bottleneck)!;
  lines.push(`* bottleneck: ${b.name} (${num(b.unitCapacity)} ${unit} per instance, ${b.instances} instances at peak)`);
  return lines.join('\n') + '\n';
}
