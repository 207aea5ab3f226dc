import type dgram from 'node:dgram';
import { createRequire } from 'node:module';

declare const rtpIoHandleBrand: unique symbol;

/** An opaque native io (an epoll set plus receive buffers); only the binding's functions use it. */
export interface RtpIoHandle {
  readonly [rtpIoHandleBrand]: true;
}

/** Counters of one io since createIo(). */
export interface RtpIoStats {
  /** Packets send() could not hand to the kernel (no remote, EAGAIN, ENOBUFS, ECONNREFUSED, EBADF, …). */
  sendErrors: number;
  /** errno of the latest failed send (EDESTADDRREQ: no remote set for that fd); 0 when none failed. */
  lastSendErrno: number;
  /** recvmmsg failures other than EAGAIN (e.g. ECONNREFUSED left by an ICMP port unreachable). */
  recvErrors: number;
  /** Datagrams larger than `slotBytes`, dropped instead of delivered cut. */
  truncated: number;
  drains: number;
  packetsDrained: number;
  packetsSent: number;
  /** 1 when sends go through io_uring (built with liburing, allowed by the kernel), 0 with sendto. */
  uring: number;
}

/**
 * native/rtpio.c: batched UDP I/O on the file descriptors of bound dgram sockets, one JS→C crossing
 * per batch. The io neither creates nor closes sockets: remove() an fd before closing its socket, or
 * a new socket given the same fd number could receive the old one's remote and epoll registration.
 */
export interface RtpIoBinding {
  /** An io that drains at most `maxPackets` (1..65536) datagrams per call. */
  createIo(maxPackets: number): RtpIoHandle;
  /** Drains `fd` from now on, tagging its packets with `id` (turns on SO_TIMESTAMPNS). Throws with the errno. */
  add(io: RtpIoHandle, fd: number, id: number): void;
  /** Stops draining `fd` and forgets its remote; an fd never added or already closed is fine. */
  remove(io: RtpIoHandle, fd: number): void;
  /** Where send() sends packets of `fd`: an IPv4 or IPv6 literal (TypeError otherwise) and port 1..65535. */
  setRemote(io: RtpIoHandle, fd: number, host: string, port: number): void;
  /**
   * Sends `count` packets; packet i is `data[meta[3i+1] .. +meta[3i+2]]` from fd `meta[3i]`. Returns how
   * many the kernel took; failures only count in stats() (RangeError if an entry lies outside `data`).
   */
  send(io: RtpIoHandle, data: Uint8Array, meta: Int32Array, count: number): number;
  /**
   * Reads the datagrams ready now (never waits). Packet k sits at `data[k*slotBytes ..]`, and
   * `meta[4k .. 4k+3]` = id, offset, length, ageUs (µs since the kernel received it, −1 unknown).
   * Reads at most min(meta.length/4, data.length/slotBytes, maxPackets); the rest waits for the next call.
   * Through io_uring a socket gives at most `rounds` packets per call (1..64, default 1: one recvmsg per
   * ready socket in one submission); without it recvmmsg reads all a socket holds.
   */
  drain(io: RtpIoHandle, data: Uint8Array, meta: Int32Array, slotBytes: number, rounds?: number): number;
  stats(io: RtpIoHandle): RtpIoStats;
  /** Releases the epoll fd (idempotent; garbage collection does it too). Sockets stay open. */
  closeIo(io: RtpIoHandle): void;
}

export type LoadedRtpIoBinding = { binding: RtpIoBinding } | { binding: undefined; reason: string };

/** Relative to this file, so the same path works from src/media (tsx) and dist/media (tsc). */
const ADDON_PATH = '../../native/build/voiceload_rtpio.node';
const FUNCTIONS = ['createIo', 'add', 'remove', 'setRemote', 'send', 'drain', 'stats', 'closeIo'] as const;

/**
 * The one exception to "no module-level mutable state": a native module loads once per thread and
 * can never be unloaded, so loading it again per caller would only repeat the file lookup.
 */
let cached: LoadedRtpIoBinding | undefined;

/**
 * The native batched RTP I/O, or undefined with the reason: disabled by VOICELOAD_NATIVE_IO=0 (read
 * on every call), not built (`npm run build:native` needs Linux and a C compiler), or failing to load.
 */
export function loadRtpIoBinding(): LoadedRtpIoBinding {
  if (process.env['VOICELOAD_NATIVE_IO'] === '0') return { binding: undefined, reason: 'disabled by VOICELOAD_NATIVE_IO=0' };
  cached ??= loadAddon();
  return cached;
}

function loadAddon(): LoadedRtpIoBinding {
  const require = createRequire(import.meta.url);
  let addon: unknown;
  try {
    addon = require(ADDON_PATH);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason =
      code === 'MODULE_NOT_FOUND'
        ? 'native/build/voiceload_rtpio.node is not built (run npm run build:native)'
        : `native/build/voiceload_rtpio.node failed to load: ${e instanceof Error ? e.message : String(e)}`;
    return { binding: undefined, reason };
  }
  const missing = FUNCTIONS.filter((name) => typeof (addon as Record<string, unknown> | null)?.[name] !== 'function');
  if (missing.length > 0) {
    return { binding: undefined, reason: `native/build/voiceload_rtpio.node lacks ${missing.join(', ')} (stale build?)` };
  }
  return { binding: addon as RtpIoBinding };
}

interface UdpWrapLike {
  fd?: unknown;
  recvStop?: unknown;
}

/**
 * The libuv UDP handle behind a dgram socket. `socket._handle` would do, but its getter emits the
 * DEP0112 deprecation warning; the same handle lives in the socket's internal state object, stored
 * under a symbol described 'state symbol' (lib/dgram.js, Node 20). Null once the socket is closed.
 */
function udpHandle(socket: dgram.Socket): UdpWrapLike | undefined {
  const key = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'state symbol');
  if (key === undefined) return undefined;
  const state: unknown = (socket as unknown as Record<symbol, unknown>)[key];
  if (typeof state !== 'object' || state === null) return undefined;
  const handle: unknown = (state as { handle?: unknown }).handle;
  return typeof handle === 'object' && handle !== null ? (handle as UdpWrapLike) : undefined;
}

/** The socket's file descriptor (Linux), or undefined when unbound, closed or not exposed. */
export function socketFd(socket: dgram.Socket): number | undefined {
  const fd = udpHandle(socket)?.fd;
  return typeof fd === 'number' && Number.isInteger(fd) && fd >= 0 ? fd : undefined;
}

/**
 * Makes libuv stop reading `socket`, so the datagrams wait in the kernel for drain(). The socket
 * still sends and closes normally; it no longer emits 'message'. Note: a dgram socket that no longer
 * reads no longer keeps the event loop alive by itself. Returns false when there was no handle.
 */
export function stopNodeReceiving(socket: dgram.Socket): boolean {
  const handle = udpHandle(socket);
  if (typeof handle?.recvStop !== 'function') return false;
  (handle.recvStop as () => number).call(handle);
  return true;
}
