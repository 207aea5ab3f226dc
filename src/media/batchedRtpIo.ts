import type dgram from 'node:dgram';
import net from 'node:net';
import type { Clock, TimerHandle } from '../core/clock.js';
import { VoiceloadError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/log.js';
import { loadRtpIoBinding, socketFd, stopNodeReceiving, type RtpIoBinding, type RtpIoHandle } from './rtpIoBinding.js';

/** Receives one datagram: `bytes` is a view into a buffer reused by the next drain (copy what you keep). */
export type BatchedPacketHandler = (bytes: Uint8Array, arrivalMs: number) => void;

/** One socket handed to a {@link BatchedRtpIo}. */
export interface BatchedRtpEndpoint {
  /** Where queued packets go (an IP literal). */
  setRemote(host: string, port: number): void;
  /** Copies `packet` into the batch that the next flush() sends. */
  queue(packet: Uint8Array): void;
  /** Stops receiving through the io (call before closing the socket). Idempotent. */
  detach(): void;
}

/**
 * What a MediaScheduler and its RtpSessions need from batched I/O (BatchedRtpIo; a fake in tests):
 * sessions attach their RTP socket, the scheduler drains at each wake-up and flushes after each slot.
 */
export interface RtpBatchIo {
  attach(socket: dgram.Socket, handler: BatchedPacketHandler): BatchedRtpEndpoint | undefined;
  drain(): void;
  flush(): void;
  close(): void;
}

export interface BatchedRtpIoOptions {
  clock: Clock;
  logger?: Logger;
  /** Most packets one drain reads. Default 2048. */
  maxPacketsPerDrain?: number;
  /** Bytes reserved per received packet; a larger datagram is dropped and counted. Default 1500. */
  slotBytes?: number;
  /** Bytes staged for one flush; a full stage is flushed early. Default 256 KiB. */
  stageBytes?: number;
  /**
   * Longest a received packet waits when nothing else drains the sockets (ms). Default 5. A busy
   * media scheduler drains at every wake-up (every 2 ms), so this only matters while it is idle;
   * arrival times come from the kernel either way.
   */
  pollIntervalMs?: number;
}

export interface BatchedRtpIoStats {
  /** How flush() hands packets to the kernel: one io_uring submission per batch, or sendto per packet. */
  sendPath: 'io_uring' | 'sendto';
  endpoints: number;
  packetsSent: number;
  packetsReceived: number;
  sendErrors: number;
  lastSendErrno: number;
  recvErrors: number;
  truncated: number;
  drains: number;
  flushes: number;
}

interface Slot {
  handler: BatchedPacketHandler | undefined;
  fd: number;
}

/**
 * RTP datagrams in and out of many dgram sockets with one native call per batch instead of one per
 * packet: Node's `dgram` costs several µs of CPU per packet (a send request object and a JS↔C++
 * crossing each way, an rinfo object per packet received), which caps how many calls one core drives.
 *
 * The sockets stay Node's (bound, closed and used for RTCP by their owner); the io takes over the
 * RTP socket's receiving (Node stops reading it) and its sending. Sends are staged by queue() and leave
 * at flush() — the MediaScheduler flushes after every slot, so one slot's packets cost one crossing.
 * Received datagrams are drained from every socket at once, at each scheduler wake-up and otherwise
 * every `pollIntervalMs`; each carries the kernel's receive timestamp, so its arrival time is exact
 * however late the drain runs.
 *
 * Needs the native addon (`npm run build:native`); {@link BatchedRtpIo.create} returns undefined
 * without it and callers keep using dgram directly.
 */
export class BatchedRtpIo implements RtpBatchIo {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly binding: RtpIoBinding;
  private readonly io: RtpIoHandle;
  private readonly slotBytes: number;
  private readonly rxData: Uint8Array;
  private readonly rxMeta: Int32Array;
  private readonly maxPackets: number;
  private readonly stage: Uint8Array;
  private readonly stageMeta: Int32Array;
  private stagedCount = 0;
  private stagedBytes = 0;
  private readonly slots: Slot[] = [];
  private readonly freeIds: number[] = [];
  private endpointCount = 0;
  private readonly pollIntervalMs: number;
  private pollTimer: TimerHandle | undefined;
  private readonly pollBound: () => void;
  private lastDrainMs = -Infinity;
  private closed = false;
  private draining = false;
  private readonly counts = { packetsSent: 0, packetsReceived: 0, drains: 0, flushes: 0 };

  /** An io on the native addon, or undefined (with the reason logged at debug) when it is not available. */
  static create(options: BatchedRtpIoOptions): BatchedRtpIo | undefined {
    const loaded = loadRtpIoBinding();
    if (loaded.binding === undefined) {
      (options.logger ?? silentLogger).debug('batched RTP I/O unavailable; using dgram', { reason: loaded.reason });
      return undefined;
    }
    return new BatchedRtpIo(options, loaded.binding);
  }

  /** Why create() would return undefined, or undefined when it would not. */
  static unavailableReason(): string | undefined {
    const loaded = loadRtpIoBinding();
    return loaded.binding === undefined ? loaded.reason : undefined;
  }

  private constructor(options: BatchedRtpIoOptions, binding: RtpIoBinding) {
    this.clock = options.clock;
    this.logger = options.logger ?? silentLogger;
    this.binding = binding;
    this.maxPackets = options.maxPacketsPerDrain ?? 2048;
    this.slotBytes = options.slotBytes ?? 1500;
    this.io = binding.createIo(this.maxPackets);
    this.rxData = new Uint8Array(this.maxPackets * this.slotBytes);
    this.rxMeta = new Int32Array(this.maxPackets * 4);
    this.stage = new Uint8Array(options.stageBytes ?? 256 * 1024);
    this.stageMeta = new Int32Array(Math.ceil(this.stage.length / 12) * 3);
    this.pollIntervalMs = options.pollIntervalMs ?? 5;
    this.pollBound = () => this.onPollTimer();
  }

  /**
   * Takes over receiving and sending on `socket` (a bound UDP socket whose owner keeps it open until
   * detach()). Returns undefined when the socket exposes no file descriptor: use dgram for it.
   */
  attach(socket: dgram.Socket, handler: BatchedPacketHandler): BatchedRtpEndpoint | undefined {
    if (this.closed) return undefined;
    const fd = socketFd(socket);
    if (fd === undefined) return undefined;
    const id = this.freeIds.pop() ?? this.slots.length;
    const slot: Slot = { handler, fd };
    this.slots[id] = slot;
    try {
      this.binding.add(this.io, fd, id);
    } catch (e) {
      this.slots[id] = { handler: undefined, fd: -1 };
      this.freeIds.push(id);
      this.logger.warn('batched RTP I/O could not take a socket; it stays on dgram', { error: e instanceof Error ? e.message : String(e) });
      return undefined;
    }
    stopNodeReceiving(socket);
    this.endpointCount++;
    this.armPoll();
    let attached = true;
    return {
      setRemote: (host, port) => {
        if (net.isIP(host) === 0) throw new VoiceloadError('MEDIA_TRANSPORT', `remote media address must be an IP address, got "${host}"`);
        if (!this.closed) this.binding.setRemote(this.io, fd, host, port);
      },
      queue: (packet) => {
        if (attached && !this.closed) this.queue(fd, packet);
      },
      detach: () => {
        if (!attached) return;
        attached = false;
        if (!this.closed) {
          // What already arrived is delivered (as dgram would have by now), and what this socket
          // queued leaves, before its fd can be closed and reused.
          this.drain(64);
          this.flush();
          this.binding.remove(this.io, fd);
        }
        slot.handler = undefined;
        slot.fd = -1;
        this.freeIds.push(id);
        this.endpointCount--;
        if (this.endpointCount === 0) this.disarmPoll();
      },
    };
  }

  get endpoints(): number {
    return this.endpointCount;
  }

  /** Sends every queued packet (one native call). */
  flush(): void {
    const n = this.stagedCount;
    if (n === 0) return;
    this.stagedCount = 0;
    this.stagedBytes = 0;
    this.counts.flushes++;
    this.counts.packetsSent += this.binding.send(this.io, this.stage, this.stageMeta, n);
  }

  /**
   * Reads the datagrams waiting on the attached sockets and hands each to its endpoint's handler.
   * Through io_uring a socket gives up to `roundsPerSocket` packets per call (default 1: at 2 ms
   * drains a socket rarely holds more; the rest comes at the next drain, its kernel timestamp
   * keeping its arrival time exact). Bounded: at most 16 full batches per call.
   */
  drain(roundsPerSocket = 1): void {
    // Not re-entered: a handler that closes a session (detach drains) must not overwrite this batch.
    if (this.closed || this.endpointCount === 0 || this.draining) return;
    this.draining = true;
    try {
      this.drainBatches(roundsPerSocket);
    } finally {
      this.draining = false;
    }
  }

  private drainBatches(rounds: number): void {
    const { binding, io, rxData, rxMeta, slots } = this;
    for (let round = 0; round < 16; round++) {
      const beforeMs = this.clock.nowMs();
      const n = binding.drain(io, rxData, rxMeta, this.slotBytes, rounds);
      this.lastDrainMs = beforeMs;
      this.counts.drains++;
      if (n === 0) return;
      this.counts.packetsReceived += n;
      for (let k = 0; k < n; k++) {
        const m = k * 4;
        const slot = slots[rxMeta[m]!];
        const handler = slot?.handler;
        if (handler === undefined) continue; // detached by an earlier handler of this batch
        const offset = rxMeta[m + 1]!;
        const ageUs = rxMeta[m + 3]!;
        const arrivalMs = ageUs < 0 ? beforeMs : beforeMs - ageUs / 1000;
        try {
          handler(rxData.subarray(offset, offset + rxMeta[m + 2]!), arrivalMs);
        } catch (err) {
          this.logger.error('rtp packet handler threw', { error: err instanceof Error ? err.message : String(err) });
        }
      }
      if (n < this.maxPackets) return;
    }
  }

  stats(): BatchedRtpIoStats {
    const s = this.binding.stats(this.io);
    return {
      sendPath: s.uring === 1 ? 'io_uring' : 'sendto',
      endpoints: this.endpointCount,
      packetsSent: this.counts.packetsSent,
      packetsReceived: this.counts.packetsReceived,
      sendErrors: s.sendErrors,
      lastSendErrno: s.lastSendErrno,
      recvErrors: s.recvErrors,
      truncated: s.truncated,
      drains: this.counts.drains,
      flushes: this.counts.flushes,
    };
  }

  /** Sends what is queued and releases the native io; attached sockets are left to their owners. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.disarmPoll();
    this.binding.closeIo(this.io);
  }

  private queue(fd: number, packet: Uint8Array): void {
    const length = packet.length;
    if (length > this.stage.length) throw new VoiceloadError('INTERNAL', `RTP packet of ${length} bytes exceeds the send stage`);
    if (this.stagedBytes + length > this.stage.length || (this.stagedCount + 1) * 3 > this.stageMeta.length) this.flush();
    const offset = this.stagedBytes;
    this.stage.set(packet, offset);
    const m = this.stagedCount * 3;
    this.stageMeta[m] = fd;
    this.stageMeta[m + 1] = offset;
    this.stageMeta[m + 2] = length;
    this.stagedCount++;
    this.stagedBytes = offset + length;
  }

  private armPoll(): void {
    if (this.pollTimer !== undefined || this.closed) return;
    const dueIn = Math.max(0, this.lastDrainMs + this.pollIntervalMs - this.clock.nowMs());
    this.pollTimer = this.clock.setTimer(Number.isFinite(dueIn) ? dueIn : 0, this.pollBound);
  }

  private disarmPoll(): void {
    this.pollTimer?.cancel();
    this.pollTimer = undefined;
  }

  private onPollTimer(): void {
    this.pollTimer = undefined;
    // Another driver (the media scheduler) drained recently: only wait for the rest of the interval.
    if (this.clock.nowMs() - this.lastDrainMs >= this.pollIntervalMs * 0.9) this.drain();
    if (this.endpointCount > 0) this.armPoll();
  }
}
