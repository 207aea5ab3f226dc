/**
 * SIPp's own RTP sending cost, for comparison in bench/media-scale.ts: a SIPp UAS answers N calls
 * placed by a SIPp UAC (built-in `uac`, each call held `seconds`) and streams a raw μ-law file to
 * every call with `rtp_stream` (20 ms packets, looped) from the ACK to the BYE. The UAS runs under
 * bash, whose `times` reports its CPU (user + system). Packets sent are counted as calls × held
 * time / 20 ms (SIPp does not print a count); its signalling is included in the CPU.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codecFor } from '../src/media/g711.js';
import { PeerProcess } from '../test/interop/helpers/peerProcess.js';
import { freeEvenPortPair, freePort, waitUntilListening } from '../test/interop/helpers/ports.js';
import { sippBenchUasScenario } from './helpers/sippBenchUas.js';

export interface SippRtpCost {
  cpuUs: number;
  packets: number;
  wallMs: number;
}

/** Undefined when sipp is not installed. */
export async function sippRtpStreamCost(calls: number, seconds: number): Promise<SippRtpCost | undefined> {
  if (spawnSync('sipp', ['-v']).error !== undefined) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-bench-'));
  try {
    writeFileSync(join(dir, 'uas.xml'), sippBenchUasScenario(true));
    // 1 s of a 440 Hz tone, raw μ-law (SIPp 3.6 streams raw codec bytes).
    const pcm = Int16Array.from({ length: 8000 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)));
    writeFileSync(join(dir, 'tone.ul'), codecFor('PCMU').encode(pcm));
    const uasPort = await freePort();
    const uasMedia = await freeEvenPortPair();
    const deadlineS = seconds + calls / 50 + 60;
    // bash's `times` prints the CPU time of its finished children (the SIPp UAS): user then system.
    const uas = new PeerProcess(
      'bash',
      ['-c', `sipp -sf uas.xml -i 127.0.0.1 -p ${uasPort} -mp ${uasMedia} -m ${calls} -nostdin -timeout ${deadlineS}s >/dev/null 2>&1; times`],
      { cwd: dir, deadlineMs: deadlineS * 1000 },
    );
    await waitUntilListening(uasPort, 'udp', uas);
    const uacPort = await freePort();
    const uacMedia = await freeEvenPortPair();
    const t0 = performance.now();
    const rate = 100;
    const uac = new PeerProcess(
      'sipp',
      [
        '-sn', 'uac', `127.0.0.1:${uasPort}`,
        '-i', '127.0.0.1', '-p', String(uacPort), '-mp', String(uacMedia),
        '-m', String(calls), '-l', String(calls), '-r', String(rate),
        '-d', String(seconds * 1000), '-nostdin', '-timeout', `${deadlineS}s`,
      ],
      { deadlineMs: deadlineS * 1000 },
    );
    await uac.exited;
    const uasExit = await uas.exited;
    const wallMs = performance.now() - t0;
    const lines = uasExit.stdout.trim().split('\n');
    const m = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/.exec(lines[lines.length - 1] ?? '');
    const cpuUs = m === null ? NaN : (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1e6;
    return { cpuUs, packets: calls * seconds * 50, wallMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
