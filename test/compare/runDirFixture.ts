import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRng, normalSample } from '../../src/core/rng.js';
import type { CallRecord, TurnStageBreakdown } from '../../src/load/loadTypes.js';
import { CallsNdjsonWriter } from '../../src/results/callsNdjsonWriter.js';
import { MetricHistograms } from '../../src/results/metricHistograms.js';
import { RunCounters } from '../../src/results/runCounters.js';
import { buildRunSummary, type RunSummaryDoc } from '../../src/results/runSummaryDoc.js';
import type { Threshold } from '../../src/results/threshold.js';
import { Timeline } from '../../src/results/timeline.js';
import { RESULT_FILES, writeRunResults } from '../../src/results/writeRunResults.js';
import { callRecord } from '../results/callRecordFixture.js';

export interface SyntheticRun {
  seed: number;
  calls?: number;
  /** Multiplies every turn latency (ttfa_ms, agent_reply_ms): 1.3 = 30 % slower turns. */
  turnFactor?: number;
  /** Every n-th call fails (no_reply); 0 = none. */
  failEvery?: number;
  tags?: Record<string, string>;
  /**
   * `run --livekit` runs: every replied turn gets a stage breakdown and its ttfa_ms is the sum of
   * eou + LLM TTFT + TTS TTFB + transport remainder; `llmExtraMs` slows only the LLM stage.
   */
  stages?: { llmExtraMs?: number };
}

/** One turn's stages with noise; ttfa_ms is what they add up to. */
function turnWithStages(noisy: (mean: number, sd: number) => number, llmExtraMs: number): { ttfaMs: number; stage: TurnStageBreakdown } {
  const stage: TurnStageBreakdown = {
    eouDelayMs: noisy(300, 30),
    transcriptionDelayMs: noisy(250, 25),
    sttMs: noisy(120, 12),
    llmTtftMs: noisy(350 + llmExtraMs, 35),
    ttsTtfbMs: noisy(150, 15),
    transportRemainderMs: noisy(60, 6),
    bridgeDelayMs: noisy(20, 2),
  };
  const ttfaMs = Math.round((stage.eouDelayMs! + stage.llmTtftMs! + stage.ttsTtfbMs! + stage.transportRemainderMs!) * 100) / 100;
  return { ttfaMs, stage };
}

/** Synthetic call records: two turns per call (with `stages`, their breakdown), set-up and greeting latencies with noise. */
export function syntheticRecords(run: SyntheticRun): CallRecord[] {
  const rng = createRng(run.seed);
  const noisy = (mean: number, sd: number): number => Math.max(1, Math.round((mean + sd * normalSample(rng)) * 100) / 100);
  const factor = run.turnFactor ?? 1;
  const records: CallRecord[] = [];
  for (let i = 1; i <= (run.calls ?? 200); i++) {
    const failed = run.failEvery !== undefined && run.failEvery > 0 && i % run.failEvery === 0;
    const start = i * 100;
    const llmExtraMs = run.stages?.llmExtraMs ?? 0;
    const staged = run.stages === undefined ? null : [turnWithStages(noisy, llmExtraMs), failed ? null : turnWithStages(noisy, llmExtraMs)];
    records.push(
      callRecord({
        callNumber: i,
        callId: `call-${i}@test`,
        outcome: failed ? 'failed' : 'completed',
        reason: failed ? 'no_reply' : null,
        intendedStartAtMs: start,
        startedAtMs: start,
        startLagMs: 0,
        answeredAtMs: start + 300,
        endedAtMs: start + 8000,
        inviteToAnswerMs: noisy(300, 30),
        greetingTtfaMs: noisy(700, 60),
        ttfaMs: staged === null ? [noisy(800 * factor, 80 * factor), failed ? null : noisy(800 * factor, 80 * factor)] : staged.map((t) => t?.ttfaMs ?? null),
        ...(staged === null ? {} : { turnStages: staged.map((t) => t?.stage ?? null) }),
        agentReplyMs: [noisy(1500 * factor, 150 * factor)],
      }),
    );
  }
  return records;
}

/** What a written run directory's summary is judged on, and how long the run lasted (default 60 s). */
export interface RunDirOptions {
  thresholds?: Threshold[];
  durationMs?: number;
}

/** Writes a results directory as `voiceload run --out` does, with the real writers; returns its summary. */
export function writeRunDir(dir: string, run: SyntheticRun, options: RunDirOptions = {}): RunSummaryDoc {
  const durationMs = options.durationMs ?? 60_000;
  const histograms = new MetricHistograms();
  const counters = new RunCounters();
  const timeline = new Timeline();
  mkdirSync(dir, { recursive: true });
  const calls = new CallsNdjsonWriter(join(dir, RESULT_FILES.calls));
  const records = syntheticRecords(run);
  for (const r of records) {
    histograms.recordCall(r);
    counters.recordCall(r);
    timeline.addCall(r);
    calls.write(r);
  }
  calls.close();
  const summary = buildRunSummary({
    config: { scenario: 'synthetic.yaml' },
    tags: run.tags ?? {},
    version: '0.1.0',
    startedAt: '2025-03-01T10:00:00.000Z',
    endedAt: new Date(Date.parse('2025-03-01T10:00:00.000Z') + durationMs).toISOString(),
    histograms,
    counters,
    ...(options.thresholds === undefined ? {} : { thresholds: options.thresholds }),
  });
  writeRunResults(dir, { summary, histograms, timeline: { rows: timeline.rows(), csv: { startEpochMs: Date.parse(summary.startedAt) } }, interval: { startMs: 0, endMs: durationMs } });
  return summary;
}
