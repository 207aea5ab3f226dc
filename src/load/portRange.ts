import { VoiceloadError } from '../core/errors.js';

/** An inclusive range of UDP ports, e.g. `--rtp-ports 20000-29999`. */
export interface PortRange {
  first: number;
  last: number;
}

/** Ports below this are privileged or well known; bindRtpPortPair refuses them too. */
const MIN_PORT = 1024;
const MAX_PORT = 65535;

/**
 * Pure: "20000-29999" (or a single port "5060") → {first, last}. CLI_USAGE with a hint on anything
 * else, naming `flag` so the message points at what the user typed.
 */
export function parsePortRange(text: string, flag = '--rtp-ports'): PortRange {
  const usage = (why: string): VoiceloadError =>
    new VoiceloadError('CLI_USAGE', `${flag} "${text}": ${why}`, { hint: `expected FIRST-LAST with ports in ${MIN_PORT}-${MAX_PORT}, e.g. ${flag} 20000-29999` });
  const m = /^\s*(\d{1,5})\s*(?:-\s*(\d{1,5})\s*)?$/.exec(text);
  if (m === null) throw usage('not a port range');
  const first = Number(m[1]);
  const last = m[2] === undefined ? first : Number(m[2]);
  for (const port of [first, last]) {
    if (port < MIN_PORT || port > MAX_PORT) throw usage(`port ${port} is outside ${MIN_PORT}-${MAX_PORT}`);
  }
  if (last < first) throw usage(`the range ends (${last}) before it starts (${first})`);
  return { first, last };
}

/** Pure: the inverse of {@link parsePortRange}. */
export function formatPortRange(range: PortRange): string {
  return range.first === range.last ? String(range.first) : `${range.first}-${range.last}`;
}

/** The RTP ports of the even/odd RTP/RTCP pairs a range holds (RFC 3550 §11: RTP even, RTCP the next odd port). */
export function rtpPairPorts(range: PortRange): number[] {
  const ports: number[] = [];
  for (let p = range.first + (range.first % 2); p + 1 <= range.last; p += 2) ports.push(p);
  return ports;
}

/** How many RTP/RTCP pairs fit in a range. */
export function rtpPairCount(range: PortRange): number {
  const start = range.first + (range.first % 2);
  return start + 1 > range.last ? 0 : Math.floor((range.last - start + 1) / 2);
}

/**
 * Before the run: a range that cannot give each of `concurrency` simultaneous calls its own pair
 * is a clear error now, not a failure in the middle of the run.
 */
export function checkPortRangeFits(range: PortRange, concurrency: number, flag = '--rtp-ports'): void {
  const pairs = rtpPairCount(range);
  if (pairs >= concurrency) return;
  throw new VoiceloadError(
    'PORTS_EXHAUSTED',
    `RTP ports ${formatPortRange(range)} give ${pairs} pair${pairs === 1 ? '' : 's'}; -l ${concurrency} needs ${concurrency}`,
    { hint: `widen ${flag} to at least ${concurrency * 2} ports, or lower -l` },
  );
}

/**
 * Pure: splits a range into `parts` disjoint sub-ranges holding whole pairs, sizes proportional to
 * `weights` (each shard's concurrency cap), so each shard's pool needs no coordination with the
 * others. Pairs left over by rounding go to the parts that hold the fewest; a part with no pair
 * is null (check each part against its shard's cap with {@link checkPortRangeFits}).
 */
export function splitPortRange(range: PortRange, weights: readonly number[]): (PortRange | null)[] {
  const ports = rtpPairPorts(range);
  const total = weights.reduce((a, b) => a + Math.max(0, b), 0);
  const counts = weights.map((w) => (total === 0 ? 0 : Math.floor((ports.length * Math.max(0, w)) / total)));
  // Hand out what rounding left over, one pair at a time, to the parts that got the fewest.
  let left = ports.length - counts.reduce((a, b) => a + b, 0);
  while (left > 0 && counts.length > 0) {
    let min = 0;
    counts.forEach((c, i) => {
      if (c < (counts[min] ?? 0)) min = i;
    });
    counts[min] = (counts[min] ?? 0) + 1;
    left--;
  }
  let next = 0;
  return counts.map((n) => {
    if (n === 0) return null;
    const first = ports[next] ?? 0;
    next += n;
    return { first, last: (ports[next - 1] ?? first) + 1 };
  });
}
