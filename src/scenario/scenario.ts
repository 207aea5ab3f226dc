import type { Threshold } from '../results/threshold.js';
import type { Template } from './template.js';

/** Where a step was written, for the runner's messages. */
export interface SourcePosition {
  line: number;
  col: number;
}

/** What the caller says: synthesised text (templated) or a prerecorded file (absolute path). */
export type UtteranceChoice = { kind: 'text'; text: Template } | { kind: 'audio'; path: string };

/** One utterance; `one_of` gives several choices, one drawn per call from the run's seeded random stream. */
export interface Utterance {
  choices: UtteranceChoice[];
}

export type ScenarioStep =
  | { kind: 'wait_greeting'; at: SourcePosition; timeoutMs: number }
  | { kind: 'say'; at: SourcePosition; utterance: Utterance; replyTimeoutMs: number; expectReply: boolean }
  | { kind: 'barge_in'; at: SourcePosition; utterance: Utterance; afterMs: number; replyTimeoutMs: number }
  /** Think time, drawn uniformly in [minMs, maxMs] per call (equal for a fixed pause). */
  | { kind: 'silence'; at: SourcePosition; minMs: number; maxMs: number }
  /** RFC 4733 telephone events. */
  | { kind: 'dtmf'; at: SourcePosition; digits: string; durationMs: number; gapMs: number }
  | { kind: 'hangup'; at: SourcePosition }
  | { kind: 'wait_hangup'; at: SourcePosition; timeoutMs: number };

export type StepKind = ScenarioStep['kind'];

export const STEP_KINDS: readonly StepKind[] = ['wait_greeting', 'say', 'barge_in', 'silence', 'dtmf', 'hangup', 'wait_hangup'];

/** Per-call rows from a CSV file (SIPp's `-inf`): row values fill templates by column name. */
export interface ScenarioData {
  /** Absolute path. */
  file: string;
  order: 'sequential' | 'random';
  columns: string[];
  rows: Record<string, string>[];
}

/** A validated scenario: durations in milliseconds, file paths absolute, templates parsed. */
export interface Scenario {
  /** The file it was read from, as given. */
  file: string;
  name?: string;
  description?: string;
  /** The agent's SIP URI; the command line may give or override it. */
  target?: string;
  from: Template;
  to?: Template;
  transport: 'udp' | 'tcp';
  codecs: ('PCMU' | 'PCMA')[];
  headers: { name: string; value: Template }[];
  /** Digest user name; the password comes from the environment only. */
  authUser?: Template;
  data?: ScenarioData;
  /** How `text:` utterances are synthesised (espeak-ng voice and speaking rate). */
  tts: { voice: string; rateWpm: number };
  /** Pass/fail conditions checked at the end of a run, like --threshold. */
  thresholds: Threshold[];
  steps: ScenarioStep[];
}
