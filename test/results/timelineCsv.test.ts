import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTimelineCsv, parseTimelineCsv, reasonColumn, sippTime, elapsed, SIPP_COLUMNS, VOICELOAD_COLUMNS } from '../../src/results/timelineCsv.js';
import { Timeline } from '../../src/results/timeline.js';
import { callRecord } from './callRecordFixture.js';

function timeline(): Timeline {
  const tl = new Timeline({ intervalMs: 1000 });
  tl.addCall(callRecord({ callNumber: 1, startedAtMs: 100, answeredAtMs: 400, endedAtMs: 2500, ttfaMs: [700], detail: null }));
  tl.addCall(callRecord({ callNumber: 2, startedAtMs: 900, answeredAtMs: null, endedAtMs: 1200, outcome: 'failed', reason: 'sip_503', inviteToAnswerMs: null, greetingTtfaMs: null, ttfaMs: [] }));
  tl.addCall(callRecord({ callNumber: 3, startedAtMs: 1100, answeredAtMs: 1500, endedAtMs: 2600, outcome: 'failed', reason: 'no_reply', ttfaMs: [null], detail: null }));
  tl.addDrop({ shard: 0, intendedStartAtMs: 1300 });
  return tl;
}

test('SIPp trace_stat columns first, then voiceload columns and one column per failure reason', () => {
  const rows = timeline().rows();
  const csv = formatTimelineCsv(rows, { startEpochMs: Date.UTC(2025, 0, 2, 3, 4, 5, 6), targetRatePerSec: 2 });
  const { header, rows: parsed } = parseTimelineCsv(csv);
  assert.deepEqual(header, [...SIPP_COLUMNS, ...VOICELOAD_COLUMNS, reasonColumn('no_reply'), reasonColumn('sip_503')]);
  assert.equal(parsed.length, rows.length);
  let started = 0;
  let failed = 0;
  rows.forEach((row, i) => {
    const cells = parsed[i]!;
    started += row.started;
    failed += row.failed;
    assert.equal(cells['OutgoingCall(P)'], String(row.started));
    assert.equal(cells['OutgoingCall(C)'], String(started));
    assert.equal(cells['TotalCallCreated'], String(started));
    assert.equal(cells['IncomingCall(P)'], '0');
    assert.equal(cells['CurrentCall'], String(row.activeCalls));
    assert.equal(cells['SuccessfulCall(P)'], String(row.completed));
    assert.equal(cells['FailedCall(P)'], String(row.failed));
    assert.equal(cells['FailedCall(C)'], String(failed));
    assert.equal(cells['Dropped(P)'], String(row.dropped));
    assert.equal(cells['CallRate(P)'], String(row.started / ((row.endMs - row.startMs) / 1000)));
    assert.equal(cells['CallRate(C)'], String(Math.round((started / (row.endMs / 1000)) * 1000) / 1000));
    assert.equal(cells['TargetRate'], '2');
    assert.equal(cells['TTFA_p95_ms(P)'], row.ttfaMs.p95 === null ? '' : String(row.ttfaMs.p95));
    assert.equal(cells['InviteToAnswer_p95_ms(P)'], row.inviteToAnswerMs.p95 === null ? '' : String(row.inviteToAnswerMs.p95));
    assert.equal(cells[reasonColumn('sip_503')], String(row.failedByReason['sip_503'] ?? 0));
    assert.equal(cells['ElapsedTime(C)'], elapsed(row.endMs));
    assert.equal(cells['LastResetTime'], sippTime(Date.UTC(2025, 0, 2, 3, 4, 5, 6) + row.startMs));
  });
  assert.equal(started, 3);
});

test('the last row stops at the run end; times are SIPp date/time/epoch triples in UTC', () => {
  const rows = timeline().rows();
  const start = Date.UTC(2025, 0, 2, 3, 4, 5, 6);
  const { rows: parsed } = parseTimelineCsv(formatTimelineCsv(rows, { startEpochMs: start, endMs: 2700, targetRatePerSec: (ms) => ms / 1000 }));
  const last = parsed.at(-1)!;
  assert.equal(last['ElapsedTime(P)'], elapsed(700));
  assert.equal(last['TargetRate'], String(rows.at(-1)!.startMs / 1000));
  const d = new Date(start + 2700);
  const [date, time, epoch] = last['CurrentTime']!.split('\t');
  assert.equal(date, d.toISOString().slice(0, 10));
  assert.equal(time, `${d.toISOString().slice(11, 19)}.${String(d.getUTCMilliseconds() * 1000).padStart(6, '0')}`);
  assert.equal(Number(epoch), (start + 2700) / 1000);
});

test('no target rate leaves the cell empty; an empty run is a header only', () => {
  const { rows } = parseTimelineCsv(formatTimelineCsv(timeline().rows(), { startEpochMs: 0 }));
  assert.equal(rows[0]!['TargetRate'], '');
  assert.equal(formatTimelineCsv([], { startEpochMs: 0 }).split('\n').filter((l) => l !== '').length, 1);
});

test('elapsed uses SIPp HH:MM:SS:mmm', () => {
  const ms = ((1 * 60 + 2) * 60 + 3) * 1000 + 45;
  const [h, m, s, milli] = elapsed(ms).split(':').map(Number);
  assert.equal(((h! * 60 + m!) * 60 + s!) * 1000 + milli!, ms);
});
