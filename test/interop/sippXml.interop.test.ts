import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAgent } from '../../src/agent/simulatedAgent.js';
import { MemoryTruthSink, type TruthRecord } from '../../src/agent/truthLog.js';
import { ExitCode } from '../../src/cli/exitCodes.js';
import { buildRunConfig, type RawRunOptions } from '../../src/cli/runOptions.js';
import { runSippLoad } from '../../src/cli/runSippCommand.js';
import type { CallRecord } from '../../src/load/loadTypes.js';
import type { RunSummaryDoc } from '../../src/results/index.js';
import type { SippCallResult } from '../../src/sipp/sippResult.js';
import { PeerProcess } from './helpers/peerProcess.js';
import { freeEvenPortPair, freePort, waitUntilListening } from './helpers/ports.js';

// scenarios/basic-call.xml (Via without branch, <recv response="200"> with no optional 100/180) run
// by `voiceload run` (the load engine, over worker threads) against SIPp's own UAS and the simulated
// agent, both of which ring first.

const BASIC = fileURLToPath(new URL('../../scenarios/basic-call.xml', import.meta.url));
const CALLS = 6;

interface Captured {
  code: number;
  /** Each call's record (calls.ndjson's shape); `detail` is the SippCallResult. */
  records: CallRecord[];
  calls: SippCallResult[];
  summary: RunSummaryDoc & { warnings: string[] };
  stderr: string;
}

/** `voiceload run FILE TARGET --json` plus `raw`, through runSippLoad as runCommand calls it. */
async function runXml(file: string, target: string, raw: RawRunOptions): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const config = buildRunConfig(file, target, { json: true, ...raw }, {});
  const code = await runSippLoad(config, 'test', { stdout: (s) => out.push(s), stderr: (s) => err.push(s) });
  const lines = out.join('').trim().split('\n').map((l) => JSON.parse(l) as { type: string });
  const records = lines.filter((l) => l.type === 'call') as unknown as CallRecord[];
  const summary = lines.find((l) => l.type === 'summary') as unknown as Captured['summary'];
  return { code, records, calls: records.map((r) => r.detail as SippCallResult), summary, stderr: err.join('') };
}

const runBasic = (target: string, strict = false): Promise<Captured> =>
  runXml(BASIC, target, { calls: String(CALLS), rate: '20', concurrency: String(CALLS), d: '300', ...(strict ? { strict: true } : {}) });

const warningsIn = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('warning: '));

test('basic-call.xml against SIPp -sn uas: every call completes', { timeout: 20_000 }, async () => {
  const port = await freePort();
  const mediaPort = await freeEvenPortPair();
  const sipp = new PeerProcess(
    'sipp',
    ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(port), '-mp', String(mediaPort), '-t', 'u1', '-m', String(CALLS), '-timeout', '15s', '-nostdin'],
    { deadlineMs: 18_000 },
  );
  try {
    await waitUntilListening(port, 'udp', sipp);
    const r = await runBasic(`127.0.0.1:${port}`);
    assert.equal(r.code, ExitCode.ok, r.stderr + JSON.stringify(r.calls));
    assert.equal(r.summary.counters.calls_completed, CALLS);
    assert.equal(r.calls.length, CALLS);
    assert.ok(r.calls.every((c) => c.inviteFinalStatus === 200 && c.rtdMs['1'] !== undefined));
    // SIPp's uas sends 180 before its 200: absorbed, and said once.
    assert.equal(warningsIn(r.stderr).length, 1, r.stderr);
    const exit = await sipp.exited;
    assert.equal(exit.code, 0, exit.stdout + exit.stderr); // SIPp counted every call as successful
  } finally {
    await sipp.stop();
  }
});

test('basic-call.xml against the simulated agent (100/180 before 200): all complete, one warning; --strict fails them as SIPp would', { timeout: 20_000 }, async () => {
  const agent = await startAgent({ port: 0, profile: 'healthy' });
  try {
    const target = `127.0.0.1:${agent.port}`;
    const lenient = await runBasic(target);
    assert.equal(lenient.code, ExitCode.ok, lenient.stderr + JSON.stringify(lenient.calls));
    assert.equal(lenient.summary.counters.calls_completed, CALLS);
    const warnings = warningsIn(lenient.stderr);
    assert.equal(warnings.length, 1, lenient.stderr);
    assert.match(warnings[0]!, /the UAS sent 100 Trying .* before the 200 .*SIPp would fail the call with 'unexpected message'.*--strict/);
    assert.equal(lenient.summary.warnings.length, 1);

    const strict = await runBasic(target, true);
    assert.equal(strict.code, ExitCode.callFailed);
    assert.equal(strict.summary.counters.calls_failed, CALLS);
    assert.deepEqual(strict.summary.counters.calls_failed_by_reason, { unexpected_message: CALLS });
    assert.ok(strict.records.every((c) => c.outcome === 'failed' && /^unexpected message: 100 Trying/.test(c.reasonText ?? '')), JSON.stringify(strict.records));
    assert.equal(warningsIn(strict.stderr).length, 0);
  } finally {
    await agent.stop();
  }
  const stats = agent.stats();
  assert.equal(stats.offered, 2 * CALLS);
  assert.equal(stats.activeCalls, 0);
});

// Optional 100/180 as a careful scenario writes them, [auto_media_port] in the SDP, and a WAV streamed
// with <exec rtp_stream> to the address of the agent's answer for 1.5 s.
const MEDIA_SCENARIO = `<scenario>
  <send retrans="500"><![CDATA[
INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:sipp@[local_ip]>;tag=[call_number]
To: <sip:[service]@[remote_ip]>
Call-ID: [call_id]
CSeq: [cseq] INVITE
Contact: <sip:sipp@[local_ip]:[local_port]>
Content-Type: application/sdp
Content-Length: [len]

v=0
o=- 1 1 IN IP4 [media_ip]
s=-
c=IN IP4 [media_ip]
t=0 0
m=audio [auto_media_port] RTP/AVP 0
a=rtpmap:0 PCMU/8000
]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200"/>
  <send><![CDATA[
ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:sipp@[local_ip]>;tag=[call_number]
To: <sip:[service]@[remote_ip]>[peer_tag_param]
Call-ID: [call_id]
CSeq: [cseq] ACK
Content-Length: 0
]]></send>
  <nop><action><exec rtp_stream="CALLER_WAV,1,0"/></action></nop>
  <pause milliseconds="1500"/>
  <send><![CDATA[
BYE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:sipp@[local_ip]>;tag=[call_number]
To: <sip:[service]@[remote_ip]>[peer_tag_param]
Call-ID: [call_id]
CSeq: [cseq] BYE
Content-Length: 0
]]></send>
  <recv response="200"/>
</scenario>
`;

test('rtp_stream plays a WAV to the SDP address of the answer: the agent counts the packets', { timeout: 20_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-sipp-'));
  const file = join(dir, 'media.xml');
  writeFileSync(file, MEDIA_SCENARIO.replace('CALLER_WAV', fileURLToPath(new URL('../../audio-fixtures/caller-goodbye.wav', import.meta.url))));
  const truth = new MemoryTruthSink();
  const agent = await startAgent({ port: 0, profile: 'healthy', truth });
  try {
    const r = await runXml(file, `127.0.0.1:${agent.port}`, { calls: '2', rate: '10' });
    assert.equal(r.code, ExitCode.ok, r.stderr);
    assert.equal(warningsIn(r.stderr).length, 0); // the provisionals are in the scenario
  } finally {
    await agent.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const calls = truth.records.filter((r): r is Extract<TruthRecord, { type: 'call' }> => r.type === 'call');
  assert.equal(calls.length, 2);
  // 1.5 s of 20 ms packets between the ACK and the BYE: about 75 each.
  for (const c of calls) assert.ok(c.rtpReceivedPackets >= 60 && c.rtpReceivedPackets <= 80, JSON.stringify(c));
});
