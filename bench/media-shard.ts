/**
 * One shard of bench/media-scale.ts: N RtpSessions on their own MediaScheduler that stream 20 ms
 * G.711 to given ports and receive streams back. Used three ways: in the bench's own thread, in a
 * worker thread (`--worker`, the measured side split over threads) and in a child process
 * (`--child`, the far end, so the measured side's CPU numbers are its own).
 */
import { parentPort } from 'node:worker_threads';
import hdr from 'hdr-histogram-js';
import { SystemClock } from '../src/core/clock.js';
import { codecFor } from '../src/media/g711.js';
import { MediaScheduler } from '../src/media/mediaScheduler.js';
import { RtpSession } from '../src/media/rtpSession.js';
import { BatchedRtpIo } from '../src/media/batchedRtpIo.js';

export interface ShardReport {
  /** Packets since reset(). */
  sent: number;
  received: number;
  /** RFC 3550 A.3 loss over the whole run. */
  lost: number;
  /** Process CPU since reset() (all threads of the process). */
  cpuUs: number;
  /** HDR histograms (µs) since reset(), compressed: merge with decodeFromCompressedBase64 + add. */
  pacingHistogram: string;
  lagHistogram: string;
  earlyPackets: number;
  caughtUpSlots: number;
  skippedSlots: number;
}

export interface ShardOptions {
  phases: number;
  /** connect() each RTP socket to its remote (RtpSessionOptions.connectedSend). */
  connected: boolean;
}

export class MediaShard {
  private readonly clock = new SystemClock();
  private readonly scheduler: MediaScheduler;
  private readonly options: ShardOptions;
  private sessions: RtpSession[] = [];
  private cpuAtReset = process.cpuUsage();
  private base: Array<{ sent: number; received: number }> = [];

  constructor(options: ShardOptions) {
    this.options = options;
    // Batched RTP I/O when the addon is built (VOICELOAD_NATIVE_IO=0 measures plain dgram).
    const io = BatchedRtpIo.create({ clock: this.clock });
    this.scheduler = new MediaScheduler({ clock: this.clock, phases: options.phases, ...(io === undefined ? {} : { io }) });
  }

  async open(count: number): Promise<number[]> {
    for (let i = 0; i < count; i++) {
      const s = await RtpSession.open({
        clock: this.clock,
        localHost: '127.0.0.1',
        codec: codecFor('PCMU'),
        scheduler: this.scheduler,
        sendByeOnClose: false,
        connectedSend: this.options.connected,
      });
      // The agent decodes every caller frame for its speech detector: keep the decode on the path.
      s.onFrame(() => {});
      this.sessions.push(s);
    }
    return this.sessions.map((s) => s.localPort);
  }

  start(remotePorts: number[], send: boolean): void {
    this.sessions.forEach((s, i) => {
      s.setRemote({ host: '127.0.0.1', port: remotePorts[i]! });
      if (send) s.start();
    });
  }

  reset(): void {
    this.cpuAtReset = process.cpuUsage();
    this.scheduler.resetStats();
    this.base = this.sessions.map((s) => {
      const st = s.stats();
      return { sent: st.sentPackets, received: st.receivedPackets };
    });
  }

  report(): ShardReport {
    const cpu = process.cpuUsage(this.cpuAtReset);
    let sent = 0;
    let received = 0;
    let lost = 0;
    this.sessions.forEach((s, i) => {
      const st = s.stats();
      sent += st.sentPackets - (this.base[i]?.sent ?? 0);
      received += st.receivedPackets - (this.base[i]?.received ?? 0);
      lost += Math.max(0, st.lostPackets);
    });
    const snap = this.scheduler.snapshot();
    return {
      sent,
      received,
      lost,
      cpuUs: cpu.user + cpu.system,
      pacingHistogram: hdr.encodeIntoCompressedBase64(this.scheduler.pacingHistogram.histogram),
      lagHistogram: hdr.encodeIntoCompressedBase64(this.scheduler.lagHistogram.histogram),
      earlyPackets: snap.pacingErrorMs.negativeCount,
      caughtUpSlots: snap.caughtUpSlots,
      skippedSlots: snap.skippedSlots,
    };
  }

  async close(): Promise<void> {
    this.scheduler.stop();
    await Promise.all(this.sessions.map((s) => s.close()));
  }
}

export type ShardRequest =
  | { type: 'open'; count: number; options: ShardOptions }
  | { type: 'start'; ports: number[]; send: boolean }
  | { type: 'reset' }
  | { type: 'stop' };

export type ShardResponse = { type: 'ports'; ports: number[] } | { type: 'started' } | { type: 'reset' } | { type: 'report'; report: ShardReport };

/** Serves ShardRequests over a message channel (worker thread or child process). */
function serve(onMessage: (fn: (m: ShardRequest) => void) => void, reply: (m: ShardResponse) => void, done: () => void): void {
  let shard: MediaShard | undefined;
  onMessage((m) => {
    void (async () => {
      if (m.type === 'open') {
        shard = new MediaShard(m.options);
        reply({ type: 'ports', ports: await shard.open(m.count) });
      } else if (m.type === 'start') {
        shard!.start(m.ports, m.send);
        reply({ type: 'started' });
      } else if (m.type === 'reset') {
        shard!.reset();
        reply({ type: 'reset' });
      } else {
        const report = shard!.report();
        await shard!.close();
        reply({ type: 'report', report });
        done();
      }
    })();
  });
}

if (process.argv.includes('--child') && process.send !== undefined) {
  serve(
    (fn) => process.on('message', fn),
    (m) => process.send!(m),
    () => process.disconnect(),
  );
} else if (parentPort !== null) {
  const port = parentPort;
  serve(
    (fn) => port.on('message', fn),
    (m) => port.postMessage(m),
    () => port.close(),
  );
}
