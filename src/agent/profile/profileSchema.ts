import { z } from 'zod';
import { objectKeysAt } from '../../config/zodProblems.js';

/** The defaults of one latency: a profile may give both, only the median, or neither. */
interface LatencyDefault {
  median: number;
  p95: number;
}

/**
 * `{ median, p95 }` in milliseconds. A lone median keeps the default's p95/median spread, so
 * `{ median: 900 }` does not fall foul of a default p95 meant for a faster stage.
 */
function latencyMs(def: LatencyDefault) {
  const ms = z.number().positive();
  return z
    .strictObject({ median: ms.optional(), p95: ms.optional() })
    .transform((v, ctx) => {
      const median = v.median ?? def.median;
      const p95 = v.p95 ?? (v.median === undefined ? def.p95 : v.median * (def.p95 / def.median));
      if (p95 < median) {
        ctx.issues.push({
          code: 'custom',
          message: `p95 (${p95}) must be ≥ median (${median})${v.median === undefined ? ' (median defaults to ' + median + ')' : ''}`,
          path: ['p95'],
          input: v,
        });
      }
      return { median, p95 };
    })
    .prefault({});
}

const ms = z.number().nonnegative();
const positiveMs = z.number().positive();
const count = z.int().min(1);
/** What a refusing SIP trunk or worker pool answers with: 486 Busy Here or 503 Service Unavailable. */
const refusalStatus = z.literal([486, 503]);

interface StageDefault {
  latencyMs: LatencyDefault;
  concurrency: number;
}

function stage(def: StageDefault) {
  return z
    .strictObject({
      latencyMs: latencyMs(def.latencyMs),
      concurrency: count.default(def.concurrency),
      /** Most requests waiting (queued or backing off); beyond it a request fails. Unlimited when absent. */
      queueLimit: z.int().min(0).optional(),
      /** Provider rate limit: `requests` per `perSeconds`; a request finding none backs off retryAfterMs (429). */
      rateLimit: z
        .strictObject({
          requests: count,
          perSeconds: positiveMs.default(1),
          retryAfterMs: positiveMs.default(1000),
        })
        .optional(),
    })
    .prefault({});
}

/** The YAML profile of the simulated agent. Unknown keys are errors: a typo must not be ignored. */
export const agentProfileSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().default(''),
  /** Seed of the agent's random streams (latency draws): the same seed replays the same latencies. */
  seed: z.int().min(0).default(1),
  trunk: z
    .strictObject({
      channels: z.int().min(0).default(200),
      overflowStatus: refusalStatus.default(503),
    })
    .prefault({}),
  signalling: z
    .strictObject({
      ringingIntervalMs: positiveMs.default(1000),
      dispatchMs: latencyMs({ median: 300, p95: 600 }),
      joinMs: latencyMs({ median: 150, p95: 300 }),
      /** LiveKit-style 407 digest challenge; the password comes from VOICELOAD_AGENT_PASSWORD. */
      auth: z
        .strictObject({
          realm: z.string().min(1).default('voiceload'),
          username: z.string().min(1).default('voiceload'),
        })
        .optional(),
    })
    .prefault({}),
  workers: z
    .strictObject({
      count: count.default(5),
      jobsPerWorker: count.default(10),
      slotWaitMs: ms.default(5000),
      rejectStatus: refusalStatus.default(503),
      /** Real CPU burnt per 20 ms audio frame, so a saturated worker slows down for real. */
      cpuPerFrameUs: ms.default(0),
    })
    .prefault({}),
  conversation: z
    .strictObject({
      endpointingMs: ms.default(500),
      greeting: z.boolean().default(true),
      bargeInStopMs: ms.default(200),
      rtpTimeoutMs: positiveMs.default(15_000),
      replyEndSilenceMs: positiveMs.default(700),
    })
    .prefault({}),
  stages: z
    .strictObject({
      stt: stage({ latencyMs: { median: 120, p95: 250 }, concurrency: 200 }),
      llm: stage({ latencyMs: { median: 450, p95: 900 }, concurrency: 100 }),
      tts: stage({ latencyMs: { median: 150, p95: 300 }, concurrency: 200 }),
    })
    .prefault({}),
});

/** The keys the profile object at a key path accepts (for "did you mean"). */
export function knownKeysAt(path: readonly PropertyKey[]): string[] {
  return objectKeysAt(agentProfileSchema, path);
}
