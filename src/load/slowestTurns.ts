/** One turn a run may keep the recording of. */
export interface SlowTurn {
  callNumber: number;
  turn: number;
  ttfaMs: number;
}

/**
 * The N slowest turns seen so far (largest ttfa_ms). `offer` says whether a turn made the list and
 * which one it pushed out, so a recording on disk can be written or deleted as the list changes.
 * Ties keep the earlier turn.
 */
export class SlowestTurns {
  /** Ascending by ttfaMs: the first is the one to evict. */
  private readonly kept: SlowTurn[] = [];

  constructor(private readonly capacity: number) {}

  offer(t: SlowTurn): { kept: boolean; evicted?: SlowTurn } {
    if (this.capacity <= 0) return { kept: false };
    if (this.kept.length >= this.capacity && t.ttfaMs <= this.kept[0]!.ttfaMs) return { kept: false };
    let i = this.kept.findIndex((k) => k.ttfaMs >= t.ttfaMs);
    if (i < 0) i = this.kept.length;
    this.kept.splice(i, 0, t);
    if (this.kept.length > this.capacity) {
      const evicted = this.kept.shift()!;
      return { kept: true, evicted };
    }
    return { kept: true };
  }

  /** Slowest first. */
  list(): SlowTurn[] {
    return [...this.kept].reverse();
  }
}
