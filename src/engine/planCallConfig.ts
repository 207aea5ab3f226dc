import type { Utterance } from '../audio/index.js';
import type { CallConfig } from './callConfig.js';
import { plannedUtterance, type PlannedStep } from './callPlan.js';

/**
 * The plan of a `voiceload call`: the greeting (when expected), then each file in order with its
 * reply heard to the end, the think time after every reply, and a hang-up.
 */
export function planCallConfig(config: CallConfig, load: (file: string) => Utterance): PlannedStep[] {
  const steps: PlannedStep[] = [];
  const think = (): void => {
    if (config.thinkTimeMs > 0) steps.push({ kind: 'silence', durationMs: config.thinkTimeMs });
  };
  if (config.expectGreeting) {
    steps.push({ kind: 'wait_greeting', timeoutMs: config.greetingTimeoutMs });
    think();
  }
  for (const file of config.sayFiles) {
    steps.push({ kind: 'say', utterance: plannedUtterance(file, load(file)), replyTimeoutMs: config.replyTimeoutMs, expectReply: true });
    think();
  }
  steps.push({ kind: 'hangup' });
  return steps;
}
