import type { Command } from 'commander';
import { VoiceloadError, isVoiceloadError } from '../core/errors.js';
import { LIVEKIT_SIP_PASSWORD_ENV } from '../core/secretEnv.js';
import { formatOverlappingTrunks, formatSetupDone, formatTeardownItems } from '../livekit/formatProvisioning.js';
import { readLivekitCredentials, type LivekitCredentials } from '../livekit/livekitCredentials.js';
import type { LivekitSipApi } from '../livekit/livekitSipApi.js';
import { DEFAULT_LIVEKIT_STATE_FILE } from '../livekit/livekitState.js';
import { readLivekitStateFile, removeLivekitStateFile, writeLivekitStateFile } from '../livekit/livekitStateFile.js';
import { buildProvisionSpec, DEFAULT_PROVISION_NAME, DEFAULT_ROOM_PREFIX, type RawProvisionOptions } from '../livekit/provisionSpec.js';
import { redactSecrets } from '../livekit/redactSecrets.js';
import { setupLivekit } from '../livekit/setupLivekit.js';
import { SIP_HOST_PLACEHOLDER } from '../livekit/sipTargetUri.js';
import { teardownLivekit } from '../livekit/teardownLivekit.js';
import { ExitCode } from './exitCodes.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The SDK (and its protobuf runtime) loads only when a livekit command runs, never for `voiceload run`. */
async function openSipApi(credentials: LivekitCredentials, secrets: string[]): Promise<LivekitSipApi> {
  const { createSdkSipApi } = await import('../livekit/sdkSipApi.js');
  return createSdkSipApi(credentials, { secrets });
}

/**
 * `voiceload livekit setup|teardown`: provisions an inbound trunk plus an individual dispatch rule
 * for a test and removes exactly those again. A LiveKit API failure exits 1; bad input exits 2.
 */
export function registerLivekitCommand(program: Command, fail: (e: unknown) => never): void {
  // Everything printed goes through here: secrets are never passed to output, and any that a
  // server or library echoes are redacted.
  const secrets = (): string[] =>
    [process.env.LIVEKIT_API_SECRET, process.env.LIVEKIT_API_KEY, process.env[LIVEKIT_SIP_PASSWORD_ENV]].filter((s): s is string => s !== undefined && s !== '');
  const out = (text: string): Promise<void> => new Promise((resolve) => process.stdout.write(redactSecrets(text, secrets()), () => resolve()));
  const err = (text: string): void => void process.stderr.write(redactSecrets(text, secrets()));
  const failLivekit = (e: unknown): never => {
    if (isVoiceloadError(e) && (e.code === 'LIVEKIT_API' || e.code === 'RESULTS_WRITE')) {
      err(`voiceload: ${e.message}\n`);
      if (e.hint !== undefined) err(`hint: ${e.hint}\n`);
      process.exit(ExitCode.callFailed);
    }
    return fail(e);
  };

  const livekit = program.command('livekit').description('provision LiveKit SIP for a test (inbound trunk + dispatch rule) and remove it again');

  livekit
    .command('setup')
    .description('create an inbound trunk and an individual dispatch rule; print the SIP URI to call; record the IDs in the state file')
    .option('--number <e164>', 'number callers dial, e.g. +15550100 (repeatable)', collect)
    .option('--allowed-address <cidr>', 'accept calls only from this IP or CIDR block (repeatable)', collect)
    .option('--auth-user <user>', `require digest auth with this user (password from ${LIVEKIT_SIP_PASSWORD_ENV})`)
    .option('--agent-name <name>', 'dispatch this agent explicitly into each room (default: automatic dispatch)')
    .option('--room-prefix <prefix>', 'prefix of the room created for each call', DEFAULT_ROOM_PREFIX)
    .option('--name <name>', 'name of the trunk and of the dispatch rule', DEFAULT_PROVISION_NAME)
    .option('--sip-host <host>', "your project's SIP host (LiveKit Cloud: <id>.sip.livekit.cloud in the project settings)")
    .option('--state <file>', 'where to record what was created', DEFAULT_LIVEKIT_STATE_FILE)
    .option('--force', 'replace an existing state file (the IDs it records are then no longer torn down by voiceload)')
    .action(async (opts: RawProvisionOptions & { state: string; force?: boolean }) => {
      try {
        const credentials = readLivekitCredentials(process.env);
        const spec = buildProvisionSpec(opts, process.env);
        const previous = await readLivekitStateFile(opts.state).catch((e: unknown) => {
          if (opts.force === true) return undefined;
          throw e;
        });
        if (previous !== undefined && opts.force !== true) {
          throw new VoiceloadError('CLI_USAGE', `${opts.state} already records a setup (trunk ${previous.trunkIds.join(', ') || 'none'}, dispatch rule ${previous.dispatchRuleIds.join(', ') || 'none'})`, {
            hint: `run \`voiceload livekit teardown --state ${opts.state}\` first, or pass another --state file (--force replaces it and forgets those IDs)`,
          });
        }
        if (previous !== undefined) {
          err(`voiceload: warning: replacing ${opts.state}: trunk ${previous.trunkIds.join(', ') || 'none'} and dispatch rule ${previous.dispatchRuleIds.join(', ') || 'none'} are no longer tracked; delete them in the LiveKit dashboard if they still exist\n`);
        }
        const api = await openSipApi(credentials, spec.auth === undefined ? [] : [spec.auth.password]);
        const outcome = await setupLivekit(spec, api, { livekitUrl: credentials.origin, now: new Date() });
        err(formatOverlappingTrunks(outcome.overlappingTrunks));
        if (!outcome.ok) {
          if (outcome.rolledBack.length > 0) err(`voiceload: removed ${outcome.rolledBack.join(', ')} again after the failure\n`);
          if (outcome.leftover !== undefined) {
            await writeLivekitStateFile(opts.state, outcome.leftover);
            err(`voiceload: trunk ${outcome.leftover.trunkIds.join(', ')} was created but could not be removed; recorded in ${opts.state}: run \`voiceload livekit teardown --state ${opts.state}\`\n`);
          }
          throw outcome.error;
        }
        try {
          await writeLivekitStateFile(opts.state, outcome.state);
        } catch (e) {
          // Without the state file teardown could not find them: remove them now rather than leak.
          const undo = await teardownLivekit(outcome.state, api);
          err(formatTeardownItems(undo.items));
          if (undo.remaining !== undefined) {
            err(`voiceload: still on LiveKit, delete by hand: trunk ${undo.remaining.trunkIds.join(', ') || 'none'}, dispatch rule ${undo.remaining.dispatchRuleIds.join(', ') || 'none'}\n`);
          }
          throw e;
        }
        await out(formatSetupDone(spec, outcome.state, opts.state));
        if (outcome.state.sipUri === null) {
          err(`hint: replace ${SIP_HOST_PLACEHOLDER} with your project's SIP host (LiveKit Cloud shows it in the project settings as <id>.sip.livekit.cloud), or pass --sip-host HOST\n`);
        }
      } catch (e) {
        failLivekit(e);
      }
      process.exitCode = ExitCode.ok;
    });

  livekit
    .command('teardown')
    .description('delete exactly the trunk and dispatch rule recorded in the state file, then remove the file')
    .option('--state <file>', 'the state file written by setup', DEFAULT_LIVEKIT_STATE_FILE)
    .action(async (opts: { state: string }) => {
      let code: number = ExitCode.ok;
      try {
        const state = await readLivekitStateFile(opts.state);
        if (state === undefined) {
          err(`voiceload: no ${opts.state}: nothing to tear down\n`);
          process.exitCode = ExitCode.ok;
          return;
        }
        const credentials = readLivekitCredentials(process.env);
        if (credentials.origin !== state.livekitUrl) {
          throw new VoiceloadError('CONFIG', `${opts.state} was written for ${state.livekitUrl}, but LIVEKIT_URL points to ${credentials.origin}`, {
            hint: `set LIVEKIT_URL (and the key and secret) to the project of ${state.livekitUrl}: voiceload deletes IDs only where it created them`,
          });
        }
        const api = await openSipApi(credentials, []);
        const outcome = await teardownLivekit(state, api);
        await out(formatTeardownItems(outcome.items));
        if (outcome.remaining === undefined) {
          await removeLivekitStateFile(opts.state);
          await out(`removed ${opts.state}\n`);
        } else {
          await writeLivekitStateFile(opts.state, outcome.remaining);
          err(`voiceload: ${opts.state} keeps the IDs not deleted; run teardown again\n`);
          code = ExitCode.callFailed;
        }
      } catch (e) {
        failLivekit(e);
      }
      process.exitCode = code;
    });
}
