import { basename } from 'node:path';
import { loadUtterance, type LoadUtteranceOptions, type Utterance } from '../audio/index.js';
import { synthesizeSpeech, type SynthesizeOptions } from '../audio/synthesizeSpeech.js';
import type { Scenario, UtteranceChoice } from '../scenario/scenario.js';
import { renderTemplate } from '../scenario/template.js';
import { plannedUtterance, type PlannedUtterance } from './callPlan.js';

/** A scenario with every utterance it can say loaded once, at 8 kHz: calls share these samples. */
export interface PreparedScenario {
  scenario: Scenario;
  /** By {@link utteranceKey}. */
  utterances: ReadonlyMap<string, PlannedUtterance>;
  /** Texts turned into speech for this run, and how many of them came from the cache. */
  synthesis: { texts: number; cached: number; engineRuns: number };
}

export interface PrepareProgress {
  /** After each utterance is ready: done of total. */
  (event: { done: number; total: number; label: string; cached?: boolean; decodedWith?: string }): void;
}

export interface PrepareScenarioOptions {
  /** Where the synthesis cache lives and which engine runs (voice and rate come from the scenario). */
  speech?: Omit<SynthesizeOptions, 'voice' | 'rateWpm'>;
  audio?: LoadUtteranceOptions;
  onProgress?: PrepareProgress;
}

/** The key of one utterance: an audio file's path, or the rendered text. */
export function utteranceKey(choice: UtteranceChoice, values: Readonly<Record<string, string>>): string {
  return choice.kind === 'audio' ? `audio:${choice.path}` : `text:${renderTemplate(choice.text, values)}`;
}

/**
 * Before the first call: reads every audio file and synthesises every text the scenario can say
 * (each text once per distinct rendering over the CSV rows; text may use only CSV columns, so that
 * set is finite). Synthesis is cached on disk (see synthesizeSpeech), so a second run reuses the
 * files. Throws the loader's or synthesiser's VoiceloadError (with its hint) on the first problem.
 */
export async function prepareScenario(scenario: Scenario, options: PrepareScenarioOptions = {}): Promise<PreparedScenario> {
  const rows: Readonly<Record<string, string>>[] = scenario.data?.rows ?? [{}];
  const wanted = new Map<string, UtteranceChoice & { rendered?: string }>();
  for (const step of scenario.steps) {
    if (step.kind !== 'say' && step.kind !== 'barge_in') continue;
    for (const choice of step.utterance.choices) {
      if (choice.kind === 'audio') wanted.set(utteranceKey(choice, {}), choice);
      else for (const row of rows) wanted.set(utteranceKey(choice, row), { ...choice, rendered: renderTemplate(choice.text, row) });
    }
  }
  const utterances = new Map<string, PlannedUtterance>();
  const synthesis = { texts: 0, cached: 0, engineRuns: 0 };
  let done = 0;
  for (const [key, choice] of wanted) {
    let audio: Utterance;
    let label: string;
    let cached: boolean | undefined;
    if (choice.kind === 'audio') {
      audio = loadUtterance(choice.path, options.audio);
      label = basename(choice.path);
    } else {
      label = choice.rendered ?? choice.text.source;
      const speech = await synthesizeSpeech(label, { ...options.speech, voice: scenario.tts.voice, rateWpm: scenario.tts.rateWpm });
      synthesis.texts++;
      if (speech.cached) synthesis.cached++;
      else synthesis.engineRuns++;
      cached = speech.cached;
      audio = loadUtterance(speech.path, options.audio);
    }
    utterances.set(key, plannedUtterance(label, audio));
    done++;
    const decodedWith = audio.decodedWith === undefined ? {} : { decodedWith: `${audio.decodedWith.path} (${audio.decodedWith.source})` };
    options.onProgress?.({ done, total: wanted.size, label, ...(cached === undefined ? {} : { cached }), ...decodedWith });
  }
  return { scenario, utterances, synthesis };
}
