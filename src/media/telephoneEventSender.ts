import type { TelephoneEventPayload } from './telephoneEvent.js';

/** What a stream sends at a media tick, as decided by {@link TelephoneEventSender.tick}. */
export const DtmfTickAction = {
  /** No key press pending: the audio source's next frame, as usual. */
  Audio: 0,
  /** Waiting between key presses: a silent audio packet; the audio source is held (not read). */
  Silence: 1,
  /** An RFC 4733 event packet: {@link TelephoneEventSender.report} at {@link TelephoneEventSender.eventStartTick}. */
  Event: 2,
} as const;
export type DtmfTickAction = (typeof DtmfTickAction)[keyof typeof DtmfTickAction];

/** One sendDtmf call: keys pressed one after the other with the same duration and gap. */
export interface DtmfRequest {
  /** RFC 4733 event codes (0–255), one event per key. */
  events: readonly number[];
  /** Tone duration of each key, RTP timestamp units (1–65535: one 16-bit duration field, §2.3.5). */
  durationTs: number;
  /** Silence from one key's tone end to the next key's start, RTP timestamp units. */
  gapTs: number;
  /** Power level in −dBm0 (0–63, §2.3.4). */
  volume: number;
  /** Called once, from {@link TelephoneEventSender.afterSend}, once the request's last end report went out. */
  done: () => void;
  /** Called instead of `done` when the request is cancelled. */
  fail: (err: Error) => void;
}

export interface TelephoneEventSenderOptions {
  /** RTP timestamp units per media tick (160 for 20 ms at 8 kHz). */
  timestampStep: number;
  /** Sends of each event's final report (RFC 4733 §2.5.1.4: "a total of three times"). Default 3. */
  endRepeats?: number;
}

type Phase = 'idle' | 'waiting' | 'tone' | 'ending';

/**
 * The send side of RFC 4733 §2.5 for one stream, driven by its media tick (pure: no clock, no I/O).
 * Each key is one event whose RTP timestamp stays at the tick it started on (§2.5.1.1); its first
 * packet carries the marker bit (§2.5.1.2); every following tick sends an update whose duration
 * covers the media time up to the end of that tick's packet; the update reaching the key's full
 * duration carries the E bit and is sent three times in all on consecutive ticks (§2.5.1.4), each
 * with its own sequence number like any RTP packet. The next key starts `gapTs` of media time
 * after the previous tone ended (the end repeats fall inside that gap); in between, silence.
 *
 * Tick indices are the stream's (they may jump after a stall): durations follow the index, so a
 * skipped tick shortens nothing and only the updates it would have carried are missing. The
 * caller turns the decision into a packet in the stream's own sequence and timestamp space, so
 * audio after the keys continues on the media clock as if it had played throughout.
 */
export class TelephoneEventSender {
  /** The event report to send when {@link tick} returned Event; one object, overwritten each tick. */
  readonly report: TelephoneEventPayload = { event: 0, end: false, volume: 0, durationTs: 0 };
  /** Tick at which the current event started: its RTP timestamp (§2.5.1.1). */
  eventStartTick = 0;
  /** True for an event's first packet (RTP marker bit). */
  marker = false;
  private readonly step: number;
  private readonly endRepeats: number;
  private readonly queue: DtmfRequest[] = [];
  private request: DtmfRequest | undefined;
  private phase: Phase = 'idle';
  private keyIndex = 0;
  private endsSent = 0;
  private nextStartTick = 0;
  /** Media time (in ticks, fractional) at which the last tone ended; the next gap counts from it. */
  private lastToneEndTick = -Infinity;
  /** The request whose last end report the latest tick produced: settled by afterSend(). */
  private finished: DtmfRequest | undefined;

  constructor(options: TelephoneEventSenderOptions) {
    if (!Number.isInteger(options.timestampStep) || options.timestampStep <= 0) {
      throw new RangeError(`timestampStep must be a positive integer, got ${options.timestampStep}`);
    }
    this.step = options.timestampStep;
    this.endRepeats = options.endRepeats ?? 3;
    if (!Number.isInteger(this.endRepeats) || this.endRepeats < 1) throw new RangeError(`endRepeats must be ≥ 1, got ${this.endRepeats}`);
  }

  /** True when no key press is in progress or queued: every tick is audio. */
  get idle(): boolean {
    return this.request === undefined && this.queue.length === 0;
  }

  /** Queues a request after those already queued; it starts at the first tick after the previous one. */
  enqueue(request: DtmfRequest): void {
    checkRange('durationTs', request.durationTs, 1, 0xffff);
    checkRange('gapTs', request.gapTs, 0, Number.MAX_SAFE_INTEGER);
    checkRange('volume', request.volume, 0, 63);
    if (request.events.length === 0) throw new RangeError('a DTMF request needs at least one event');
    for (const e of request.events) checkRange('event', e, 0, 255);
    this.queue.push(request);
  }

  /**
   * Decides what the stream sends at tick `tick`. For Event, {@link report}, {@link marker} and
   * {@link eventStartTick} describe the packet. Call {@link afterSend} once it is sent.
   */
  tick(tick: number): DtmfTickAction {
    this.finished = undefined;
    if (this.request === undefined) {
      const next = this.queue.shift();
      if (next === undefined) return DtmfTickAction.Audio;
      this.request = next;
      this.keyIndex = 0;
      this.beginWaiting();
    }
    const req = this.request;
    if (this.phase === 'waiting') {
      if (tick < this.nextStartTick) return DtmfTickAction.Silence;
      this.phase = 'tone';
      this.eventStartTick = tick;
    }
    const r = this.report;
    r.event = req.events[this.keyIndex]!;
    r.volume = req.volume;
    if (this.phase === 'tone') {
      // The packet sent at a tick carries media up to the end of that tick (like an audio frame).
      const elapsedTs = (tick - this.eventStartTick + 1) * this.step;
      this.marker = tick === this.eventStartTick;
      r.end = elapsedTs >= req.durationTs;
      r.durationTs = r.end ? req.durationTs : elapsedTs;
      if (r.end) {
        this.phase = 'ending';
        this.endsSent = 0;
      }
    } else {
      this.marker = false;
      r.end = true;
      r.durationTs = req.durationTs;
    }
    if (this.phase === 'ending' && ++this.endsSent >= this.endRepeats) this.finishKey(req);
    return DtmfTickAction.Event;
  }

  /** After the packet of the latest Event tick went out: completes a request it finished. */
  afterSend(): void {
    const f = this.finished;
    if (f === undefined) return;
    this.finished = undefined;
    f.done();
  }

  /** Drops the request in progress and every queued one, failing each with `err`. */
  cancelAll(err: Error): void {
    const dropped = this.request === undefined ? this.queue.splice(0) : [this.request, ...this.queue.splice(0)];
    this.request = undefined;
    this.phase = 'idle';
    for (const r of dropped) r.fail(err);
  }

  private beginWaiting(): void {
    const req = this.request!;
    this.phase = 'waiting';
    // Tiny epsilon: a gap that ends exactly on a tick boundary starts the key on that tick.
    this.nextStartTick = Math.ceil(this.lastToneEndTick + req.gapTs / this.step - 1e-9);
  }

  private finishKey(req: DtmfRequest): void {
    this.lastToneEndTick = this.eventStartTick + req.durationTs / this.step;
    this.keyIndex++;
    if (this.keyIndex < req.events.length) {
      this.beginWaiting();
      return;
    }
    this.finished = req;
    this.request = undefined;
    this.phase = 'idle';
  }
}

function checkRange(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`DTMF ${name} must be an integer in ${min}–${max}, got ${value}`);
  }
}
