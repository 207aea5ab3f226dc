import type { SipMessage } from './message.js';

/** A message that parses but that an element should not process as is (RFC 4475 §3.3). */
export interface SipSemanticProblem {
  kind: 'missing-header' | 'multiple-values' | 'content-length-conflict';
  header: string;
  message: string;
}

/** RFC 3261 §8.1.1: every request and response carries these. */
const MANDATORY = ['To', 'From', 'Call-ID', 'CSeq', 'Via'] as const;
/** Single-valued headers whose repetition makes a message ambiguous (RFC 4475 §3.3.8). */
const SINGLE = ['To', 'From', 'Call-ID', 'CSeq', 'Max-Forwards', 'Content-Type'] as const;

/**
 * Checks above the syntax layer, returning every problem found (empty when none); a UAS answers a request
 * with problems with 400. Max-Forwards is not required: RFC 2543 peers omit it (RFC 4475 §3.4.1).
 */
export function checkSemantics(msg: SipMessage): SipSemanticProblem[] {
  const problems: SipSemanticProblem[] = [];
  const counts = new Map<string, number>();
  const lengths = new Set<string>();
  for (const h of msg.headers) {
    counts.set(h.name, (counts.get(h.name) ?? 0) + 1);
    if (h.name === 'Content-Length') lengths.add(String(Number(h.value)));
  }
  for (const name of MANDATORY) {
    if (!counts.has(name)) problems.push({ kind: 'missing-header', header: name, message: `${name} is missing` });
  }
  for (const name of SINGLE) {
    const n = counts.get(name) ?? 0;
    if (n > 1) problems.push({ kind: 'multiple-values', header: name, message: `${name} appears ${n} times` });
  }
  if (lengths.size > 1) {
    problems.push({
      kind: 'content-length-conflict',
      header: 'Content-Length',
      message: `conflicting Content-Length values ${[...lengths].join(', ')} (RFC 4475 §3.3.9)`,
    });
  }
  return problems;
}
