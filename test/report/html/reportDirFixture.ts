import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCapacityDoc, formatCapacityFile } from '../../../src/capacity/capacityFile.js';
import { parseThreshold } from '../../../src/results/parseThreshold.js';
import type { ScrapeRow } from '../../../src/scrape/scrapeCsv.js';
import { writeScrapeCsv } from '../../../src/scrape/writeScrapeCsv.js';
import { writeRunDir } from '../../compare/runDirFixture.js';

export const HOSTILE_TAG = '</script><script>alert(1)</script>';

/**
 * A results directory as `voiceload run --out` writes it (real writers): 40 calls, every 10th failed,
 * two thresholds (one fails), a hostile tag value, recordings.json, with `capacity` a capacity.json,
 * with `scrape` a scrape.csv (see writeScrapeFixture), and with `stages` each turn's stage breakdown
 * (`run --livekit`) in calls.ndjson and the stage metrics in summary.json.
 */
export function writeReportDir(dir: string, options: { capacity?: boolean; scrape?: boolean; stages?: boolean } = {}): void {
  const summary = writeRunDir(
    dir,
    { seed: 7, calls: 40, failEvery: 10, tags: { build: 'abc123', note: HOSTILE_TAG }, ...(options.stages === true ? { stages: {} } : {}) },
    { thresholds: [parseThreshold('ttfa_ms: p(95)<5000'), parseThreshold('ttfa_ms: p(50)<10')], durationMs: 12_000 },
  );
  writeFileSync(
    join(dir, 'recordings.json'),
    JSON.stringify({
      policy: { failed: true, slowest: 1 },
      recordings: [
        { callNumber: 10, file: 'recordings/call-000010.wav', failed: true, reason: 'no_reply', slowTurns: [] },
        { callNumber: 3, file: 'recordings/call-000003.wav', failed: false, slowTurns: [{ turn: 1, ttfaMs: 990.5 }] },
        { callNumber: 4, file: 'javascript:alert(1)', failed: true, slowTurns: [] },
      ],
    }),
  );
  if (options.scrape === true) writeScrapeFixture(dir);
  if (options.capacity === true) {
    const doc = buildCapacityDoc(
      {
        by: 'concurrency',
        effectiveCapacity: 20,
        breakingLevel: 30,
        firstBrokenSlo: { source: 'ttfa_ms: p(95)<1200', limit: 1200, actual: 1500 },
        stopReason: 'resolved',
        levels: [
          { level: 10, phase: 'ramp', passed: true, collapsed: false, failureRate: 0, brokenSlos: [] },
          { level: 20, phase: 'ramp', passed: true, collapsed: false, failureRate: 0.002, brokenSlos: [] },
          { level: 30, phase: 'ramp', passed: false, collapsed: false, failureRate: 0.05, brokenSlos: ['ttfa_ms: p(95)<1200'] },
        ],
        hint: null,
      },
      { version: '0.1.0', settings: { by: 'concurrency', start: 10, ramp: { kind: 'step', step: 10 }, max: 100, resolution: 5 }, slos: ['ttfa_ms: p(95)<1200'] },
    );
    writeFileSync(join(dir, 'capacity.json'), formatCapacityFile(doc));
    const step = join(dir, 'steps', 'level-20');
    mkdirSync(step, { recursive: true });
    writeFileSync(join(step, 'step-summary.json'), JSON.stringify(summary));
  }
}

/**
 * scrape.csv of a simulated agent over the 12 s run (real writer), every 500 ms: the LLM queue builds
 * up, the stages are busy, a flat slot count, a counter and a histogram's sum/count (11 series in all),
 * and a hostile label value.
 */
export function writeScrapeFixture(dir: string): void {
  const target = 'http://127.0.0.1:9464/metrics';
  const rows: ScrapeRow[] = [];
  for (let ms = 0; ms <= 12_000; ms += 500) {
    const t = ms / 1000;
    const add = (type: ScrapeRow['type'], series: string, value: number): void => void rows.push({ elapsedMs: ms, target, type, series, value });
    add('gauge', 'voiceload_agent_stage_queue_depth{stage="llm"}', Math.max(0, t - 6));
    add('gauge', 'voiceload_agent_stage_queue_depth{stage="stt"}', 0);
    add('gauge', 'voiceload_agent_worker_queue', 0);
    add('gauge', 'voiceload_agent_stage_active{stage="llm"}', Math.min(4, Math.round(t)));
    add('gauge', 'voiceload_agent_stage_active{stage="stt"}', t % 2);
    add('gauge', 'voiceload_agent_stage_active{stage="tts"}', (t + 1) % 2);
    add('gauge', 'voiceload_agent_active_calls', Math.min(8, Math.round(t * 2)));
    add('gauge', 'voiceload_agent_worker_slots', 9);
    add('gauge', `odd{note="${HOSTILE_TAG.replace(/"/g, '\\"')}"}`, t);
    add('counter', 'voiceload_agent_calls_total{outcome="completed"}', Math.floor(t * 3));
    add('histogram', 'voiceload_agent_stage_queue_wait_seconds_sum{stage="llm"}', t * 0.4);
  }
  writeScrapeCsv(dir, rows);
}
