/**
 * Signalling cost of a call, voiceload against SIPp, measured in the same run on this machine.
 * Each side places N calls one after the other (INVITE → 180 → 200 → ACK → BYE → 200) against its own
 * SIPp UAS (`-sn uas`) on 127.0.0.1: voiceload through its CLI engine (`runCall`, no greeting, no turns;
 * it binds a SIP socket and an RTP pair per call), SIPp with its built-in `uac` scenario at `-l 1`.
 * Prints CPU ms per call and wall ms per call for both, and the ratios. Asserts nothing.
 * `--pooled` also runs voiceload the way a load shard places calls: one SIP transport and user agent
 * for every call, an RTP pair per call from a port pool (runCallOn).
 * Run: node --import tsx bench/call-setup.ts [calls] [--pooled]
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { freePort, waitUntilListening } from '../test/interop/helpers/ports.js';
import { PeerProcess } from '../test/interop/helpers/peerProcess.js';

const args = process.argv.slice(2);
const pooled = args.includes('--pooled');
const calls = Number(args.find((a) => !a.startsWith('--')) ?? 200);
const run = promisify(execFile);

async function sippUas(count: number): Promise<{ port: number; proc: PeerProcess }> {
  const port = await freePort();
  const proc = new PeerProcess('sipp', ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(port), '-m', String(count), '-nostdin', '-timeout', '300s'], {
    deadlineMs: 310_000,
  });
  await waitUntilListening(port, 'udp', proc);
  return { port, proc };
}

async function voiceloadSide(helper = 'sequentialCalls.ts'): Promise<{ cpuMs: number; wallMs: number; completed: number }> {
  const uas = await sippUas(calls + 1);
  const script = fileURLToPath(new URL(`./helpers/${helper}`, import.meta.url));
  const { stdout } = await run(process.execPath, ['--import', 'tsx', script, `sip:bench@127.0.0.1:${uas.port}`, String(calls)], { maxBuffer: 1 << 20 });
  await uas.proc.stop();
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { cpuMs: number; wallMs: number; completed: number };
}

async function sippSide(): Promise<{ cpuMs: number; wallMs: number }> {
  const uas = await sippUas(calls);
  const clientPort = await freePort();
  const t0 = performance.now();
  // bash's `times` prints the CPU time of its finished children (the SIPp UAC): user then system.
  const child = spawn('bash', [
    '-c',
    `sipp -sn uac 127.0.0.1:${uas.port} -i 127.0.0.1 -p ${clientPort} -m ${calls} -l 1 -r 10000 -d 0 -nostdin -timeout 300s >/dev/null 2>&1; times`,
  ]);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise((resolve) => child.once('exit', resolve));
  const wallMs = performance.now() - t0;
  await uas.proc.stop();
  const lines = out.trim().split('\n');
  const m = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/.exec(lines[lines.length - 1] ?? '');
  const cpuMs = m === null ? NaN : (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000;
  return { cpuMs, wallMs };
}

const ours = await voiceloadSide();
const oursPooled = pooled ? await voiceloadSide('pooledSequentialCalls.ts') : undefined;
const theirs = await sippSide();
const per = (ms: number): string => (ms / calls).toFixed(3);
console.log(`call setup + teardown, ${calls} sequential calls against a SIPp UAS on 127.0.0.1`);
console.log(`  voiceload  CPU ${per(ours.cpuMs)} ms/call  wall ${per(ours.wallMs)} ms/call  (${ours.completed}/${calls} completed)`);
if (oursPooled !== undefined) {
  console.log(`  voiceload pooled (one UA, RTP pool)  CPU ${per(oursPooled.cpuMs)} ms/call  wall ${per(oursPooled.wallMs)} ms/call  (${oursPooled.completed}/${calls} completed)`);
}
console.log(`  SIPp uac   CPU ${per(theirs.cpuMs)} ms/call  wall ${per(theirs.wallMs)} ms/call`);
console.log(`  ratio voiceload/SIPp: CPU ${(ours.cpuMs / theirs.cpuMs).toFixed(2)}x, wall ${(ours.wallMs / theirs.wallMs).toFixed(2)}x`);
if (oursPooled !== undefined) {
  console.log(`  ratio voiceload pooled/SIPp: CPU ${(oursPooled.cpuMs / theirs.cpuMs).toFixed(2)}x, wall ${(oursPooled.wallMs / theirs.wallMs).toFixed(2)}x`);
}
