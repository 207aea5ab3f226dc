import type { Clock, TimerHandle } from '../core/clock.js';
import { VoiceloadError } from '../core/errors.js';
import { createArrivalProcess, type ArrivalProcess } from './arrivalProcess.js';
import type { DropRecord, LoadPlan } from './loadTypes.js';
import { stagesDurationMs } from './targetAt.js';
import { nextUsersRise, usersAt } from './userLevel.js';

/** What a started call is told: its global number, when the schedule meant it to start, and when to end early. */
export interface LaunchContext {
  callNumber: number;
  /** Run time (ms since the run started) the schedule meant the call to start: latencies count from here. */
  intendedStartAtMs: number;
  /** Aborts on stop(): the call ends at once with BYE (or CANCEL before an answer). */
  signal: AbortSignal;
}

/** Starts one call; the promise resolves when that call has ended (it should never reject: a failed call is a result). */
export type LaunchCall = (ctx: LaunchContext) => Promise<void>;

export interface LoadControllerOptions {
  clock: Clock;
  plan: LoadPlan;
  /** This shard's index (0-based) and the number of shards: call numbers are global across shards. */
  shard: number;
  shards: number;
  launch: LaunchCall;
  onDrop?: (d: DropRecord) => void;
  /** Clock ms → ms since the run started (all records use run time). */
  toRunMs: (clockMs: number) => number;
}

export interface LoadRunSummary {
  started: number;
  dropped: number;
}

/**
 * Runs one shard's load plan on a Clock. Open model: calls start at the arrival process's times; an
 * arrival that finds the concurrency cap full is dropped (counted, reported, never queued: k6's dropped
 * iterations), and a late timer starts every due arrival with its own scheduled time (coordinated
 * omission). Closed model: the user count (a ramp through the stages) is kept up; an ended call is replaced
 * at once while below it, a rise starts the difference, a fall lets calls finish. Both stop starting calls
 * at maxCalls, at durationMs, at the end of the stages, or on stop(). Plan times are ms since run() was
 * called; only one timer is pending at any moment, whatever the rate.
 */
export class LoadController {
  private readonly o: LoadControllerOptions;
  private readonly calls = new Set<AbortController>();
  private readonly maxCalls: number;
  /** Plan time at which starts end (duration or stages), Infinity if neither. */
  private readonly endMs: number;
  private readonly arrivals: ArrivalProcess | undefined;
  private startedCount = 0;
  private droppedCount = 0;
  private originMs = 0;
  private timer: TimerHandle | undefined;
  /** No call will start any more. */
  private closed = false;
  private failure: { error: unknown } | undefined;
  private result: Promise<LoadRunSummary> | undefined;
  private settle: { resolve: (r: LoadRunSummary) => void; reject: (e: unknown) => void } | undefined;
  /** Open model: plan time of the next arrival not yet handled. */
  private nextArrivalMs: number | undefined;
  /** Closed model: the last ramp rise already handled. */
  private lastRiseMs = 0;

  constructor(o: LoadControllerOptions) {
    checkPlan(o);
    this.o = o;
    this.maxCalls = o.plan.maxCalls ?? Infinity;
    const stages = o.plan.model.stages;
    this.endMs = Math.min(o.plan.durationMs ?? Infinity, stages === undefined ? Infinity : stagesDurationMs(stages));
    this.arrivals = o.plan.model.kind === 'open' ? createArrivalProcess(o.plan.model, o.plan.seed) : undefined;
  }

  get active(): number {
    return this.calls.size;
  }

  get started(): number {
    return this.startedCount;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  /**
   * Resolves when no more calls will start and every launched call has ended; calling it again
   * returns the same promise. `originMs` (clock ms, not later than now) is the schedule's time 0.
   */
  run(originMs?: number): Promise<LoadRunSummary> {
    if (this.result !== undefined) return this.result;
    this.result = new Promise<LoadRunSummary>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    // The schedule's time 0: the run's common start when shards share one (a moment just past), else now.
    this.originMs = Math.min(originMs ?? Infinity, this.o.clock.nowMs());
    if (!this.closed) {
      if (this.startedCount >= this.maxCalls || this.endMs <= 0) this.closeStarts();
      else if (this.arrivals !== undefined) {
        this.nextArrivalMs = this.arrivals.nextArrivalAtMs(undefined);
        this.openTick();
      } else {
        const { stages, users } = this.closedModel();
        this.fill(usersAt(stages, users, 0), 0);
        this.closedTick();
      }
    }
    this.maybeFinish();
    return this.result;
  }

  /** No new calls; every active call's signal aborts (they end with BYE or CANCEL); run() resolves once they have. */
  stop(): void {
    this.closeStarts();
    for (const call of [...this.calls]) call.abort();
  }

  private planNowMs(): number {
    return this.o.clock.nowMs() - this.originMs;
  }

  /** Open model: handles every arrival that is due (several when the timer fired late), then waits for the next. */
  private openTick(): void {
    const now = this.planNowMs();
    while (!this.closed && this.nextArrivalMs !== undefined && this.nextArrivalMs <= now) {
      const at = this.nextArrivalMs;
      if (at >= this.endMs) break;
      if (this.calls.size >= this.o.plan.concurrencyCap) this.drop(at);
      else this.start(at);
      this.nextArrivalMs = this.arrivals?.nextArrivalAtMs(at);
    }
    if (this.closed) return;
    if (this.nextArrivalMs === undefined || this.nextArrivalMs >= this.endMs) this.closeStarts();
    else this.armTimer(this.nextArrivalMs, () => this.openTick());
  }

  /** Closed model: brings the calls up to the user count, rise by rise, each with the moment it rose. */
  private closedTick(): void {
    const now = this.planNowMs();
    const { stages, users } = this.closedModel();
    // Rises that came due before the end still start, even when this timer fired after it.
    let rise = nextUsersRise(stages, users, this.lastRiseMs);
    while (!this.closed && rise !== undefined && rise.atMs <= now && rise.atMs < this.endMs) {
      this.fill(rise.users, rise.atMs);
      this.lastRiseMs = rise.atMs;
      rise = nextUsersRise(stages, users, rise.atMs);
    }
    if (this.closed) return;
    if (now >= this.endMs) {
      this.closeStarts();
      return;
    }
    if (rise === undefined && usersAt(stages, users, now) === 0) {
      // Nobody is wanted now and the count never rises again (a shard given 0 users, a ramp down to 0).
      this.closeStarts();
      return;
    }
    const wakeMs = Math.min(rise?.atMs ?? Infinity, this.endMs);
    if (wakeMs === Infinity) this.cancelTimer();
    else this.armTimer(wakeMs, () => this.closedTick());
  }

  private closedModel(): { stages: LoadPlan['model']['stages']; users: number } {
    const m = this.o.plan.model;
    return m.kind === 'closed' ? { stages: m.stages, users: m.users } : { stages: undefined, users: 0 };
  }

  /** Closed model: starts calls until `users` (within the cap) are up. */
  private fill(users: number, intendedPlanMs: number): void {
    const want = Math.min(users, this.o.plan.concurrencyCap);
    while (!this.closed && this.calls.size < want) this.start(intendedPlanMs);
  }

  /**
   * Closed model: replaces an ended call at once (synchronously, in the promise's continuation). A real
   * call ends on a socket or timer event, so this never loops without the event loop turning.
   */
  private onCallEnded(): void {
    if (this.closed || this.arrivals !== undefined) return;
    const now = this.planNowMs();
    if (now >= this.endMs) {
      this.closeStarts();
      return;
    }
    // The slot became free now: that is the replacement's intended start.
    const { stages, users } = this.closedModel();
    this.fill(usersAt(stages, users, now), now);
  }

  private start(intendedPlanMs: number): void {
    const callNumber = this.o.shard + 1 + this.startedCount * this.o.shards;
    this.startedCount++;
    const call = new AbortController();
    this.calls.add(call);
    const ctx: LaunchContext = {
      callNumber,
      intendedStartAtMs: this.o.toRunMs(this.originMs + intendedPlanMs),
      signal: call.signal,
    };
    let ended: Promise<void>;
    try {
      ended = this.o.launch(ctx);
    } catch (e) {
      ended = Promise.reject(e);
    }
    ended.then(
      () => this.callEnded(call),
      (e: unknown) => {
        // A launcher must turn a failed call into a result; a rejection is a bug: end the shard with it.
        this.failure ??= { error: e };
        this.stop();
        this.callEnded(call);
      },
    );
    if (this.startedCount >= this.maxCalls) this.closeStarts();
  }

  private callEnded(call: AbortController): void {
    if (!this.calls.delete(call)) return;
    this.onCallEnded();
    this.maybeFinish();
  }

  private drop(intendedPlanMs: number): void {
    this.droppedCount++;
    this.o.onDrop?.({ shard: this.o.shard, intendedStartAtMs: this.o.toRunMs(this.originMs + intendedPlanMs) });
  }

  private closeStarts(): void {
    this.closed = true;
    this.cancelTimer();
    this.maybeFinish();
  }

  private maybeFinish(): void {
    if (!this.closed || this.calls.size > 0 || this.settle === undefined) return;
    const { resolve, reject } = this.settle;
    this.settle = undefined;
    if (this.failure !== undefined) reject(this.failure.error);
    else resolve({ started: this.startedCount, dropped: this.droppedCount });
  }

  private armTimer(atPlanMs: number, fn: () => void): void {
    this.cancelTimer();
    this.timer = this.o.clock.setTimer(atPlanMs - this.planNowMs(), () => {
      this.timer = undefined;
      fn();
    });
  }

  private cancelTimer(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }
}

function checkPlan(o: LoadControllerOptions): void {
  const { plan, shard, shards } = o;
  const problems: string[] = [];
  const model = plan.model;
  if (!(plan.concurrencyCap >= 0)) problems.push(`concurrency cap ${plan.concurrencyCap} is not ≥ 0`);
  if (plan.maxCalls !== undefined && !(plan.maxCalls >= 0)) problems.push(`max calls ${plan.maxCalls} is not ≥ 0`);
  if (plan.durationMs !== undefined && !(plan.durationMs >= 0)) problems.push(`duration ${plan.durationMs} ms is not ≥ 0`);
  if (model.kind === 'open' && !(model.ratePerSec >= 0 && Number.isFinite(model.ratePerSec))) problems.push(`rate ${model.ratePerSec}/s is not a finite number ≥ 0`);
  if (model.kind === 'closed' && !(model.users >= 0 && Number.isFinite(model.users))) problems.push(`users ${model.users} is not a finite number ≥ 0`);
  for (const s of model.stages ?? []) {
    if (!(s.durationMs >= 0 && Number.isFinite(s.durationMs) && s.target >= 0 && Number.isFinite(s.target))) problems.push(`stage ${s.durationMs} ms:${s.target} is not a duration ≥ 0 and a finite target ≥ 0`);
  }
  if (!(Number.isInteger(shards) && shards >= 1 && Number.isInteger(shard) && shard >= 0 && shard < shards)) problems.push(`shard ${shard} of ${shards} is not an index in 0..shards-1`);
  if (problems.length > 0) throw new VoiceloadError('CONFIG', `load plan: ${problems.join('; ')}`, { hint: 'rates, users, caps, calls and durations must be numbers ≥ 0' });
}
