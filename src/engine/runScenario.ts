import type { Clock } from '../core/clock.js';
import { silentLogger, type Logger } from '../core/log.js';
import { createRng } from '../core/rng.js';
import { generateCallId } from '../sip/identifiers.js';
import type { CallSetup } from './callConfig.js';
import type { CallEventListener } from './callEvents.js';
import type { CallResult } from './callResult.js';
import { planScenarioCall } from './planScenarioCall.js';
import type { PreparedScenario } from './prepareScenario.js';
import { runPlannedCall } from './runCall.js';

export interface RunScenarioOptions {
  clock: Clock;
  logger?: Logger;
  /** Everything the command line decides for each call (target, local address, timers, password). */
  base: CallSetup;
  /** Stop after this many calls (SIPp -m). */
  calls: number;
  /** At most this many calls at once (SIPp -l). */
  concurrency: number;
  /** New calls per second; undefined starts the next call as soon as a slot is free. */
  ratePerSec?: number;
  /** Seeds every call's random stream (one_of, think time, random rows): equal seeds, equal choices. */
  seed: number;
  runId: string;
  /** Aborting stops new calls and ends the active ones (BYE or CANCEL); the result holds them all. */
  signal?: AbortSignal;
  userAgent?: string;
  onCallStarted?: (callNumber: number, callId: string) => void;
  onCallEvent?: (callNumber: number, ...event: Parameters<CallEventListener>) => void;
  onCallEnded?: (record: ScenarioCallRecord) => void;
}

/** One call of a run: its number, the CSV row it used, and what it measured. */
export interface ScenarioCallRecord {
  callNumber: number;
  dataRow?: number;
  result: CallResult;
}

export interface ScenarioRunResult {
  runId: string;
  /** In call-number order; calls that never started (run aborted) are absent. */
  calls: ScenarioCallRecord[];
  aborted: boolean;
}

/**
 * Runs a prepared scenario for `calls` calls, at most `concurrency` at once, optionally paced at
 * `ratePerSec`. This is the simple driver of `voiceload run`; each call uses its own SIP socket and
 * RTP ports. Every started call ends in a record, aborted ones included.
 */
export async function runScenario(prepared: PreparedScenario, o: RunScenarioOptions): Promise<ScenarioRunResult> {
  const logger = o.logger ?? silentLogger;
  const records: ScenarioCallRecord[] = [];
  const active = new Set<Promise<void>>();
  let started = 0;
  const aborted = (): boolean => o.signal?.aborted === true;
  const intervalMs = o.ratePerSec === undefined ? 0 : 1000 / o.ratePerSec;
  const firstAtMs = o.clock.nowMs();

  const startCall = (callNumber: number): Promise<void> => {
    const rng = createRng((o.seed ^ Math.imul(callNumber, 0x9e3779b1)) >>> 0);
    const callId = generateCallId(o.base.localHost);
    const planned = planScenarioCall(prepared, o.base, { runId: o.runId, callNumber, rng, callId });
    o.onCallStarted?.(callNumber, callId);
    return runPlannedCall(planned.setup, planned.steps, {
      clock: o.clock,
      logger,
      ...(o.signal === undefined ? {} : { signal: o.signal }),
      ...(o.userAgent === undefined ? {} : { userAgent: o.userAgent }),
      ...(o.onCallEvent === undefined ? {} : { onEvent: (ev) => o.onCallEvent?.(callNumber, ev) }),
    }).then((result) => {
      const record: ScenarioCallRecord = { callNumber, ...(planned.dataRow === undefined ? {} : { dataRow: planned.dataRow }), result };
      records.push(record);
      o.onCallEnded?.(record);
    });
  };

  const abortedP = abortPromise(o.signal);
  while (started < o.calls && !aborted()) {
    if (active.size >= o.concurrency) {
      await Promise.race([...active, abortedP]);
      continue;
    }
    if (intervalMs > 0) {
      const dueAtMs = firstAtMs + started * intervalMs;
      const waitMs = dueAtMs - o.clock.nowMs();
      if (waitMs > 0) {
        await sleep(o.clock, waitMs, o.signal);
        continue;
      }
    }
    started++;
    const p = startCall(started).finally(() => active.delete(p));
    active.add(p);
  }
  await Promise.all(active);
  records.sort((a, b) => a.callNumber - b.callNumber);
  return { runId: o.runId, calls: records, aborted: aborted() };
}

function sleep(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = clock.setTimer(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    const onAbort = (): void => {
      timer.cancel();
      resolve();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortPromise(signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return new Promise(() => undefined);
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
