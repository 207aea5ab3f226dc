#!/usr/bin/env node
import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { SystemClock } from '../core/clock.js';
import { isVoiceloadError } from '../core/errors.js';
import { createStderrLogger } from '../core/log.js';
import { runCall } from '../engine/runCall.js';
import { formatCallSummary } from '../report/callSummary.js';
import { startAgent, AGENT_PASSWORD_ENV } from '../agent/simulatedAgent.js';
import { buildAgentConfig, type RawAgentOptions } from './agentOptions.js';
import { buildCallConfig, PASSWORD_ENV, type RawCallOptions } from './callOptions.js';
import { ExitCode } from './exitCodes.js';
import { formatCallEvent } from './formatCallEvent.js';
import { registerFixturesCommand } from './fixturesCommand.js';
import { registerPlanCommand } from './planCommand.js';
import { registerValidateCommand } from './validateCommand.js';
import { registerCompareCommand } from './compareCommand.js';
import { registerReportCommand } from './reportCommand.js';
import { registerCapacityCommand } from './capacityCommand.js';
import { registerDemoCommand } from './demoCommand.js';
import { registerLivekitCommand } from './livekitCommand.js';
import { registerRunCommand } from './runCommand.js';
import { normalizeSippArgs } from './runOptions.js';

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function fail(e: unknown): never {
  if (isVoiceloadError(e)) {
    process.stderr.write(`voiceload: ${e.message}\n`);
    if (e.hint !== undefined) process.stderr.write(`hint: ${e.hint}\n`);
    process.exit(e.code === 'CLI_USAGE' || e.code === 'CONFIG' || e.code.startsWith('AUDIO') ? ExitCode.usage : ExitCode.internal);
  }
  process.stderr.write(`voiceload: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(ExitCode.internal);
}

const program = new Command();
program.name('voiceload').description('Load tester for AI voice agents over SIP and RTP').version(version);

program
  .command('call')
  .description('place one measured call: greeting, caller turns, agent replies (time to first agent audio)')
  .argument('<sip-uri>', 'the agent, e.g. sip:agent@127.0.0.1:5060')
  .option('--say <file>', 'WAV file the caller says (repeat for more turns)', collect)
  .option('--no-greeting', 'the agent does not speak first')
  .addOption(new Option('--transport <proto>', 'SIP transport').choices(['udp', 'tcp']).default('udp'))
  .option('--codec <list>', 'offered codecs in preference order', 'pcmu,pcma')
  .option('--auth-user <user>', `digest user name (password from ${PASSWORD_ENV})`)
  .option('--header <header>', "extra INVITE header, 'Name: value' (repeatable)", collect)
  .option('--greeting-timeout <duration>', 'how long to wait for the greeting to start', '10s')
  .option('--reply-timeout <duration>', 'how long to wait for a reply to start after the caller stops', '10s')
  .option('--ring-timeout <duration>', 'CANCEL when not answered by then', '60s')
  .option('--media-timeout <duration>', 'fail when no RTP arrives this long after the answer', '5s')
  .option('--reply-end-silence <duration>', 'silence that ends an agent utterance', '700ms')
  .option('--think-time <duration>', 'pause before each caller utterance', '0ms')
  .option('--from-user <user>', 'user part of From and Contact', 'voiceload')
  .option('--local-ip <ip>', 'local address for SIP and RTP', '127.0.0.1')
  .option('--local-port <port>', 'local SIP port (0 = any free port)', '0')
  .option('--t1 <duration>', 'SIP timer T1 (Timer B = 64·T1)', '500ms')
  .option('--json', 'print one JSON object instead of the summary')
  .option('-v, --verbose', 'print call progress on stderr')
  .action(async (target: string, opts: RawCallOptions & { json?: boolean; verbose?: boolean }) => {
    let config;
    try {
      config = buildCallConfig(target, opts, process.env);
    } catch (e) {
      fail(e);
    }
    const clock = new SystemClock();
    const controller = new AbortController();
    let interrupts = 0;
    const onSignal = (): void => {
      interrupts++;
      if (interrupts > 1) process.exit(ExitCode.aborted);
      process.stderr.write('voiceload: stopping: ending the call (Ctrl-C again to quit at once)\n');
      controller.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const logger = createStderrLogger(opts.verbose === true ? 'debug' : 'warn');
    let result;
    try {
      result = await runCall(config, {
        clock,
        logger,
        signal: controller.signal,
        userAgent: `voiceload/${version}`,
        ...(opts.verbose === true ? { onEvent: (ev) => process.stderr.write(formatCallEvent(ev) + '\n') } : {}),
      });
    } catch (e) {
      fail(e);
    }
    const code = result.outcome === 'completed' ? ExitCode.ok : result.reason === 'aborted' ? ExitCode.aborted : ExitCode.callFailed;
    if (code === ExitCode.callFailed && opts.json === true) process.stderr.write(`voiceload: call failed: ${result.reasonText ?? result.reason}\n`);
    // Exit once the result is flushed: a piped stdout must not lose it.
    process.stdout.write(opts.json === true ? JSON.stringify(result, null, 2) + '\n' : formatCallSummary(result) + '\n', () => process.exit(code));
  });

program
  .command('agent')
  .description('run the simulated voice agent (a LiveKit-like SIP trunk + agent worker) until Ctrl-C')
  .option('--listen <host:port>', 'SIP address to listen on', '127.0.0.1:5060')
  .addOption(new Option('--transport <proto>', 'SIP transport').choices(['udp', 'tcp']).default('udp'))
  .option('--profile <name|file>', 'built-in profile (healthy, llm-bound, worker-bound, trunk-bound) or a YAML file', 'healthy')
  .option('--truth <file>', "append the agent's own timestamps (NDJSON, one record per call and turn)")
  .option('--metrics-port <port>', 'serve Prometheus metrics on http://<listen host>:<port>/metrics')
  .option('-v, --verbose', 'log calls on stderr')
  .action(async (opts: RawAgentOptions & { verbose?: boolean }) => {
    let agent;
    try {
      const config = buildAgentConfig(opts);
      agent = await startAgent({
        host: config.host,
        port: config.port,
        transport: config.transport,
        profile: config.profile,
        ...(config.truthPath === undefined ? {} : { truthPath: config.truthPath }),
        ...(config.metricsPort === undefined ? {} : { metricsPort: config.metricsPort }),
        logger: createStderrLogger(opts.verbose === true ? 'debug' : 'warn'),
      });
    } catch (e) {
      fail(e);
    }
    const running = agent;
    const auth = running.profile.signalling.auth;
    process.stderr.write(
      `voiceload agent: listening on ${running.uri} (profile ${running.profile.name})` +
        (auth === undefined ? '' : `, digest auth as ${auth.username} in realm ${auth.realm} (password from ${AGENT_PASSWORD_ENV})`) +
        (running.metricsPort === undefined ? '' : `; metrics on http://${running.host}:${running.metricsPort}/metrics`) +
        '\n',
    );
    let stopping = false;
    const stop = (): void => {
      if (stopping) process.exit(ExitCode.aborted);
      stopping = true;
      process.stderr.write('voiceload agent: stopping: ending calls with BYE (Ctrl-C again to quit at once)\n');
      running.stop().then(
        () => {
          const s = running.stats();
          process.stderr.write(`voiceload agent: stopped after ${s.offered} calls offered, ${s.answered} answered, ${s.completed} completed\n`);
          process.exit(ExitCode.ok);
        },
        (e: unknown) => fail(e),
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });

registerRunCommand(program, version, fail);
registerValidateCommand(program);
registerFixturesCommand(program);
registerPlanCommand(program);
registerCompareCommand(program, fail);
registerReportCommand(program, fail);
registerCapacityCommand(program, version, fail);
registerDemoCommand(program, version, fail);
registerLivekitCommand(program, fail);

program.parseAsync(normalizeSippArgs(process.argv)).catch(fail);
