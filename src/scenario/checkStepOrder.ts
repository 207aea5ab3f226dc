import type { ScenarioStep } from './scenario.js';
import type { ScenarioSource } from './scenarioSource.js';

/**
 * Order rules a schema cannot express: the greeting comes first, a barge-in interrupts a reply
 * that something asked for, and nothing follows the end of the call.
 */
export function checkStepOrder(src: ScenarioSource, steps: readonly ScenarioStep[]): void {
  steps.forEach((step, i) => {
    const prev = steps[i - 1];
    if (step.kind === 'wait_greeting' && i > 0) {
      src.problem(['steps', i, step.kind], 'wait_greeting must be the first step: the greeting is what the agent says on answering');
    }
    if (step.kind === 'barge_in') {
      const interrupts = prev !== undefined && (prev.kind === 'wait_greeting' || (prev.kind === 'say' && prev.expectReply));
      if (!interrupts) {
        src.problem(
          ['steps', i, step.kind],
          `barge_in interrupts the agent while it speaks, so it must follow a say that expects a reply or a wait_greeting${prev === undefined ? '' : `, not ${prev.kind === 'say' ? 'a say with expect_reply: false' : prev.kind}`}`,
        );
      }
    }
    if (prev !== undefined && (prev.kind === 'hangup' || prev.kind === 'wait_hangup') && i === steps.findIndex((s) => s.kind === 'hangup' || s.kind === 'wait_hangup') + 1) {
      src.problem(['steps', i], `no step can follow ${prev.kind}: the call has ended`, `remove the steps after ${prev.kind}, or move ${prev.kind} to the end`);
    }
  });
}
