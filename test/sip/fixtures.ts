import { readFileSync } from 'node:fs';

/** Typical messages a voiceload call exchanges, as exact bytes (test/fixtures/sip). */
export const FIXTURES = ['invite.sip', 'ok200.sip', 'bye.sip', 'proxyauth407.sip'] as const;

export function readFixture(name: string): Buffer {
  return readFileSync(new URL(`../fixtures/sip/${name}`, import.meta.url));
}
