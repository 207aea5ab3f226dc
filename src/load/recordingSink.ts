import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeWav } from '../audio/writeWav.js';
import { VoiceloadError } from '../core/errors.js';
import type { RecordPolicy } from './recordPolicy.js';
import { SlowestTurns, type SlowTurn } from './slowestTurns.js';

/** Why a call's recording is kept. */
export interface RecordingEntry {
  callNumber: number;
  /** Relative to the output directory, e.g. recordings/call-000012.wav. */
  file: string;
  failed: boolean;
  reason?: string;
  /** Turns of this call among the slowest of the run (0-based turn index and its ttfa_ms). */
  slowTurns: { turn: number; ttfaMs: number }[];
}

/** What the sink needs of a finished call. */
export interface RecordedCall {
  callNumber: number;
  outcome: 'completed' | 'failed';
  reason?: string | null;
  /** ttfa_ms per turn, null where no reply started. */
  ttfaMs: readonly (number | null)[];
}

/**
 * Writes the agent audio of the calls `--record` keeps as 8 kHz WAV files under `<out>/recordings/`:
 * failed calls, and calls holding one of the N slowest turns so far. A call that drops out of the
 * slowest list (and did not fail) has its file deleted, so disk use stays bounded by N + failures.
 */
export class RecordingSink {
  private readonly slowest: SlowestTurns;
  private readonly entries = new Map<number, RecordingEntry>();
  private readonly dir: string;
  private ready: Promise<void> | undefined;

  constructor(
    private readonly outDir: string,
    private readonly policy: RecordPolicy,
  ) {
    this.slowest = new SlowestTurns(policy.slowest);
    this.dir = join(outDir, 'recordings');
  }

  /** Whether a call's audio is worth keeping at all (so calls not recorded cost nothing). */
  get enabled(): boolean {
    return this.policy.failed || this.policy.slowest > 0;
  }

  async callEnded(call: RecordedCall, audio: () => Int16Array): Promise<void> {
    const failed = this.policy.failed && call.outcome === 'failed';
    const slowTurns: { turn: number; ttfaMs: number }[] = [];
    const evicted: SlowTurn[] = [];
    call.ttfaMs.forEach((ttfaMs, turn) => {
      if (ttfaMs === null) return;
      const r = this.slowest.offer({ callNumber: call.callNumber, turn, ttfaMs });
      if (r.kept) slowTurns.push({ turn, ttfaMs });
      if (r.evicted !== undefined) evicted.push(r.evicted);
    });
    for (const e of evicted) {
      // A turn of this same call may have been kept and pushed out by a later turn of it.
      const i = slowTurns.findIndex((t) => e.callNumber === call.callNumber && t.turn === e.turn);
      if (i >= 0) slowTurns.splice(i, 1);
      else await this.dropSlowTurn(e);
    }
    if (!failed && slowTurns.length === 0) return;
    const file = join('recordings', `call-${String(call.callNumber).padStart(6, '0')}.wav`);
    this.entries.set(call.callNumber, {
      callNumber: call.callNumber,
      file,
      failed,
      ...(failed && call.reason != null ? { reason: call.reason } : {}),
      slowTurns,
    });
    await this.write(file, audio());
  }

  /** Kept recordings, by call number. */
  list(): RecordingEntry[] {
    return [...this.entries.values()].sort((a, b) => a.callNumber - b.callNumber);
  }

  private async dropSlowTurn(t: SlowTurn): Promise<void> {
    const entry = this.entries.get(t.callNumber);
    if (entry === undefined) return;
    entry.slowTurns = entry.slowTurns.filter((s) => s.turn !== t.turn);
    if (entry.failed || entry.slowTurns.length > 0) return;
    this.entries.delete(t.callNumber);
    await rm(join(this.outDir, entry.file), { force: true });
  }

  private async write(file: string, samples: Int16Array): Promise<void> {
    this.ready ??= mkdir(this.dir, { recursive: true }).then(() => undefined);
    const path = join(this.outDir, file);
    try {
      await this.ready;
      await writeFile(path, encodeWav(samples, 8000));
    } catch (cause) {
      throw new VoiceloadError('AUDIO_FILE', `cannot write the recording ${path}: ${(cause as Error).message}`, { cause, hint: 'check that --out is writable' });
    }
  }
}

/**
 * Shards each keep their own N slowest: the union holds the run's N slowest. Keeps those (and the
 * failed calls), deletes the other files, and returns the run's index of recordings.
 */
export async function mergeRecordings(outDir: string, perShard: readonly RecordingEntry[][], slowest: number): Promise<RecordingEntry[]> {
  const all = perShard.flat();
  const turns = all.flatMap((e) => e.slowTurns.map((t) => ({ callNumber: e.callNumber, ...t })));
  turns.sort((a, b) => b.ttfaMs - a.ttfaMs || a.callNumber - b.callNumber || a.turn - b.turn);
  const keep = new Set(turns.slice(0, slowest).map((t) => `${t.callNumber}/${t.turn}`));
  const out: RecordingEntry[] = [];
  for (const e of all) {
    const slowTurns = e.slowTurns.filter((t) => keep.has(`${e.callNumber}/${t.turn}`));
    if (e.failed || slowTurns.length > 0) out.push({ ...e, slowTurns });
    else await rm(join(outDir, e.file), { force: true });
  }
  return out.sort((a, b) => a.callNumber - b.callNumber);
}
