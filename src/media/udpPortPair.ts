import dgram from 'node:dgram';
import dns from 'node:dns';
import net from 'node:net';
import { VoiceloadError } from '../core/errors.js';

export interface UdpPortPair {
  rtp: dgram.Socket;
  rtcp: dgram.Socket;
  /** Even (RFC 3550 §11). */
  rtpPort: number;
  /** rtpPort + 1. */
  rtcpPort: number;
}

export interface BindPortPairOptions {
  host: string;
  /** First RTP port to try (even); on conflict the next pair up is tried. 0 or absent: ephemeral. */
  port?: number;
  /** Pairs tried before giving up. Default 20. */
  attempts?: number;
}

/**
 * Resolves IP literals synchronously. Node's default dgram lookup answers even an IP literal on
 * the next tick, which would defer every send; with this, `send()` of an IP destination reaches
 * the kernel before it returns (so a reused packet buffer may be rewritten right after).
 * Host names still go through dns.lookup.
 */
export function syncIpLookup(
  hostname: string,
  options: dns.LookupOneOptions | number,
  callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void,
): void {
  const family = net.isIP(hostname);
  if (family !== 0) {
    callback(null, hostname, family);
    return;
  }
  const wanted = typeof options === 'number' ? options : (options.family ?? 0);
  dns.lookup(hostname, { family: wanted === 6 ? 6 : wanted === 4 ? 4 : 0 }, (err, address, fam) => callback(err, address, fam));
}

function bindSocket(type: 'udp4' | 'udp6', host: string, port: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket({ type, lookup: syncIpLookup });
    const onError = (err: Error): void => {
      socket.close();
      reject(err);
    };
    socket.once('error', onError);
    socket.bind({ port, address: host, exclusive: true }, () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

function closeQuietly(socket: dgram.Socket | undefined): void {
  try {
    socket?.close();
  } catch {
    // already closed
  }
}

/**
 * Binds an RTP socket on an even port and the RTCP socket on the next one (RFC 3550 §11).
 * Ephemeral: the kernel picks a port; an odd pick is used as the RTCP half when the even port
 * below it is free. A taken neighbour means another pair is tried, at most `attempts` times.
 */
export async function bindRtpPortPair(options: BindPortPairOptions): Promise<UdpPortPair> {
  const { host } = options;
  const type = net.isIPv6(host) ? 'udp6' : 'udp4';
  const attempts = options.attempts ?? 20;
  const base = options.port ?? 0;
  if (base !== 0 && (base % 2 !== 0 || base < 1024 || base > 65534)) {
    throw new VoiceloadError('MEDIA_TRANSPORT', `RTP port must be even and in 1024–65534, got ${base}`);
  }
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    let first: dgram.Socket | undefined;
    let second: dgram.Socket | undefined;
    try {
      if (base !== 0) {
        const rtpPort = base + 2 * attempt;
        if (rtpPort > 65534) break;
        first = await bindSocket(type, host, rtpPort);
        second = await bindSocket(type, host, rtpPort + 1);
        return { rtp: first, rtcp: second, rtpPort, rtcpPort: rtpPort + 1 };
      }
      first = await bindSocket(type, host, 0);
      const port = first.address().port;
      if (port % 2 === 0) {
        if (port + 1 > 65535) throw new Error('no room for RTCP above port 65534');
        second = await bindSocket(type, host, port + 1);
        return { rtp: first, rtcp: second, rtpPort: port, rtcpPort: port + 1 };
      }
      second = await bindSocket(type, host, port - 1);
      return { rtp: second, rtcp: first, rtpPort: port - 1, rtcpPort: port };
    } catch (err) {
      lastError = err;
      closeQuietly(first);
      closeQuietly(second);
    }
  }
  throw new VoiceloadError('MEDIA_TRANSPORT', `could not bind an RTP/RTCP port pair on ${host} after ${attempts} attempts`, {
    cause: lastError,
    hint: 'free some UDP ports or choose another media port range',
    retryable: true,
  });
}

/** Closes both sockets of a pair that no session took over. */
export async function closeRtpPortPair(pair: UdpPortPair): Promise<void> {
  await Promise.all(
    [pair.rtp, pair.rtcp].map(
      (socket) =>
        new Promise<void>((resolve) => {
          try {
            socket.close(() => resolve());
          } catch {
            resolve(); // already closed
          }
        }),
    ),
  );
}
