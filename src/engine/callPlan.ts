import type { Utterance } from '../audio/index.js';
import { codecFor } from '../media/g711.js';
import { encodeUtterance } from '../media/encodeUtterance.js';

/** Where a step came from (a scenario's line and column), for messages about it. */
export interface StepSource {
  line: number;
  col: number;
}

/** One utterance of one call, already chosen (one_of drawn, templates filled) and loaded at 8 kHz. */
export interface PlannedUtterance {
  /** What the caller says, for results: the file name or the text. */
  label: string;
  audio: Utterance;
  /** The audio encoded once per codec (PCMU, PCMA): every call saying it sends these bytes. */
  encoded: Readonly<Record<string, Uint8Array>>;
}

/** An utterance ready for any call: loaded at 8 kHz and encoded once for each G.711 codec. */
export function plannedUtterance(label: string, audio: Utterance): PlannedUtterance {
  return { label, audio, encoded: encodeUtterance(audio.pcm8k, [codecFor('PCMU'), codecFor('PCMA')]) };
}

/**
 * One step of one call, resolved: durations drawn, utterances chosen. The runner executes these in
 * order; see {@link CallRunner}.
 */
export type PlannedStep = { at?: StepSource } & (
  | { kind: 'wait_greeting'; timeoutMs: number }
  | { kind: 'say'; utterance: PlannedUtterance; replyTimeoutMs: number; expectReply: boolean }
  /** Starts `afterMs` after the onset of the reply the previous step is waiting for; then a turn like `say`. */
  | { kind: 'barge_in'; utterance: PlannedUtterance; afterMs: number; replyTimeoutMs: number }
  | { kind: 'silence'; durationMs: number }
  | { kind: 'dtmf'; digits: string; durationMs: number; gapMs: number }
  | { kind: 'hangup' }
  | { kind: 'wait_hangup'; timeoutMs: number }
);

export type PlannedStepKind = PlannedStep['kind'];

/** Steps that say something and start a turn (a row in CallResult.turns). */
export type TurnStep = Extract<PlannedStep, { kind: 'say' | 'barge_in' }>;

export function isTurnStep(step: PlannedStep): step is TurnStep {
  return step.kind === 'say' || step.kind === 'barge_in';
}

/** Steps after which the conversation still expects something of the agent or the caller. */
export function stepNeedsAgent(step: PlannedStep): boolean {
  return step.kind === 'wait_greeting' || step.kind === 'barge_in' || step.kind === 'dtmf' || (step.kind === 'say' && step.expectReply);
}
