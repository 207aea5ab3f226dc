import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SystemClock } from '../core/clock.js';
import { isVoiceloadError, VoiceloadError } from '../core/errors.js';
import { SIP_PASSWORD_ENV } from '../core/secretEnv.js';
import { createTcpTransport, createUdpTransport, type SipTransport } from '../sip/transport/index.js';
import { formatSippCall, formatSippSummary } from '../sipp/formatSippRun.js';
import { parseInjectionFile, type InjectionFile } from '../sipp/injectionFile.js';
import { parseSippScenario } from '../sipp/parseSippScenario.js';
import { runSippScenario } from '../sipp/runSippScenario.js';
import { createSippMediaFactory, loadSippMediaFiles } from '../sipp/sippMedia.js';
import { resolveSippRunOptions, type SippRunOptions } from '../sipp/sippRunOptions.js';
import { ExitCode } from './exitCodes.js';

export interface SippCommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  signal?: AbortSignal;
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new VoiceloadError('CONFIG', `cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { cause: e });
  }
}

/**
 * `voiceload run scenario.xml TARGET`: runs a SIPp XML scenario as a load and prints each failed call
 * and a summary (or NDJSON: one object per call, then the summary). Returns the exit code.
 */
export async function runSippCommand(file: string, opts: SippRunOptions, io: SippCommandIo): Promise<number> {
  let prepared;
  try {
    const scenario = parseSippScenario(readText(file, 'scenario'), file);
    const options = resolveSippRunOptions({ ...opts, ...(opts.authPassword === undefined && process.env[SIP_PASSWORD_ENV] !== undefined ? { authPassword: process.env[SIP_PASSWORD_ENV] } : {}) });
    const injection: InjectionFile | undefined = options.injectionFile === undefined ? undefined : parseInjectionFile(readText(options.injectionFile, 'injection file'), options.injectionFile);
    const files = loadSippMediaFiles(scenario, dirname(file));
    prepared = { scenario, options, injection, files };
  } catch (e) {
    if (!isVoiceloadError(e)) throw e;
    io.stderr(`voiceload: ${e.message}\n${e.hint === undefined ? '' : `hint: ${e.hint}\n`}`);
    return e.code === 'CONFIG' || e.code === 'CLI_USAGE' || e.code.startsWith('AUDIO') ? ExitCode.usage : ExitCode.internal;
  }
  const { scenario, options, injection, files } = prepared;
  for (const w of scenario.warnings) io.stderr(`warning: ${w}\n`);

  const clock = new SystemClock();
  let transport: SipTransport;
  try {
    const bind = { host: options.localHost, port: options.localPort, clock };
    transport = options.transport === 'tcp' ? await createTcpTransport(bind) : await createUdpTransport(bind);
  } catch (e) {
    io.stderr(`voiceload: ${e instanceof Error ? e.message : String(e)}\n`);
    return ExitCode.internal;
  }
  const needsMedia = scenario.usesMediaPort || scenario.commands.some((c) => c.kind === 'nop' && c.media.length > 0);
  let result;
  try {
    result = await runSippScenario(scenario, options, {
      clock,
      transport,
      ...(io.signal === undefined ? {} : { signal: io.signal }),
      ...(needsMedia ? { media: createSippMediaFactory({ clock, localHost: options.localHost, files }) } : {}),
      ...(injection === undefined ? {} : { injection }),
      onWarning: (w) => io.stderr(`warning: ${w}\n`),
      onCallEnd: (r) => {
        if (opts.json === true) io.stdout(JSON.stringify({ type: 'call', ...r }) + '\n');
        else if (opts.verbose === true) io.stderr(formatSippCall(r) + '\n');
      },
    });
  } finally {
    // The last BYE/ACK/CANCEL datagrams leave before the socket closes.
    await new Promise((r) => setTimeout(r, 50));
    await transport.close();
  }
  if (opts.json === true) io.stdout(JSON.stringify({ type: 'summary', ...result.summary }) + '\n');
  else {
    if (opts.verbose !== true) {
      const failed = result.calls.filter((c) => c.outcome === 'failed');
      for (const c of failed.slice(0, 10)) io.stdout(formatSippCall(c) + '\n');
      if (failed.length > 10) io.stdout(`... and ${failed.length - 10} more failed calls\n`);
    }
    io.stdout(formatSippSummary(result.summary) + '\n');
  }
  if (result.summary.aborted) return ExitCode.aborted;
  return result.summary.failed > 0 || result.summary.callsStarted === 0 ? ExitCode.callFailed : ExitCode.ok;
}
