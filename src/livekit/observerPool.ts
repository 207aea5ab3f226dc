import type { Clock } from '../core/clock.js';
import type { RoomLocator } from './roomDirectory.js';
import type { RoomObservation } from './roomObservation.js';
import { RoomObservationRecorder } from './roomObservationRecorder.js';

/** A live observer connection to one room. */
export interface ObserverConnection {
  close(): Promise<void>;
}

/**
 * Joins `room` as a hidden, subscribe-only participant and feeds `recorder` until closed. Rejects
 * when LiveKit cannot be reached; should give up when `signal` aborts (the pool copes if it does not).
 */
export type ConnectObserver = (room: string, recorder: RoomObservationRecorder, signal: AbortSignal) => Promise<ObserverConnection>;

/** How one call's observation went. */
export type ObservationStatus =
  /** In the room until the call ended. */
  | 'observed'
  /** All maxConnections were in use when the call started. */
  | 'pool_full'
  /** No room had the call's `lktest.id` within findTimeoutMs. */
  | 'room_not_found'
  /** The call ended before the observer was in its room. */
  | 'ended_before_join'
  /** LiveKit could not be asked or joined (network, credentials). */
  | 'unreachable'
  | 'connect_timeout'
  /** The pool had given up on LiveKit after repeated failures. */
  | 'disabled'
  /** callEnded for a call the pool never saw start. */
  | 'not_started';

export interface CallObservation {
  testId: string;
  status: ObservationStatus;
  roomName: string | null;
  /** What was recorded (null when the observer never got a room). */
  observation: RoomObservation | null;
}

export type ObserverWarningKey = 'livekit_unreachable' | 'livekit_room_not_found' | 'livekit_connect_timeout';

export interface ObserverPoolOptions {
  locator: RoomLocator;
  connect: ConnectObserver;
  clock: Clock;
  /** voiceload's wall clock (epoch ms), the clock of RunClockBase. */
  epochNowMs: () => number;
  /** At most this many rooms observed at once (finding a room holds its slot too). */
  maxConnections: number;
  /** Give up finding a call's room after this long. Default 15000. */
  findTimeoutMs?: number;
  /** First wait between lookups, doubled each time up to findMaxDelayMs. Defaults 250 and 2000. */
  findInitialDelayMs?: number;
  findMaxDelayMs?: number;
  /** Default 10000. */
  connectTimeoutMs?: number;
  /** Closing a connection may take this long before the pool lets it go. Default 5000. */
  closeTimeoutMs?: number;
  /** After this many failures in a row (unreachable, connect timeout) no more calls are tried. Default 3. */
  maxConsecutiveFailures?: number;
  /** Speech detector settings for the agent's track at the room side. */
  minSpeechMs?: number;
  endSilenceMs?: number;
  /** Each key at most once per pool (per run). */
  onWarning?: (key: ObserverWarningKey, message: string) => void;
}

export interface ObserverPoolStats {
  activeSlots: number;
  peakSlots: number;
  /** Finished calls by status. */
  byStatus: Record<ObservationStatus, number>;
  disabled: boolean;
}

interface Entry {
  testId: string;
  abort: AbortController;
  status: ObservationStatus | null;
  roomName: string | null;
  recorder: RoomObservationRecorder | null;
  task: Promise<void>;
  /** Holds a slot (false for calls turned away). */
  slot: boolean;
}

type Settled<T> = { kind: 'ok'; value: T } | { kind: 'error'; error: unknown } | { kind: 'timeout' } | { kind: 'aborted' };

function emptyCounts(): Record<ObservationStatus, number> {
  return { observed: 0, pool_full: 0, room_not_found: 0, ended_before_join: 0, unreachable: 0, connect_timeout: 0, disabled: 0, not_started: 0 };
}

/**
 * One observer per call's room, at most maxConnections at once. A call that starts when the pool is
 * full is not observed (counted, like a dropped arrival) rather than queued behind calls that may
 * last minutes. Failures to reach LiveKit never fail the call: the observation says what happened,
 * and the first failure of each kind is reported once through onWarning.
 */
export class ObserverPool {
  private readonly o: ObserverPoolOptions & Required<Pick<ObserverPoolOptions, 'findTimeoutMs' | 'findInitialDelayMs' | 'findMaxDelayMs' | 'connectTimeoutMs' | 'closeTimeoutMs' | 'maxConsecutiveFailures'>>;
  private readonly entries = new Map<string, Entry>();
  private readonly warned = new Set<ObserverWarningKey>();
  private readonly counts = emptyCounts();
  private slots = 0;
  private peak = 0;
  private consecutiveFailures = 0;
  private disabled = false;

  constructor(options: ObserverPoolOptions) {
    if (!(options.maxConnections >= 1)) throw new RangeError(`maxConnections must be at least 1, got ${options.maxConnections}`);
    this.o = {
      findTimeoutMs: 15000,
      findInitialDelayMs: 250,
      findMaxDelayMs: 2000,
      connectTimeoutMs: 10000,
      closeTimeoutMs: 5000,
      maxConsecutiveFailures: 3,
      ...options,
    };
  }

  /** The call with this test id has started (its INVITE is out): find its room and join it. */
  callStarted(testId: string): void {
    if (this.entries.has(testId)) return;
    const entry: Entry = { testId, abort: new AbortController(), status: null, roomName: null, recorder: null, task: Promise.resolve(), slot: false };
    this.entries.set(testId, entry);
    if (this.disabled) {
      entry.status = 'disabled';
      return;
    }
    if (this.slots >= this.o.maxConnections) {
      entry.status = 'pool_full';
      return;
    }
    entry.slot = true;
    this.slots++;
    this.peak = Math.max(this.peak, this.slots);
    entry.task = this.observe(entry);
  }

  /** The call has ended: leave its room and hand back what was seen. Never rejects. */
  async callEnded(testId: string): Promise<CallObservation> {
    const entry = this.entries.get(testId);
    if (entry === undefined) {
      this.counts.not_started++;
      return { testId, status: 'not_started', roomName: null, observation: null };
    }
    entry.abort.abort();
    await entry.task;
    this.entries.delete(testId);
    const status = entry.status ?? 'ended_before_join';
    this.counts[status]++;
    return { testId, status, roomName: entry.roomName, observation: entry.recorder?.snapshot() ?? null };
  }

  /** Ends every call still observed (the run is over or stopped). */
  async close(): Promise<CallObservation[]> {
    return Promise.all([...this.entries.keys()].map((id) => this.callEnded(id)));
  }

  stats(): ObserverPoolStats {
    return { activeSlots: this.slots, peakSlots: this.peak, byStatus: { ...this.counts }, disabled: this.disabled };
  }

  private async observe(entry: Entry): Promise<void> {
    const signal = entry.abort.signal;
    try {
      const room = await this.find(entry);
      if (room === null) return;
      entry.roomName = room;
      const recorder = new RoomObservationRecorder({
        testId: entry.testId,
        roomName: room,
        ...(this.o.minSpeechMs === undefined ? {} : { minSpeechMs: this.o.minSpeechMs }),
        ...(this.o.endSilenceMs === undefined ? {} : { endSilenceMs: this.o.endSilenceMs }),
      });
      const joined = await this.race(this.o.connect(room, recorder, signal), this.o.connectTimeoutMs, signal, (late) => void this.closeQuietly(late));
      if (joined.kind === 'aborted') return;
      if (joined.kind === 'timeout') {
        entry.status = 'connect_timeout';
        entry.abort.abort(); // tells the adapter to give up
        this.failed('livekit_connect_timeout', `joining LiveKit room ${room} took over ${this.o.connectTimeoutMs} ms`);
        return;
      }
      if (joined.kind === 'error') {
        entry.status = 'unreachable';
        this.failed('livekit_unreachable', `could not join LiveKit room ${room}: ${describe(joined.error)}`);
        return;
      }
      this.consecutiveFailures = 0;
      entry.recorder = recorder;
      entry.status = 'observed';
      if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      recorder.left(this.o.epochNowMs());
      await this.closeQuietly(joined.value);
    } finally {
      this.o.locator.forget(entry.testId);
      this.slots--;
    }
  }

  /** Polls the locator with backoff until the room shows, the call ends, or findTimeoutMs passes. */
  private async find(entry: Entry): Promise<string | null> {
    const signal = entry.abort.signal;
    const startMs = this.o.clock.nowMs();
    let delayMs = this.o.findInitialDelayMs;
    for (;;) {
      const attempt = await this.race(this.o.locator.locate(entry.testId), this.o.connectTimeoutMs, signal, () => undefined);
      if (attempt.kind === 'aborted') return null;
      if (attempt.kind === 'error' || attempt.kind === 'timeout') {
        entry.status = 'unreachable';
        const why = attempt.kind === 'error' ? describe(attempt.error) : `no answer within ${this.o.connectTimeoutMs} ms`;
        this.failed('livekit_unreachable', `could not list LiveKit rooms: ${why}`);
        return null;
      }
      if (attempt.value !== null) {
        this.consecutiveFailures = 0;
        return attempt.value;
      }
      const leftMs = startMs + this.o.findTimeoutMs - this.o.clock.nowMs();
      if (leftMs <= 0) {
        entry.status = 'room_not_found';
        this.warnOnce(
          'livekit_room_not_found',
          `no LiveKit room had a participant with lktest.id=${entry.testId} within ${this.o.findTimeoutMs} ms; ` +
            'check that the dispatch rule\'s room prefix matches and that the trunk passes X-Lk-Test-Id (calls without a room get no stage breakdown)',
        );
        return null;
      }
      const waited = await this.race(new Promise<void>(() => undefined), Math.min(delayMs, leftMs), signal, () => undefined);
      if (waited.kind === 'aborted') return null;
      delayMs = Math.min(delayMs * 2, this.o.findMaxDelayMs);
    }
  }

  private failed(key: ObserverWarningKey, detail: string): void {
    this.consecutiveFailures++;
    if (this.consecutiveFailures >= this.o.maxConsecutiveFailures) this.disabled = true;
    this.warnOnce(key, `${detail}; the run goes on without the LiveKit per-turn stage breakdown for such calls`);
  }

  private warnOnce(key: ObserverWarningKey, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.o.onWarning?.(key, message);
  }

  private async closeQuietly(connection: ObserverConnection): Promise<void> {
    await this.race(
      connection.close().catch(() => undefined),
      this.o.closeTimeoutMs,
      new AbortController().signal,
      () => undefined,
    );
  }

  /** `p`, a timeout on the injected clock, or the abort, whichever first; `onLate` gets a value that came too late. */
  private race<T>(p: Promise<T>, timeoutMs: number, signal: AbortSignal, onLate: (value: T) => void): Promise<Settled<T>> {
    if (signal.aborted) {
      p.then(onLate, () => undefined);
      return Promise.resolve({ kind: 'aborted' });
    }
    return new Promise((resolve) => {
      let settled = false;
      const settle = (s: Settled<T>): void => {
        if (settled) return;
        settled = true;
        timer.cancel();
        signal.removeEventListener('abort', onAbort);
        resolve(s);
      };
      const onAbort = (): void => settle({ kind: 'aborted' });
      const timer = this.o.clock.setTimer(timeoutMs, () => settle({ kind: 'timeout' }));
      signal.addEventListener('abort', onAbort, { once: true });
      p.then(
        (value) => (settled ? onLate(value) : settle({ kind: 'ok', value })),
        (error: unknown) => settle({ kind: 'error', error }),
      );
    });
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
