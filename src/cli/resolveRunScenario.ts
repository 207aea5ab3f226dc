import { formatProblem } from '../config/configProblem.js';
import { VoiceloadError } from '../core/errors.js';
import { SIP_PASSWORD_ENV } from '../core/secretEnv.js';
import type { Scenario } from '../scenario/scenario.js';
import { validateScenario } from '../scenario/validateScenario.js';
import type { CommandIo } from './progressPrinter.js';
import { remoteToUri } from './runOptions.js';

/**
 * The scenario a YAML load command runs (`run`, `capacity`), checked before anything starts: its
 * warnings and problems printed (undefined when there are problems: exit 2), the target resolved (the
 * command line's remote over the scenario's), and the digest password present when it needs one.
 */
export function resolveRunScenario(
  config: { scenarioFile: string; remote?: string; password?: string },
  io: CommandIo,
): { scenario: Scenario; target: string } | undefined {
  const v = validateScenario(config.scenarioFile);
  for (const w of v.warnings) io.stderr(`warning: ${w}\n`);
  if (v.problems.length > 0 || v.scenario === undefined) {
    io.stderr(`voiceload: invalid scenario ${config.scenarioFile} (${v.problems.length} problem${v.problems.length === 1 ? '' : 's'}):\n`);
    for (const p of v.problems) io.stderr(`  ${formatProblem(p)}\n`);
    return undefined;
  }
  const scenario = v.scenario;
  const target = config.remote !== undefined ? remoteToUri(config.remote, scenario.target) : scenario.target;
  if (target === undefined) {
    throw new VoiceloadError('CLI_USAGE', `${config.scenarioFile} names no target and none was given`, { hint: 'add `target: sip:agent@host:port` to the scenario, or pass --target or host:port' });
  }
  if (scenario.authUser !== undefined && config.password === undefined) {
    throw new VoiceloadError('CONFIG', `the scenario sets auth_user: its password must be in ${SIP_PASSWORD_ENV}`, { hint: `export ${SIP_PASSWORD_ENV}=… (it is never read from files or the command line)` });
  }
  return { scenario, target };
}
