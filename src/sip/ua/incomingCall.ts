import type { Clock, TimerHandle } from '../../core/clock.js';
import { parseCSeq } from '../cseq.js';
import { Dialog } from '../dialog/dialog.js';
import { generateBranch, type RandomBytes } from '../identifiers.js';
import { getHeader, getHeaders, type SipHeaderField, type SipRequest, type SipResponse } from '../message.js';
import type { ServerTransaction, TransactionLayer } from '../transaction/index.js';
import { createResponse } from '../transaction/createResponse.js';
import type { SipEndpoint } from '../transport/transport.js';
import { dialogHop } from './dialogHop.js';
import { SuccessRetransmitter } from './successRetransmitter.js';

export type IncomingCallState = 'offered' | 'answered' | 'confirmed' | 'ended';

/** Who ended the call: our reject/BYE, the caller's BYE, the caller's CANCEL, or no ACK for our 2xx. */
export type IncomingCallEndedBy = 'local' | 'remote' | 'cancel' | 'timeout';

/** What the call tells its owner. Times are transport receive stamps, or the clock when we sent. */
export interface IncomingCallListener {
  /** The ACK for our 2xx arrived: the dialog is confirmed. */
  onAck?(atMs: number): void;
  /** The caller CANCELled before we answered (the transaction layer already sent 200 and 487). */
  onCancel?(atMs: number): void;
  /** The caller sent BYE (already answered 200). */
  onRemoteBye?(atMs: number): void;
  /** 64·T1 of 2xx retransmissions without an ACK; the call is then ended with BYE (RFC 3261 §13.3.1.4). */
  onAckTimeout?(): void;
  /** Once per call, when it is over on the wire (for a local BYE: when the BYE got its final response or timed out). */
  onEnded?(atMs: number, by: IncomingCallEndedBy): void;
  /** Answers the SDP offer of a re-INVITE: the answer body, or undefined to refuse it with 488. */
  answerOffer?(offer: Buffer): Buffer | undefined;
  /** An in-dialog INFO (already answered 200), e.g. application/dtmf-relay. */
  onInfo?(req: SipRequest, atMs: number): void;
}

export interface IncomingCallTimeline {
  receivedAtMs: number;
  tryingSentAtMs?: number;
  ringingSentAtMs?: number;
  answeredAtMs?: number;
  ackReceivedAtMs?: number;
  byeSentAtMs?: number;
  byeReceivedAtMs?: number;
  endedAtMs?: number;
}

export interface IncomingCallOptions {
  invite: SipRequest;
  serverTx: ServerTransaction;
  /** Receive stamp of the INVITE. */
  receivedAtMs: number;
  /** Our To-tag for every response that carries one, and our dialog's local tag. */
  localTag: string;
  /** Our Contact URI (in 180/200 and the dialog). */
  contact: string;
  /** Via sent-by and transport for requests we originate: `SIP/2.0/UDP 127.0.0.1:5060`. */
  viaSentBy: string;
  /** Server / User-Agent header value. */
  userAgent: string;
  random?: RandomBytes;
  /** Owner bookkeeping (the user agent forgets the call); runs after the listener's onEnded. */
  onEnded?: () => void;
}

const ALLOW = 'INVITE, ACK, BYE, CANCEL, OPTIONS, INFO';
const EMPTY = Buffer.alloc(0);

/**
 * One received INVITE session, the UAS core of RFC 3261 §13.3: provisional responses (100, 180
 * repeated while ringing), the 2xx with our SDP (re-sent by the core until the ACK, §13.3.1.4), or a
 * rejection; CANCEL before the answer; BYE either way; in-dialog OPTIONS, INFO and re-INVITEs.
 * Created by the user agent before its owner sees it: the owner attaches a listener with `setListener`.
 */
export class IncomingCall {
  readonly invite: SipRequest;
  readonly callId: string;
  readonly receivedAtMs: number;
  /** Where the INVITE came from (responses and 2xx retransmissions go there). */
  readonly source: SipEndpoint;
  readonly timeline: IncomingCallTimeline;
  private listener: IncomingCallListener = {};
  private currentState: IncomingCallState = 'offered';
  private readonly dialog: Dialog;
  private readonly inviteSeq: number;
  private ringTimer: TimerHandle | undefined;
  private retransmitter: SuccessRetransmitter | undefined;
  /** The 2xx to a re-INVITE, re-sent until its own ACK (CSeq of that re-INVITE). */
  private reinvite: { seq: number; retransmitter: SuccessRetransmitter } | undefined;
  private localSdp: Buffer | undefined;
  private byeWanted = false;
  private byeInFlight = false;
  private endedReported = false;
  private hangupDone: Promise<void> | undefined;
  private resolveHangup: (() => void) | undefined;

  constructor(
    private readonly tx: TransactionLayer,
    private readonly clock: Clock,
    private readonly opts: IncomingCallOptions,
  ) {
    this.invite = opts.invite;
    this.callId = getHeader(opts.invite, 'Call-ID') ?? '';
    this.receivedAtMs = opts.receivedAtMs;
    this.source = opts.serverTx.source;
    this.timeline = { receivedAtMs: opts.receivedAtMs };
    this.dialog = Dialog.fromUasRequest(opts.invite, opts.localTag, opts.contact);
    this.inviteSeq = parseCSeq(getHeader(opts.invite, 'CSeq') ?? '').seq;
  }

  get state(): IncomingCallState {
    return this.currentState;
  }

  get localTag(): string {
    return this.opts.localTag;
  }

  /** 2xx retransmissions sent so far for the initial INVITE (0 when the ACK came in time). */
  get answerRetransmissions(): number {
    return this.retransmitter?.retransmissions ?? 0;
  }

  setListener(listener: IncomingCallListener): void {
    this.listener = listener;
  }

  /** First value of a header of the INVITE (e.g. X-Lk-Test-Id). */
  header(name: string): string | undefined {
    return getHeader(this.invite, name);
  }

  /** Sends 100 Trying now (the transaction would send one by itself after 200 ms, §17.2.1). */
  trying(): void {
    if (this.currentState !== 'offered') return;
    this.opts.serverTx.respond(createResponse(this.invite, 100, 'Trying'));
    this.timeline.tryingSentAtMs ??= this.clock.nowMs();
  }

  /** Sends 180 Ringing now and again every `intervalMs` (0: once) until the call is answered or ends. */
  startRinging(intervalMs: number): void {
    if (this.currentState !== 'offered') return;
    this.ringTimer?.cancel();
    this.sendRinging();
    if (intervalMs > 0) {
      const tick = (): void => {
        if (this.currentState !== 'offered') return;
        this.sendRinging();
        this.ringTimer = this.clock.setTimer(intervalMs, tick);
      };
      this.ringTimer = this.clock.setTimer(intervalMs, tick);
    }
  }

  /**
   * Sends 200 OK with our To-tag, Contact and `sdp`, and re-sends it until the ACK (T1 doubling, capped
   * at T2); after 64·T1 without one: onAckTimeout, then BYE. False when the call is no longer offered
   * (e.g. it was CANCELled meanwhile).
   */
  answer(sdp: Buffer): boolean {
    if (this.currentState !== 'offered') return false;
    this.stopRinging();
    this.localSdp = sdp;
    const res = this.response(200, 'OK', [{ name: 'Content-Type', value: 'application/sdp' }], sdp);
    this.currentState = 'answered';
    this.opts.serverTx.respond(res);
    this.timeline.answeredAtMs = this.clock.nowMs();
    this.retransmitter = this.retransmit(res, () => {
      this.listener.onAckTimeout?.();
      if (this.currentState === 'answered') this.sendBye('timeout');
    });
    return true;
  }

  /** Final non-2xx response (300–699). False when the call is no longer offered. */
  reject(status: number, reason: string, extraHeaders: SipHeaderField[] = []): boolean {
    if (status < 300 || status > 699) throw new RangeError(`a rejection needs a 3xx-6xx status, got ${status}`);
    if (this.currentState !== 'offered') return false;
    this.stopRinging();
    this.opts.serverTx.respond(createResponse(this.invite, status, reason, [...extraHeaders, { name: 'Server', value: this.opts.userAgent }], EMPTY, this.opts.localTag));
    this.end(this.clock.nowMs(), 'local');
    return true;
  }

  /**
   * Ends the call from our side: BYE when confirmed; when answered but not yet ACKed, BYE as soon as the
   * ACK arrives or the 2xx times out (§15: no BYE before either); 480 while still offered. Resolves when
   * the call is over (our BYE answered or timed out, or the caller ended it first).
   */
  hangUp(): Promise<void> {
    switch (this.currentState) {
      case 'offered':
        this.reject(480, 'Temporarily Unavailable');
        return Promise.resolve();
      case 'answered':
        this.byeWanted = true;
        return this.hangupPromise();
      case 'confirmed':
        this.sendBye('local');
        return this.hangupPromise();
      case 'ended':
        return this.byeInFlight ? this.hangupPromise() : Promise.resolve();
    }
  }

  /** A request from the caller routed here by Call-ID. False when it does not belong to this dialog. */
  handleRequest(req: SipRequest, stx: ServerTransaction, receivedAtMs: number): boolean {
    if (!this.dialog.matchesRemoteRequest(req)) return false;
    if (this.currentState === 'ended' && req.method !== 'BYE') {
      stx.respond(createResponse(req, 481, 'Call/Transaction Does Not Exist'));
      return true;
    }
    if (!this.dialog.acceptRemoteCSeq(req)) {
      // §12.2.2: a lower CSeq than the last one is out of order.
      stx.respond(createResponse(req, 500, 'Server Internal Error', [{ name: 'Retry-After', value: '1' }]));
      return true;
    }
    switch (req.method) {
      case 'BYE':
        this.receiveBye(req, stx, receivedAtMs);
        return true;
      case 'INVITE':
        this.receiveReinvite(req, stx);
        return true;
      case 'INFO':
        stx.respond(createResponse(req, 200, 'OK'));
        this.listener.onInfo?.(req, receivedAtMs);
        return true;
      case 'OPTIONS':
        stx.respond(createResponse(req, 200, 'OK', [{ name: 'Allow', value: ALLOW }]));
        return true;
      default:
        stx.respond(createResponse(req, 405, 'Method Not Allowed', [{ name: 'Allow', value: ALLOW }]));
        return true;
    }
  }

  /** An ACK for a 2xx (it matches no transaction: RFC 6026). False when it does not belong to this dialog. */
  handleAck(ack: SipRequest, receivedAtMs: number): boolean {
    if (!this.dialog.matchesRemoteRequest(ack)) return false;
    const seq = parseCSeq(getHeader(ack, 'CSeq') ?? '').seq;
    if (this.reinvite !== undefined && seq === this.reinvite.seq) {
      this.reinvite.retransmitter.stop();
      this.reinvite = undefined;
      return true;
    }
    if (seq !== this.inviteSeq || this.currentState !== 'answered') return true; // a retransmitted ACK
    this.retransmitter?.stop();
    this.currentState = 'confirmed';
    this.timeline.ackReceivedAtMs = receivedAtMs;
    this.listener.onAck?.(receivedAtMs);
    if (this.byeWanted && this.currentState === 'confirmed') this.sendBye('local');
    return true;
  }

  /** The caller CANCELled the pending INVITE; the transaction layer already answered 200 and 487. */
  handleCancel(receivedAtMs: number): void {
    if (this.currentState !== 'offered') return;
    this.stopRinging();
    this.listener.onCancel?.(receivedAtMs);
    this.end(receivedAtMs, 'cancel');
  }

  /** Stops every timer without sending anything (user agent shutdown). */
  dispose(): void {
    this.stopRinging();
    this.retransmitter?.stop();
    this.reinvite?.retransmitter.stop();
    this.currentState = 'ended';
    this.resolveHangup?.();
  }

  private receiveBye(req: SipRequest, stx: ServerTransaction, receivedAtMs: number): void {
    stx.respond(createResponse(req, 200, 'OK'));
    if (this.currentState === 'ended') return; // our BYE crossed theirs, or a late one
    this.timeline.byeReceivedAtMs = receivedAtMs;
    if (this.currentState === 'offered') {
      // A caller may end an early dialog with BYE (§15); the INVITE still needs its final response.
      this.stopRinging();
      this.opts.serverTx.respond(createResponse(this.invite, 487, 'Request Terminated', [], EMPTY, this.opts.localTag));
    }
    this.listener.onRemoteBye?.(receivedAtMs);
    this.end(receivedAtMs, 'remote');
  }

  private receiveReinvite(req: SipRequest, stx: ServerTransaction): void {
    if (this.currentState !== 'confirmed' || this.reinvite !== undefined) {
      // §14.2: an INVITE while ours is unacknowledged or another is pending.
      stx.respond(createResponse(req, 491, 'Request Pending'));
      return;
    }
    // Without an offer the 2xx carries one (our current description); the ACK brings the answer.
    const body = req.body.length === 0 ? this.localSdp : this.listener.answerOffer?.(req.body);
    if (body === undefined) {
      stx.respond(createResponse(req, 488, 'Not Acceptable Here'));
      return;
    }
    this.localSdp = body;
    const res = createResponse(
      req,
      200,
      'OK',
      [
        { name: 'Contact', value: `<${this.opts.contact}>` },
        { name: 'Allow', value: ALLOW },
        { name: 'Server', value: this.opts.userAgent },
        { name: 'Content-Type', value: 'application/sdp' },
      ],
      body,
    );
    stx.respond(res);
    const seq = parseCSeq(getHeader(req, 'CSeq') ?? '').seq;
    const retransmitter = this.retransmit(res, () => {
      // §14.2 defers to §13.3.1.4: a re-INVITE never ACKed ends the session.
      this.reinvite = undefined;
      this.listener.onAckTimeout?.();
      if (this.currentState === 'confirmed') this.sendBye('timeout');
    });
    this.reinvite = { seq, retransmitter };
  }

  private sendRinging(): void {
    this.opts.serverTx.respond(this.response(180, 'Ringing'));
    this.timeline.ringingSentAtMs ??= this.clock.nowMs();
  }

  /** A response to the INVITE that establishes (early) dialog state: To-tag, Record-Route copied (§12.1.1), Contact. */
  private response(status: number, reason: string, extra: SipHeaderField[] = [], body: Buffer = EMPTY): SipResponse {
    const headers: SipHeaderField[] = getHeaders(this.invite, 'Record-Route').map((value) => ({ name: 'Record-Route', value }));
    headers.push(
      { name: 'Contact', value: `<${this.opts.contact}>` },
      { name: 'Allow', value: ALLOW },
      { name: 'Server', value: this.opts.userAgent },
      ...extra,
    );
    return createResponse(this.invite, status, reason, headers, body, this.opts.localTag);
  }

  private retransmit(res: SipResponse, onGiveUp: () => void): SuccessRetransmitter {
    const dest = this.source;
    return new SuccessRetransmitter({
      clock: this.clock,
      t1Ms: this.tx.timers.t1Ms,
      t2Ms: this.tx.timers.t2Ms,
      resend: () => this.tx.sendStateless(res, dest),
      onGiveUp,
    });
  }

  private sendBye(by: 'local' | 'timeout'): void {
    this.stopRinging();
    this.retransmitter?.stop();
    this.reinvite?.retransmitter.stop();
    this.reinvite = undefined;
    this.currentState = 'ended';
    this.byeInFlight = true;
    const via = `${this.opts.viaSentBy};branch=${generateBranch(this.opts.random)};rport`;
    const bye = this.dialog.createRequest('BYE', via, [{ name: 'User-Agent', value: this.opts.userAgent }]);
    this.timeline.byeSentAtMs = this.clock.nowMs();
    const done = (atMs: number): void => {
      if (!this.byeInFlight) return;
      this.byeInFlight = false;
      this.end(atMs, by);
    };
    try {
      this.tx.sendRequest(bye, dialogHop(this.dialog, this.source), {
        onResponse: (res, at) => {
          if (res.status >= 200) done(at);
        },
        onTimeout: () => done(this.clock.nowMs()),
        onTransportError: () => done(this.clock.nowMs()),
      });
    } catch {
      // The transaction layer is closed (shutdown): the call is over all the same.
      done(this.clock.nowMs());
    }
  }

  private end(atMs: number, by: IncomingCallEndedBy): void {
    this.stopRinging();
    this.retransmitter?.stop();
    this.reinvite?.retransmitter.stop();
    this.reinvite = undefined;
    this.currentState = 'ended';
    if (this.endedReported) return;
    this.endedReported = true;
    this.byeInFlight = false;
    this.timeline.endedAtMs = atMs;
    this.listener.onEnded?.(atMs, by);
    this.resolveHangup?.();
    this.opts.onEnded?.();
  }

  private stopRinging(): void {
    this.ringTimer?.cancel();
    this.ringTimer = undefined;
  }

  private hangupPromise(): Promise<void> {
    this.hangupDone ??= new Promise<void>((resolve) => {
      this.resolveHangup = resolve;
    });
    return this.hangupDone;
  }
}

