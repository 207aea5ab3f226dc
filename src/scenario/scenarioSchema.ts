import { z } from 'zod';
import { DURATION_HINT, tryParseDurationMs } from '../core/duration.js';
import { objectKeysAt } from '../config/zodProblems.js';
import type { StepKind } from './scenario.js';

/** "800ms", "10s", "2m" → milliseconds; a YAML number is refused (is 2 seconds or milliseconds?). */
export const durationMs = z.string({
  error: (iss) => (iss.input === undefined ? 'required (a duration such as "2s")' : `expected a duration string; ${DURATION_HINT}, e.g. "2s"`),
}).transform((s, ctx) => {
  const ms = tryParseDurationMs(s);
  if (ms === undefined) {
    ctx.issues.push({ code: 'custom', message: `invalid duration "${s}"; ${DURATION_HINT}`, input: s });
    return z.NEVER;
  }
  return ms;
});

const nonEmpty = z.string().min(1);
const scalarText = z.union([z.string(), z.number(), z.boolean()], { error: 'expected a string' }).transform(String);

/** The call set-up and the raw step list; each step is checked on its own (see STEP_SCHEMAS). */
export const scenarioSchema = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  target: z
    .string()
    .regex(/^sips?:\S+$/i, { error: 'target must be a SIP URI such as sip:agent@127.0.0.1:5060' })
    .optional(),
  from: nonEmpty.default('voiceload'),
  to: nonEmpty.optional(),
  transport: z.enum(['udp', 'tcp']).default('udp'),
  codecs: z
    .array(z.string().transform((c) => c.toUpperCase()).pipe(z.enum(['PCMU', 'PCMA'], { error: 'codec must be pcmu or pcma' })))
    .min(1)
    .default(['PCMU', 'PCMA']),
  headers: z.record(z.string().regex(/^[A-Za-z0-9!%*_+`'~.-]+$/, { error: 'not a SIP header name' }), scalarText).default({}),
  auth_user: nonEmpty.optional(),
  tts: z
    .strictObject({
      voice: nonEmpty.default('en-us'),
      rate_wpm: z.number().int().min(80, { error: 'rate_wpm is words per minute, 80-450' }).max(450, { error: 'rate_wpm is words per minute, 80-450' }).default(160),
    })
    .default({ voice: 'en-us', rate_wpm: 160 }),
  data: z
    .strictObject({
      file: nonEmpty,
      order: z.enum(['sequential', 'random']).default('sequential'),
    })
    .optional(),
  thresholds: z.array(z.string({ error: 'a threshold is a string such as "ttfa_ms: p(95)<1200"' })).default([]),
  steps: z.array(z.unknown()).min(1, { error: 'a scenario needs at least one step' }),
});

export type RawScenario = z.output<typeof scenarioSchema>;

const utteranceChoice = z.strictObject({ text: nonEmpty.optional(), audio: nonEmpty.optional() });
const utteranceKeys = {
  text: nonEmpty.optional(),
  audio: nonEmpty.optional(),
  one_of: z.array(utteranceChoice).min(1).optional(),
};

const STEP_SCHEMAS = {
  wait_greeting: z.strictObject({ timeout: durationMs.default(10_000) }),
  say: z.strictObject({ ...utteranceKeys, reply_timeout: durationMs.default(10_000), expect_reply: z.boolean().default(true) }),
  barge_in: z.strictObject({ ...utteranceKeys, after: durationMs, reply_timeout: durationMs.default(10_000) }),
  silence: z.strictObject({ min: durationMs, max: durationMs }),
  dtmf: z.strictObject({
    // RFC 4733 §3.2: events 0-15 are 0-9, *, #, A-D.
    digits: z.string().regex(/^[0-9*#A-Da-d]+$/, { error: 'digits are 0-9, *, # and A-D' }).transform((d) => d.toUpperCase()),
    duration: durationMs.default(100),
    gap: durationMs.default(100),
  }),
  hangup: z.strictObject({}),
  wait_hangup: z.strictObject({ timeout: durationMs.default(30_000) }),
} satisfies Record<StepKind, z.ZodType>;

export type RawStep = { [K in StepKind]: { kind: K; value: z.output<(typeof STEP_SCHEMAS)[K]> } }[StepKind];
export type RawUtterance = { text?: string | undefined; audio?: string | undefined; one_of?: { text?: string | undefined; audio?: string | undefined }[] | undefined };

/**
 * The schema for one step's value. `silence: 2s` is a fixed pause, `silence: { min, max }` a
 * range; an empty value (`hangup:`) means `{}`.
 */
export function stepSchema(kind: StepKind, value: unknown): z.ZodType {
  if (kind === 'silence' && (typeof value !== 'object' || value === null)) {
    return durationMs.transform((ms) => ({ min: ms, max: ms }));
  }
  return STEP_SCHEMAS[kind];
}

/** The keys an object at a path inside the scenario accepts, for "did you mean". */
export function knownScenarioKeysAt(path: readonly PropertyKey[]): string[] {
  if (path[0] === 'steps' && typeof path[2] === 'string' && path[2] in STEP_SCHEMAS) {
    if (path[3] === 'one_of') return Object.keys(utteranceChoice.shape);
    return objectKeysAt(STEP_SCHEMAS[path[2] as StepKind], path.slice(3));
  }
  return objectKeysAt(scenarioSchema, path);
}
