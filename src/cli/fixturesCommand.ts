import type { Command } from 'commander';
import { inspectAudio } from '../audio/inspectAudio.js';
import { synthesizeFixture } from '../audio/synthesizeFixture.js';
import { isVoiceloadError, VoiceloadError } from '../core/errors.js';
import { ExitCode } from './exitCodes.js';

/** Milliseconds to 0.01, as audio-fixtures/manifest.json records them. */
function ms(value: number): number {
  return Math.round(value * 100) / 100;
}

function report(e: unknown): void {
  if (isVoiceloadError(e)) {
    process.stderr.write(`voiceload: ${e.message}\n`);
    if (e.hint !== undefined) process.stderr.write(`hint: ${e.hint}\n`);
    process.exitCode = e.code === 'CLI_USAGE' || e.code.startsWith('AUDIO') ? ExitCode.usage : ExitCode.internal;
    return;
  }
  process.stderr.write(`voiceload: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = ExitCode.internal;
}

function parseRate(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new VoiceloadError('CLI_USAGE', `--rate must be a positive number of words per minute, got '${value}'`);
  return n;
}

/** `voiceload fixtures inspect FILE` and `voiceload fixtures synth "text" -o FILE`. */
export function registerFixturesCommand(program: Command): void {
  const fixtures = program.command('fixtures').description('inspect or synthesise caller audio fixtures');

  fixtures
    .command('inspect')
    .description('print duration, sample rate, channels and speech start/end (on the 8 kHz audio as sent)')
    .argument('<file>', 'WAV, or mp3/ogg/flac/m4a (decoded with ffmpeg)')
    .option('--ffmpeg <path>', 'ffmpeg binary (default: FFMPEG_PATH, ffmpeg-static, then PATH)')
    .option('--json', 'print one JSON object')
    .option('-v, --verbose', 'say which ffmpeg decoded the file')
    .action((file: string, opts: { ffmpeg?: string; json?: boolean; verbose?: boolean }) => {
      try {
        const info = inspectAudio(file, opts.ffmpeg === undefined ? {} : { ffmpegPath: opts.ffmpeg });
        if (opts.verbose === true) {
          process.stderr.write(
            info.decodedWith === undefined ? `${file}: read as WAV\n` : `${file}: decoded with ${info.decodedWith.path} (from ${info.decodedWith.source})\n`,
          );
        }
        const speech = { startMs: info.speechStartMs, endMs: info.speechEndMs };
        if (opts.json === true) {
          const json = {
            file,
            durationMs: ms(info.durationMs),
            sampleRate: info.sampleRate,
            channels: info.channels,
            speechStartMs: speech.startMs === undefined ? null : ms(speech.startMs),
            speechEndMs: speech.endMs === undefined ? null : ms(speech.endMs),
            ...(info.decodedWith === undefined ? {} : { decodedWith: info.decodedWith }),
          };
          process.stdout.write(JSON.stringify(json, null, 2) + '\n');
          return;
        }
        const none = 'none (no speech found)';
        process.stdout.write(
          [
            `duration_ms: ${ms(info.durationMs)}`,
            `sample_rate_hz: ${info.sampleRate}`,
            `channels: ${info.channels}`,
            `speech_start_ms: ${speech.startMs === undefined ? none : ms(speech.startMs)}`,
            `speech_end_ms: ${speech.endMs === undefined ? none : ms(speech.endMs)}`,
          ].join('\n') + '\n',
        );
      } catch (e) {
        report(e);
      }
    });

  fixtures
    .command('synth')
    .description('speak text with espeak-ng and write it as an 8 kHz mono 16-bit WAV fixture')
    .argument('<text>', 'what the caller says')
    .requiredOption('-o, --output <file>', 'the WAV file to write')
    .option('--voice <voice>', 'espeak-ng voice', 'en-us')
    .option('--rate <wpm>', 'speaking rate in words per minute', '160')
    .option('--cache-dir <dir>', 'where synthesised speech is cached (default audio-fixtures/.cache/)')
    .option('--json', 'print one JSON object')
    .action(async (text: string, opts: { output: string; voice: string; rate: string; cacheDir?: string; json?: boolean }) => {
      try {
        const made = await synthesizeFixture(text, opts.output, {
          voice: opts.voice,
          rateWpm: parseRate(opts.rate),
          ...(opts.cacheDir === undefined ? {} : { cacheDir: opts.cacheDir }),
        });
        if (opts.json === true) {
          const json = {
            file: made.path,
            cached: made.cached,
            durationMs: ms(made.durationMs),
            sampleRate: 8000,
            speechStartMs: ms(made.speechStartMs),
            speechEndMs: ms(made.speechEndMs),
          };
          process.stdout.write(JSON.stringify(json, null, 2) + '\n');
          return;
        }
        process.stdout.write(
          [
            `wrote: ${made.path}${made.cached ? ' (speech from cache)' : ''}`,
            `duration_ms: ${ms(made.durationMs)}`,
            `sample_rate_hz: 8000`,
            `speech_start_ms: ${ms(made.speechStartMs)}`,
            `speech_end_ms: ${ms(made.speechEndMs)}`,
          ].join('\n') + '\n',
        );
      } catch (e) {
        report(e);
      }
    });
}
