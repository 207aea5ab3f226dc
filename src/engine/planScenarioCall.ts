import { VoiceloadError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import type { ScenarioData, ScenarioStep, Utterance } from '../scenario/scenario.js';
import { renderTemplate } from '../scenario/template.js';
import type { CallSetup } from './callConfig.js';
import type { PlannedStep, PlannedUtterance } from './callPlan.js';
import { utteranceKey, type PreparedScenario } from './prepareScenario.js';

/** What differs from one call of a run to the next. */
export interface CallContext {
  runId: string;
  /** 1-based, in start order. */
  callNumber: number;
  /** The call's own random stream (one_of, think time, random CSV rows): seeded per call for reproducible runs. */
  rng: Rng;
  /** The SIP Call-ID the call will use ({{call_id}}). */
  callId: string;
}

export interface PlannedCall {
  setup: CallSetup;
  steps: PlannedStep[];
  /** The CSV row the call used (1-based data row), when the scenario has data. */
  dataRow?: number;
}

/** The CSV row of a call: sequential rows wrap around (SIPp -inf SEQUENTIAL); random rows come from the call's stream. */
export function pickDataRow(data: ScenarioData, callNumber: number, rng: Rng): number {
  if (data.order === 'random') return Math.floor(rng() * data.rows.length);
  return (callNumber - 1) % data.rows.length;
}

/**
 * Pure: one call of a prepared scenario. Fills templates (built-ins and the call's CSV row), draws
 * one_of choices and think times from the call's random stream, and picks the loaded utterances.
 * `base` carries what the command line decides (target, local address, timers).
 */
export function planScenarioCall(prepared: PreparedScenario, base: CallSetup, ctx: CallContext): PlannedCall {
  const s = prepared.scenario;
  const rowIndex = s.data === undefined ? undefined : pickDataRow(s.data, ctx.callNumber, ctx.rng);
  const row = rowIndex === undefined ? {} : (s.data?.rows[rowIndex] ?? {});
  const values: Record<string, string> = { ...row, run_id: ctx.runId, call_number: String(ctx.callNumber), call_id: ctx.callId };
  const fill = (t: Parameters<typeof renderTemplate>[0]): string => renderTemplate(t, values);
  const target = s.to === undefined ? base.target : withUser(base.target, fill(s.to));
  const setup: CallSetup = {
    ...base,
    target,
    transport: s.transport,
    codecs: [...s.codecs],
    fromUser: fill(s.from),
    callId: ctx.callId,
    headers: [...base.headers, ...s.headers.map((h) => ({ name: h.name, value: fill(h.value) }))],
  };
  if (s.authUser !== undefined && base.auth !== undefined) setup.auth = { ...base.auth, username: fill(s.authUser) };
  const steps = s.steps.map((step) => planStep(step, prepared, values, ctx.rng));
  return { setup, steps, ...(rowIndex === undefined ? {} : { dataRow: rowIndex + 1 }) };
}

function planStep(step: ScenarioStep, prepared: PreparedScenario, values: Record<string, string>, rng: Rng): PlannedStep {
  const at = step.at;
  switch (step.kind) {
    case 'wait_greeting':
      return { kind: 'wait_greeting', at, timeoutMs: step.timeoutMs };
    case 'say':
      return { kind: 'say', at, utterance: choose(step.utterance, prepared, values, rng), replyTimeoutMs: step.replyTimeoutMs, expectReply: step.expectReply };
    case 'barge_in':
      // The barge-in is a turn of its own: its reply is awaited like a say's.
      return { kind: 'barge_in', at, utterance: choose(step.utterance, prepared, values, rng), afterMs: step.afterMs, replyTimeoutMs: step.replyTimeoutMs };
    case 'silence':
      return { kind: 'silence', at, durationMs: step.minMs === step.maxMs ? step.minMs : Math.round(step.minMs + rng() * (step.maxMs - step.minMs)) };
    case 'dtmf':
      return { kind: 'dtmf', at, digits: step.digits, durationMs: step.durationMs, gapMs: step.gapMs };
    case 'hangup':
      return { kind: 'hangup', at };
    case 'wait_hangup':
      return { kind: 'wait_hangup', at, timeoutMs: step.timeoutMs };
  }
}

function choose(u: Utterance, prepared: PreparedScenario, values: Record<string, string>, rng: Rng): PlannedUtterance {
  const choice = u.choices.length === 1 ? u.choices[0] : u.choices[Math.floor(rng() * u.choices.length)];
  const planned = choice === undefined ? undefined : prepared.utterances.get(utteranceKey(choice, values));
  if (planned === undefined) {
    throw new VoiceloadError('INTERNAL', 'an utterance was not prepared before the run', { hint: 'prepareScenario must run on the same scenario' });
  }
  return planned;
}

/** sip:agent@host:5060 with the user part replaced (or added): the scenario's `to`. */
export function withUser(uri: string, user: string): string {
  const m = /^(sips?:)(?:[^@;?]*@)?(.*)$/i.exec(uri);
  if (m === null) return uri;
  return `${m[1]}${encodeURIComponent(user).replace(/%2B/g, '+')}@${m[2]}`;
}
