import { randomBytes } from 'node:crypto';

/** Source of random bytes; injectable so tests get stable identifiers. */
export type RandomBytes = (size: number) => Buffer;

/** RFC 3261 §8.1.1.7: the branch starts with the magic cookie "z9hG4bK"; 96 random bits make it unique. */
export function generateBranch(random: RandomBytes = randomBytes): string {
  return 'z9hG4bK' + random(12).toString('hex');
}

/** RFC 3261 §19.3: a tag needs at least 32 random bits; we use 64. */
export function generateTag(random: RandomBytes = randomBytes): string {
  return random(8).toString('hex');
}

/** RFC 3261 §8.1.1.4: globally unique Call-ID, 128 random bits "@" the host. */
export function generateCallId(host: string, random: RandomBytes = randomBytes): string {
  return `${random(16).toString('hex')}@${host}`;
}
