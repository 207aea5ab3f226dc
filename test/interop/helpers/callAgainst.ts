import { SystemClock } from '../../../src/core/clock.js';
import { buildCallConfig, type RawCallOptions } from '../../../src/cli/callOptions.js';
import { runCall, type RunCallOptions } from '../../../src/engine/runCall.js';
import type { CallResult } from '../../../src/engine/callResult.js';

/** Places one call in-process with the same option handling as `voiceload call`. */
export function callAgainst(
  uri: string,
  options: RawCallOptions = {},
  env: Record<string, string> = {},
  extra: Partial<Pick<RunCallOptions, 'signal' | 'onAgentFrame' | 'onEvent'>> = {},
): Promise<CallResult> {
  const config = buildCallConfig(uri, { greetingTimeout: '5s', replyTimeout: '5s', ...options }, env);
  return runCall(config, { clock: new SystemClock(), ...extra });
}
