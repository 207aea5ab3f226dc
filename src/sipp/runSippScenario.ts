import type { Clock, TimerHandle } from '../core/clock.js';
import { isVoiceloadError } from '../core/errors.js';
import { createRng } from '../core/rng.js';
import type { RandomBytes } from '../sip/identifiers.js';
import type { SipTransport } from '../sip/transport/transport.js';
import type { InjectionFile } from './injectionFile.js';
import type { SippCall } from './sippCall.js';
import { SippCallHub } from './sippCallHub.js';
import type { SippCallMedia, SippMediaFactory } from './sippCallMedia.js';
import type { SippCallResult, SippRunResult } from './sippResult.js';
import type { ResolvedSippRunOptions } from './sippRunOptions.js';
import type { SippScenario } from './sippScenario.js';
import { summarizeSippRun } from './summarizeSippRun.js';

export interface SippRunDeps {
  clock: Clock;
  /** One transport shared by every call, like SIPp's single socket; the caller closes it. */
  transport: SipTransport;
  signal?: AbortSignal;
  /** Per-call media ports and playback; absent: [media_port] is 0 and <nop> media fails the call. */
  media?: SippMediaFactory;
  injection?: InjectionFile;
  /** Each lint warning, once, when it first happens. */
  onWarning?: (warning: string) => void;
  onCallEnd?: (result: SippCallResult) => void;
  random?: RandomBytes;
  /** How long an ended call still answers retransmissions (e.g. re-sends the ACK for a repeated 200). Default 4000 ms. */
  lingerMs?: number;
}

/**
 * Runs a SIPp scenario as a load: calls start at `rate` per `ratePeriodMs` from the run's start
 * (each at its intended time, later only while `concurrency` calls are up), until `calls` have
 * started; it resolves when every started call has ended. Messages are routed to calls by Call-ID.
 * On abort no more calls start and the active ones end (BYE or CANCEL) with reason "aborted".
 */
export function runSippScenario(scenario: SippScenario, options: ResolvedSippRunOptions, deps: SippRunDeps): Promise<SippRunResult> {
  const { clock, transport } = deps;
  const t0 = clock.nowMs();
  const results: SippCallResult[] = [];
  const active = new Set<SippCall>();
  let started = 0;
  let pendingStarts = 0;
  let aborted = false;
  let scheduleTimer: TimerHandle | undefined;
  const intervalMs = options.ratePeriodMs / options.rate;

  return new Promise<SippRunResult>((resolve) => {
    let finished = false;
    const hub = new SippCallHub({
      scenario,
      options,
      clock,
      transport,
      rng: createRng(options.seed),
      ...(deps.injection === undefined ? {} : { injection: deps.injection }),
      ...(deps.random === undefined ? {} : { random: deps.random }),
      ...(deps.lingerMs === undefined ? {} : { lingerMs: deps.lingerMs }),
      onWarning: (_key, message) => deps.onWarning?.(message),
    });

    const maybeFinish = (): void => {
      if (finished || active.size > 0 || pendingStarts > 0 || (started < options.calls && !aborted)) return;
      finished = true;
      scheduleTimer?.cancel();
      hub.close();
      deps.signal?.removeEventListener('abort', onAbort);
      results.sort((a, b) => a.callNumber - b.callNumber);
      resolve({
        calls: results,
        summary: summarizeSippRun(scenario.file, results, {
          warnings: [...hub.warnings],
          malformedMessages: hub.malformedMessages,
          strayMessages: hub.strayMessages,
          aborted,
          durationMs: clock.nowMs() - t0,
        }),
      });
    };

    const ended = (call: SippCall, media: SippCallMedia | undefined, result: SippCallResult): void => {
      active.delete(call);
      results.push(result);
      deps.onCallEnd?.(result);
      void media?.close();
      schedule();
      maybeFinish();
    };

    const begin = (callNumber: number, media: SippCallMedia | undefined): void => {
      const call: SippCall = hub.create(callNumber, media, (r) => ended(call, media, r));
      active.add(call);
      call.start();
    };

    const startCall = (callNumber: number): void => {
      if (deps.media === undefined) {
        begin(callNumber, undefined);
        return;
      }
      pendingStarts++;
      deps.media(callNumber).then(
        (media) => {
          pendingStarts--;
          if (aborted) {
            void media.close();
            maybeFinish();
            return;
          }
          begin(callNumber, media);
        },
        (e: unknown) => {
          pendingStarts--;
          const now = clock.nowMs();
          const result: SippCallResult = {
            callId: '',
            callNumber,
            outcome: 'failed',
            reason: `media: ${e instanceof Error ? e.message : String(e)}`,
            reasonCode: isVoiceloadError(e) && e.code === 'PORTS_EXHAUSTED' ? 'ports_exhausted' : 'media',
            rtdMs: {},
            inviteToFinalMs: null,
            inviteFinalStatus: null,
            startedAtMs: now,
            endedAtMs: now,
            retransmissions: 0,
          };
          results.push(result);
          deps.onCallEnd?.(result);
          schedule();
          maybeFinish();
        },
      );
    };

    function schedule(): void {
      scheduleTimer?.cancel();
      scheduleTimer = undefined;
      while (!aborted && started < options.calls && active.size + pendingStarts < options.concurrency) {
        const dueMs = t0 + started * intervalMs;
        const now = clock.nowMs();
        if (dueMs > now) {
          scheduleTimer = clock.setTimer(dueMs - now, schedule);
          return;
        }
        started++;
        startCall(started);
      }
    }

    function onAbort(): void {
      if (aborted) return;
      aborted = true;
      scheduleTimer?.cancel();
      for (const call of [...active]) call.abort('aborted');
      maybeFinish();
    }

    if (deps.signal?.aborted === true) onAbort();
    else deps.signal?.addEventListener('abort', onAbort, { once: true });
    schedule();
    maybeFinish();
  });
}
