import { isIPv4, isIPv6 } from 'node:net';

/**
 * Pure: is `value` an IP address or a CIDR block (`203.0.113.0/24`, `2001:db8::/32`)? LiveKit's
 * inbound trunk `allowed_addresses` takes either. Returns a problem sentence, or undefined when
 * it is valid.
 */
export function addressFilterProblem(value: string): string | undefined {
  const slash = value.indexOf('/');
  const ip = slash < 0 ? value : value.slice(0, slash);
  const prefix = slash < 0 ? undefined : value.slice(slash + 1);
  const v4 = isIPv4(ip);
  if (!v4 && !isIPv6(ip)) return `--allowed-address "${value}" is not an IP address or CIDR block (e.g. 203.0.113.0/24)`;
  if (prefix === undefined) return undefined;
  const max = v4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) return `--allowed-address "${value}": the prefix length must be 0..${max}`;
  return undefined;
}
