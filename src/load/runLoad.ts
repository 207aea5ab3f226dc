import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock, TimerHandle } from '../core/clock.js';
import {
  buildRunSummary,
  CallsNdjsonWriter,
  evaluateThresholds,
  MetricHistograms,
  RESULT_FILES,
  RunCounters,
  Timeline,
  writeRunResults,
  type ProgressSnapshot,
  type RunSummaryDoc,
  type Threshold,
  type ThresholdResult,
  type TimelineRow,
} from '../results/index.js';
import type { CallObserver } from './callObserver.js';
import type { CallRecord, ShardEvent } from './loadTypes.js';
import { unmeasuredCallRecord } from './callRecord.js';
import { mergeRecordings, type RecordingEntry } from './recordingSink.js';
import { ShardHost, type ShardEnd } from './shardHost.js';
import type { ShardRunConfig } from './shardPlan.js';

export interface RunLoadOptions {
  /** The run, before it is split into shards (runStartEpochMs is set here). */
  run: Omit<ShardRunConfig, 'runStartEpochMs'>;
  /** Worker threads; default one per core. */
  shards?: number;
  inProcess?: boolean;
  clock: Clock;
  /** Timeline interval and progress period. Default 1000 ms. */
  intervalMs?: number;
  /** Where results go (summary.json, timeline.csv, calls.ndjson, histograms.json); none: in memory only. */
  outDir?: string;
  /** Planned length, for the progress line (--duration or the stages). */
  totalMs?: number;
  thresholds?: readonly Threshold[];
  /** Evaluate thresholds every interval and stop the run on the first failure. */
  abortOnFail?: boolean;
  /** Configuration and tags for summary.json (secrets are redacted there). */
  summaryConfig: unknown;
  tags?: Record<string, string>;
  version: string;
  /** Target rate for timeline.csv's TargetRate column. */
  targetRatePerSec?: number | ((atMs: number) => number);
  onProgress?: (snapshot: ProgressSnapshot) => void;
  onCallEnded?: (record: CallRecord) => void;
  /** Watches each call from the agent's side; its records are held until it has added what it saw. */
  callObserver?: CallObserver;
  /** A shard failed to start or died: said once per shard. */
  onShardError?: (ev: Extract<ShardEvent, { type: 'shard_error' }>) => void;
  /** A lint warning about the scenario: said once per run, however many shards see it. */
  onWarning?: (message: string) => void;
}

export interface LoadRunHandle {
  /** Stops new calls; active calls end with BYE (or CANCEL); results are then written. */
  stop(reason: 'interrupted' | 'thresholds'): void;
  /** The hard stop: workers end now (their active calls get no BYE); results are still written. */
  terminate(): Promise<void>;
  done: Promise<LoadRunOutcome>;
}

export interface LoadRunOutcome {
  summary: RunSummaryDoc;
  timeline: TimelineRow[];
  thresholds: ThresholdResult[];
  /** Why the run ended early, if it did. */
  stoppedBy: 'interrupted' | 'thresholds' | null;
  shardEnds: ShardEnd[];
  /** Files written (absolute paths). */
  files: string[];
  /** --record: the recordings kept (files under outDir/recordings). */
  recordings?: RecordingEntry[];
  /** The scenario's lint warnings seen during the run, each once. */
  warnings?: string[];
}

/**
 * The coordinator of a load run: spreads the plan over shards (worker threads), merges what they
 * report into HDR histograms, counters and the per-interval timeline, streams every call to
 * calls.ndjson as it ends, reports progress each interval, evaluates thresholds, and writes the
 * result files when the run ends, however it ends.
 */
export function startLoad(o: RunLoadOptions): LoadRunHandle {
  const intervalMs = o.intervalMs ?? 1000;
  // Provisional until every shard is ready: then the shards' common start is the run's time 0.
  let runStartEpochMs = performance.timeOrigin + o.clock.nowMs();
  let runStartClockMs = o.clock.nowMs();
  const histograms = new MetricHistograms();
  const counters = new RunCounters();
  const timeline = new Timeline({ intervalMs });
  let calls: CallsNdjsonWriter | undefined;
  if (o.outDir !== undefined) {
    mkdirSync(o.outDir, { recursive: true });
    calls = new CallsNdjsonWriter(join(o.outDir, RESULT_FILES.calls));
  }
  let active = 0;
  // Calls started and not yet ended: after a hard stop their workers are gone, yet they still count.
  const unended = new Map<number, Extract<ShardEvent, { type: 'call_started' }>>();
  const answeredAt = new Map<number, number>();
  const recordings: RecordingEntry[][] = [];
  let stoppedBy: LoadRunOutcome['stoppedBy'] = null;
  let progressTimer: TimerHandle | undefined;
  let lastReported = -1;
  const warnings = new Map<string, string>();
  // Records the call observer still holds (their calls have ended).
  const observing = new Set<Promise<void>>();
  const keep = (record: CallRecord): void => {
    histograms.recordCall(record);
    counters.recordCall(record);
    calls?.write(record);
    o.onCallEnded?.(record);
  };

  const onEvent = (ev: ShardEvent): void => {
    timeline.onEvent(ev);
    switch (ev.type) {
      case 'call_started':
        active++;
        unended.set(ev.callNumber, ev);
        return;
      case 'call_answered': {
        const started = unended.get(ev.callNumber);
        if (started !== undefined) answeredAt.set(ev.callNumber, ev.atMs);
        if (ev.testId !== undefined) o.callObserver?.callAnswered(ev.testId);
        return;
      }
      case 'call_ended':
        active--;
        unended.delete(ev.record.callNumber);
        answeredAt.delete(ev.record.callNumber);
        if (o.callObserver === undefined) keep(ev.record);
        else {
          const held = o.callObserver.callEnded(ev.record, runStartEpochMs).then(keep, () => keep(ev.record));
          observing.add(held);
          void held.finally(() => observing.delete(held));
        }
        return;
      case 'call_dropped':
        counters.recordDrop(ev.drop);
        return;
      case 'shard_error':
        o.onShardError?.(ev);
        return;
      case 'recordings':
        recordings.push(ev.entries);
        return;
      case 'warning':
        if (warnings.has(ev.key)) return;
        warnings.set(ev.key, ev.message);
        o.onWarning?.(ev.message);
        return;
      default:
        return;
    }
  };

  const host = new ShardHost({
    config: { ...o.run, runStartEpochMs },
    onStart: (startEpochMs) => {
      runStartEpochMs = startEpochMs;
      runStartClockMs = startEpochMs - performance.timeOrigin;
      progressTimer?.cancel();
      progressTimer = o.clock.setTimer(Math.max(0, runStartClockMs - o.clock.nowMs()) + intervalMs, tick);
    },
    ...(o.shards === undefined ? {} : { shards: o.shards }),
    ...(o.inProcess === undefined ? {} : { inProcess: o.inProcess }),
    onEvent,
  });

  const stop = (reason: 'interrupted' | 'thresholds'): void => {
    stoppedBy ??= reason;
    host.stop();
  };

  const tick = (): void => {
    const nowRunMs = o.clock.nowMs() - runStartClockMs;
    const closed = timeline.closeUpTo(nowRunMs);
    const last = closed[closed.length - 1];
    if (last !== undefined && last.index !== lastReported) {
      lastReported = last.index;
      const c = counters.snapshot();
      o.onProgress?.({
        elapsedMs: nowRunMs,
        ...(o.totalMs === undefined ? {} : { totalMs: o.totalMs }),
        activeCalls: active,
        callsPerSec: (last.started * 1000) / intervalMs,
        answered: c.callsAnswered,
        failed: c.callsFailed,
        failedByReason: c.failedByReason,
        dropped: c.callsDropped,
        ttfaP50Ms: last.ttfaMs.p50,
        ttfaP95Ms: last.ttfaMs.p95,
      });
    }
    if (o.abortOnFail === true && stoppedBy === null && (o.thresholds?.length ?? 0) > 0) {
      const results = evaluateThresholds(o.thresholds ?? [], { histograms, counts: counters.snapshot() });
      // A metric without samples yet is not a failure mid-run: only measured values stop the run.
      if (results.some((r) => !r.passed && r.actual !== null)) stop('thresholds');
    }
    progressTimer = o.clock.setTimer(intervalMs - (nowRunMs % intervalMs) + 1, tick);
  };

  const done = host.run().then(
    async (shardEnds) => {
      endUnended();
      if (o.callObserver !== undefined) {
        await Promise.all(observing);
        await o.callObserver.close();
      }
      const outcome = finish(shardEnds);
      if (o.outDir !== undefined && o.run.record !== undefined) {
        // Each shard kept its own slowest N: together they hold the run's; keep those only.
        outcome.recordings = await mergeRecordings(o.outDir, recordings, o.run.record.slowest);
        const index = join(o.outDir, 'recordings.json');
        writeFileSync(index, JSON.stringify({ policy: o.run.record, recordings: outcome.recordings }, null, 2) + '\n');
        outcome.files.push(index);
      }
      return outcome;
    },
    async (e: unknown) => {
      progressTimer?.cancel();
      await o.callObserver?.close().catch(() => undefined);
      calls?.close();
      throw e;
    },
  );

  /** Calls whose workers stopped before they could report (a hard stop) still end, as `aborted`. */
  const endUnended = (): void => {
    progressTimer?.cancel();
    const stoppedAtMs = o.clock.nowMs() - runStartClockMs;
    for (const started of [...unended.values()]) onEvent({ type: 'call_ended', record: abortedRecord(started, answeredAt.get(started.callNumber) ?? null, stoppedAtMs) });
  };

  const finish = (shardEnds: ShardEnd[]): LoadRunOutcome => {
    progressTimer?.cancel();
    calls?.close();
    const endedRunMs = o.clock.nowMs() - runStartClockMs;
    const summary = buildRunSummary({
      config: o.summaryConfig,
      ...(o.tags === undefined ? {} : { tags: o.tags }),
      version: o.version,
      startedAt: new Date(runStartEpochMs).toISOString(),
      endedAt: new Date(runStartEpochMs + endedRunMs).toISOString(),
      histograms,
      counters,
      ...(o.thresholds === undefined ? {} : { thresholds: o.thresholds }),
    });
    const rows = timeline.rows();
    const files: string[] = [];
    if (o.outDir !== undefined) {
      files.push(
        ...writeRunResults(o.outDir, {
          summary,
          timeline: { rows, csv: { startEpochMs: runStartEpochMs, endMs: endedRunMs, ...(o.targetRatePerSec === undefined ? {} : { targetRatePerSec: o.targetRatePerSec }) } },
          histograms,
          interval: { startMs: 0, endMs: endedRunMs },
        }),
      );
      if (calls !== undefined) files.push(calls.path);
    }
    return {
      summary,
      timeline: rows,
      thresholds: summary.thresholds.results,
      stoppedBy,
      shardEnds,
      files,
      ...(warnings.size === 0 ? {} : { warnings: [...warnings.values()] }),
    };
  };

  return {
    stop,
    terminate: async () => {
      stoppedBy ??= 'interrupted';
      await host.terminate();
    },
    done,
  };
}

/**
 * A call whose worker was stopped before the call could end or report (the second Ctrl-C): it is
 * still a call of the run, failed as `aborted`, with what the coordinator saw of it. No BYE went out.
 */
function abortedRecord(started: Extract<ShardEvent, { type: 'call_started' }>, answeredAtMs: number | null, endedAtMs: number): CallRecord {
  return unmeasuredCallRecord({
    callNumber: started.callNumber,
    shard: started.shard,
    callId: started.callId ?? '',
    testId: null,
    reason: 'aborted',
    reasonText: 'the run was stopped at once (second Ctrl-C) before this call ended; it got no BYE',
    intendedStartAtMs: started.intendedStartAtMs,
    startedAtMs: started.startedAtMs,
    answeredAtMs,
    endedAtMs,
    detail: null,
  });
}
