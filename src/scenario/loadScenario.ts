import { readFileSync } from 'node:fs';
import { VoiceloadError } from '../core/errors.js';
import { parseScenario } from './parseScenario.js';
import type { Scenario } from './scenario.js';

/** Reads and validates a scenario file; throws ScenarioError (CONFIG) listing every problem. */
export function loadScenario(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new VoiceloadError('CONFIG', `cannot read scenario ${path}: ${(e as Error).message}`, {
      hint: 'give the path of a YAML scenario, e.g. scenarios/order-status.yaml',
      cause: e,
    });
  }
  return parseScenario(text, path);
}
