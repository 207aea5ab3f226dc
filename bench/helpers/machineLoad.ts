/**
 * How busy the whole machine was over a bench's window, from /proc/stat: CPU-seconds per second
 * used by every process (user + nice + system + irq + softirq + steal), so a bench can say how much
 * of the two cores other people's jobs took while it measured. Linux only; NaN elsewhere.
 */
import { readFileSync } from 'node:fs';

export interface MachineCpuMark {
  busyTicks: number;
  atMs: number;
}

/** USER_HZ: /proc/stat counts in 1/100 s on Linux. */
const TICKS_PER_S = 100;

export function markMachineCpu(): MachineCpuMark {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal
    const busy = (v[0] ?? 0) + (v[1] ?? 0) + (v[2] ?? 0) + (v[5] ?? 0) + (v[6] ?? 0) + (v[7] ?? 0);
    return { busyTicks: busy, atMs: performance.now() };
  } catch {
    return { busyTicks: NaN, atMs: performance.now() };
  }
}

/** CPU-seconds per second used by the whole machine between two marks. */
export function machineCpuPerS(from: MachineCpuMark, to: MachineCpuMark): number {
  return (to.busyTicks - from.busyTicks) / TICKS_PER_S / ((to.atMs - from.atMs) / 1000);
}
