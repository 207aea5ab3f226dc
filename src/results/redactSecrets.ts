/** Keys whose values are secrets wherever they appear in a configuration. */
const SECRET_KEY = /pass(word|wd|phrase)?$|secret|token|api[-_]?key|credential|authorization|private[-_]?key|^auth[-_]?pass/i;

export const REDACTED = '[redacted]';

/**
 * A deep copy of `value` fit for a results file: values under secret-looking keys (password,
 * authPassword, token, apiKey, secret…) become "[redacted]", and a password inside a URI's user
 * info (`sip:alice:s3cret@host`, `wss://u:p@h`) is replaced too. Functions are dropped; cycles end
 * in "[circular]". Redacting rather than refusing keeps the rest of the configuration visible.
 */
export function redactSecrets(value: unknown): unknown {
  const seen = new WeakSet<object>();
  const walk = (v: unknown, key: string | null): unknown => {
    if (key !== null && SECRET_KEY.test(key) && v !== null && v !== undefined && v !== '') return REDACTED;
    if (typeof v === 'string') return redactUriPassword(v);
    if (typeof v === 'function' || typeof v === 'symbol') return undefined;
    if (typeof v === 'bigint') return v.toString();
    if (typeof v !== 'object' || v === null) return v;
    if (seen.has(v)) return '[circular]';
    seen.add(v);
    let out: unknown;
    if (Array.isArray(v)) out = v.map((x) => walk(x, null));
    else if (v instanceof Map) out = Object.fromEntries([...v].map(([k, x]) => [String(k), walk(x, String(k))]));
    else if (v instanceof Date) out = v.toISOString();
    else {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const w = walk(x, k);
        if (w !== undefined) o[k] = w;
      }
      out = o;
    }
    seen.delete(v);
    return out;
  };
  return walk(value, null);
}

/** `scheme:user:password@host…` → `scheme:user:[redacted]@host…` (RFC 3986 §3.2.1 user info; RFC 3261 §19.1.1 SIP URIs). */
function redactUriPassword(s: string): string {
  return s.replace(/\b([a-z][a-z0-9+.-]*:(?:\/\/)?[^:@/\s]+):([^@/\s]+)@/gi, `$1:${REDACTED}@`);
}
