import type { Clock, TimerHandle } from '../../core/clock.js';
import type { VoiceloadError } from '../../core/errors.js';
import { formatCSeq, parseCSeq } from '../cseq.js';
import { Dialog } from '../dialog/dialog.js';
import { chooseChallenge, computeDigestAuthorization, parseChallenge, type DigestChallenge } from '../digest.js';
import { generateBranch, type RandomBytes } from '../identifiers.js';
import { createRequest, getHeader, getHeaders, type SipHeaderField, type SipRequest, type SipResponse } from '../message.js';
import { parseNameAddr } from '../nameAddr.js';
import type { ServerTransaction, TransactionLayer } from '../transaction/index.js';
import { createResponse } from '../transaction/createResponse.js';
import type { SipEndpoint } from '../transport/transport.js';

/** How the INVITE ended when it did not end in a confirmed dialog. */
export type InviteFailureReason = `sip_${number}` | 'timeout_no_response' | 'timeout_ringing' | 'transport_error' | 'auth_failed' | 'aborted';

export interface InviteFailure {
  reason: InviteFailureReason;
  /** The final status, when one arrived. */
  status?: number;
  /** Plain words for people. */
  text: string;
}

export interface OutgoingCallOptions {
  requestUri: string;
  /** To header value (no tag), e.g. `<sip:agent@host>`. */
  to: string;
  /** From header value without tag. */
  from: string;
  fromTag: string;
  callId: string;
  /** Our Contact URI. */
  contact: string;
  /** Via sent-by and transport for new requests: `SIP/2.0/UDP 127.0.0.1:5070`. */
  viaSentBy: string;
  /** Where the INVITE goes (outbound proxy or the target itself). */
  dest: SipEndpoint;
  sdpOffer: Buffer;
  extraHeaders: SipHeaderField[];
  credentials?: { username: string; password: string };
  /** CANCEL when the INVITE has no final response after this long. */
  ringTimeoutMs: number;
  userAgent: string;
  random?: RandomBytes;
  /**
   * Answers the SDP offer of a re-INVITE from the far end (RFC 3264 §8): the answer's body, or
   * undefined to refuse it with 488. Without it, offers are refused. A re-INVITE without an offer
   * gets our original description.
   */
  answerOffer?: (offer: Buffer) => Buffer | undefined;
  /** Called once when the call is over, whatever ended it (the UA stops routing to it later). */
  onEnded?: () => void;
}

/** What the call tells its owner; times come from the transport's receive stamps or the clock at send time. */
export interface OutgoingCallListener {
  onTrying?(atMs: number): void;
  onRinging?(res: SipResponse, atMs: number): void;
  /** 2xx received and ACK sent. */
  onAnswered(res: SipResponse, answeredAtMs: number, ackSentAtMs: number): void;
  onFailed(failure: InviteFailure, atMs: number): void;
  /** The far end ended the confirmed dialog with BYE (already answered 200). */
  onRemoteBye(atMs: number): void;
  /** Our BYE finished (answered, timed out or failed). */
  onHungUp?(atMs: number, status: number | null): void;
}

export interface OutgoingCallTimeline {
  inviteSentAtMs?: number;
  tryingAtMs?: number;
  ringingAtMs?: number;
  answeredAtMs?: number;
  ackSentAtMs?: number;
  byeSentAtMs?: number;
  byeReceivedAtMs?: number;
  endedAtMs?: number;
}

type CallState = 'idle' | 'inviting' | 'cancelling' | 'confirmed' | 'terminating' | 'terminated';

const ALLOW = 'INVITE, ACK, BYE, CANCEL, OPTIONS';

/**
 * One outgoing INVITE session (the UA core of RFC 3261 §13.2 and §15): sends the INVITE, answers a
 * 401/407 once with credentials (same Call-ID and From-tag, CSeq + 1), ACKs the 2xx (and every
 * retransmission of it), ignores provisionals after the 2xx, CANCELs after the ring timeout, hangs up
 * with BYE, and answers the far end's BYE.
 */
export class OutgoingCall {
  readonly timeline: OutgoingCallTimeline = {};
  authChallenges = 0;
  finalStatus: number | null = null;
  private state: CallState = 'idle';
  private invite: SipRequest | undefined;
  private ack: SipRequest | undefined;
  private dialog: Dialog | undefined;
  private ringTimer: TimerHandle | undefined;
  private provisionalSeen = false;
  private cancelWanted: InviteFailureReason | undefined;
  private answeredChallenge: DigestChallenge | undefined;
  private hangupDone: Promise<void> | undefined;
  private resolveHangup: (() => void) | undefined;

  constructor(
    private readonly tx: TransactionLayer,
    private readonly clock: Clock,
    private readonly opts: OutgoingCallOptions,
    private readonly listener: OutgoingCallListener,
  ) {}

  get callId(): string {
    return this.opts.callId;
  }

  get confirmed(): boolean {
    return this.state === 'confirmed';
  }

  get ended(): boolean {
    return this.state === 'terminated';
  }

  start(): void {
    if (this.state !== 'idle') return;
    this.state = 'inviting';
    this.sendInvite(1, undefined);
    this.ringTimer = this.clock.setTimer(this.opts.ringTimeoutMs, () => this.requestCancel('timeout_ringing'));
  }

  /**
   * Ends the call whatever its state: BYE when confirmed, CANCEL while the INVITE is pending.
   * Resolves when the call is over (BYE answered or timed out, or the INVITE ended).
   */
  hangUp(): Promise<void> {
    if (this.state === 'terminated' || this.state === 'idle') {
      this.state = 'terminated';
      return Promise.resolve();
    }
    this.hangupDone ??= new Promise<void>((resolve) => {
      this.resolveHangup = resolve;
    });
    if (this.state === 'confirmed') this.sendBye();
    else if (this.state === 'inviting') this.requestCancel('aborted');
    return this.hangupDone;
  }

  /** An in-dialog request from the far end (routed here by Call-ID). Returns false when it is not ours. */
  handleRequest(req: SipRequest, stx: ServerTransaction, receivedAtMs: number): boolean {
    if (this.dialog === undefined || !this.dialog.matchesRemoteRequest(req)) return false;
    if (!this.dialog.acceptRemoteCSeq(req)) {
      stx.respond(createResponse(req, 500, 'Server Internal Error', [{ name: 'Retry-After', value: '1' }]));
      return true;
    }
    switch (req.method) {
      case 'BYE':
        stx.respond(createResponse(req, 200, 'OK'));
        if (this.state === 'confirmed' || this.state === 'terminating') {
          this.timeline.byeReceivedAtMs = receivedAtMs;
          const wasConfirmed = this.state === 'confirmed';
          this.finish(receivedAtMs);
          if (wasConfirmed) this.listener.onRemoteBye(receivedAtMs);
        }
        return true;
      case 'INVITE': {
        // A session refresh, hold or media change from the far end.
        const body = req.body.length === 0 ? this.opts.sdpOffer : this.opts.answerOffer?.(req.body);
        if (body === undefined) {
          stx.respond(createResponse(req, 488, 'Not Acceptable Here'));
          return true;
        }
        stx.respond(
          createResponse(
            req,
            200,
            'OK',
            [
              { name: 'Contact', value: `<${this.opts.contact}>` },
              { name: 'Allow', value: ALLOW },
              { name: 'Content-Type', value: 'application/sdp' },
            ],
            body,
          ),
        );
        return true;
      }
      case 'OPTIONS':
      case 'INFO':
      case 'UPDATE':
      case 'NOTIFY':
        stx.respond(createResponse(req, 200, 'OK', [{ name: 'Allow', value: ALLOW }]));
        return true;
      default:
        stx.respond(createResponse(req, 405, 'Method Not Allowed', [{ name: 'Allow', value: ALLOW }]));
        return true;
    }
  }

  /** A response no transaction matched: a 2xx retransmitted after Timer M still needs its ACK. */
  handleStrayResponse(res: SipResponse): boolean {
    if (getHeader(res, 'Call-ID') !== this.opts.callId) return false;
    if (res.status >= 200 && res.status < 300 && this.ack !== undefined && this.dialog !== undefined) {
      this.tx.sendStateless(this.ack, this.hopOf(this.dialog));
    }
    return true;
  }

  private sendInvite(cseq: number, authorization: SipHeaderField | undefined): void {
    const o = this.opts;
    const headers: SipHeaderField[] = [
      { name: 'Via', value: `${o.viaSentBy};branch=${generateBranch(o.random)};rport` },
      { name: 'Max-Forwards', value: '70' },
      { name: 'From', value: `${o.from};tag=${o.fromTag}` },
      { name: 'To', value: o.to },
      { name: 'Call-ID', value: o.callId },
      { name: 'CSeq', value: formatCSeq({ seq: cseq, method: 'INVITE' }) },
      { name: 'Contact', value: `<${o.contact}>` },
      { name: 'Allow', value: ALLOW },
      { name: 'User-Agent', value: o.userAgent },
    ];
    if (authorization !== undefined) headers.push(authorization);
    headers.push(...o.extraHeaders, { name: 'Content-Type', value: 'application/sdp' });
    const invite = createRequest('INVITE', o.requestUri, headers, o.sdpOffer);
    this.invite = invite;
    this.provisionalSeen = false;
    const sentAt = this.clock.nowMs();
    this.timeline.inviteSentAtMs ??= sentAt;
    this.tx.sendRequest(invite, o.dest, {
      onResponse: (res, at) => this.onInviteResponse(invite, res, at),
      onTimeout: () => this.fail({ reason: 'timeout_no_response', text: 'no response to the INVITE before Timer B (64·T1)' }),
      onTransportError: (err) => this.transportFailed(err),
    });
  }

  private onInviteResponse(invite: SipRequest, res: SipResponse, atMs: number): void {
    if (invite !== this.invite) return; // a late response to the INVITE that was challenged
    if (res.status < 200) {
      if (this.state !== 'inviting' && this.state !== 'cancelling') return; // e.g. a 180 after the 200
      if (res.status === 100) {
        if (this.timeline.tryingAtMs === undefined) {
          this.timeline.tryingAtMs = atMs;
          this.listener.onTrying?.(atMs);
        }
      } else if (this.timeline.ringingAtMs === undefined) {
        this.timeline.ringingAtMs = atMs;
        this.listener.onRinging?.(res, atMs);
      }
      if (!this.provisionalSeen) {
        this.provisionalSeen = true;
        if (this.cancelWanted !== undefined) this.sendCancel();
      }
      return;
    }
    if (res.status < 300) {
      this.onSuccess(invite, res, atMs);
      return;
    }
    this.finalStatus = res.status;
    if ((res.status === 401 || res.status === 407) && this.state === 'inviting' && this.retryWithCredentials(invite, res)) return;
    if (this.state === 'cancelling' && res.status === 487) {
      this.fail({ reason: this.cancelWanted ?? 'aborted', status: 487, text: cancelText(this.cancelWanted, this.opts.ringTimeoutMs) }, atMs);
      return;
    }
    if (res.status === 401 || res.status === 407) {
      const text =
        this.opts.credentials === undefined
          ? `the far end asked for credentials (${res.status}); pass --auth-user and set VOICELOAD_SIP_PASSWORD`
          : `the far end rejected the credentials (${res.status} after answering its challenge)`;
      this.fail({ reason: 'auth_failed', status: res.status, text }, atMs);
      return;
    }
    this.fail({ reason: `sip_${res.status}`, status: res.status, text: `the INVITE was answered ${res.status} ${res.reason}`.trim() }, atMs);
  }

  private onSuccess(invite: SipRequest, res: SipResponse, atMs: number): void {
    if (this.dialog !== undefined) {
      // A retransmitted 2xx: the ACK got lost, send it again (RFC 3261 §13.2.2.4).
      if (this.ack !== undefined && sameDialog(this.dialog, res)) this.tx.sendStateless(this.ack, this.hopOf(this.dialog));
      return;
    }
    this.finalStatus = res.status;
    this.ringTimer?.cancel();
    const dialog = Dialog.fromUacResponse(invite, res);
    this.dialog = dialog;
    const seq = parseCSeq(getHeader(invite, 'CSeq') ?? '').seq;
    const ack = dialog.createRequest('ACK', `${this.opts.viaSentBy};branch=${generateBranch(this.opts.random)};rport`, [], undefined, seq);
    // The ACK carries the same credentials as the INVITE it acknowledges (RFC 3261 §22.1).
    for (const name of ['Authorization', 'Proxy-Authorization']) {
      const v = getHeader(invite, name);
      if (v !== undefined) ack.headers.push({ name, value: v });
    }
    this.ack = ack;
    this.tx.sendStateless(ack, this.hopOf(dialog));
    const ackAt = this.clock.nowMs();
    this.timeline.answeredAtMs = atMs;
    this.timeline.ackSentAtMs = ackAt;
    const cancelled = this.state === 'cancelling';
    this.state = 'confirmed';
    if (cancelled) {
      // The 2xx crossed our CANCEL: the call exists now and must be ended with BYE (§9.1).
      this.sendBye();
      this.listener.onFailed({ reason: this.cancelWanted ?? 'aborted', status: res.status, text: cancelText(this.cancelWanted, this.opts.ringTimeoutMs) }, atMs);
      return;
    }
    this.listener.onAnswered(res, atMs, ackAt);
  }

  private retryWithCredentials(invite: SipRequest, res: SipResponse): boolean {
    const creds = this.opts.credentials;
    if (creds === undefined) return false;
    this.authChallenges++;
    const proxy = res.status === 407;
    const challenges: DigestChallenge[] = [];
    for (const v of getHeaders(res, proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate')) {
      try {
        challenges.push(parseChallenge(v));
      } catch {
        // another scheme or a malformed challenge: try the next one
      }
    }
    const challenge = chooseChallenge(challenges);
    if (challenge === undefined) return false;
    // One answer per realm, unless the server says the nonce merely went stale (RFC 2617 §3.2.1).
    if (this.answeredChallenge !== undefined && this.answeredChallenge.realm === challenge.realm && challenge.stale !== true) return false;
    if (this.authChallenges > 3) return false;
    this.answeredChallenge = challenge;
    const value = computeDigestAuthorization({
      challenge,
      method: 'INVITE',
      uri: this.opts.requestUri,
      username: creds.username,
      password: creds.password,
      body: this.opts.sdpOffer,
      ...(this.opts.random === undefined ? {} : { random: this.opts.random }),
    });
    const seq = parseCSeq(getHeader(invite, 'CSeq') ?? '').seq + 1;
    this.sendInvite(seq, { name: proxy ? 'Proxy-Authorization' : 'Authorization', value });
    return true;
  }

  private requestCancel(reason: InviteFailureReason): void {
    if (this.state !== 'inviting') return;
    this.cancelWanted = reason;
    this.state = 'cancelling';
    // §9.1: a CANCEL may only follow a provisional response; otherwise it is sent when one arrives,
    // and Timer B still ends an INVITE that never gets any response.
    if (this.provisionalSeen) this.sendCancel();
  }

  private sendCancel(): void {
    const invite = this.invite;
    if (invite === undefined) return;
    const seq = parseCSeq(getHeader(invite, 'CSeq') ?? '').seq;
    // §9.1: the CANCEL copies the INVITE's top Via (same branch), Route, From, To and Call-ID.
    const headers: SipHeaderField[] = [{ name: 'Via', value: getHeader(invite, 'Via') ?? '' }];
    for (const h of invite.headers) {
      const n = h.name.toLowerCase();
      if (n === 'route' || n === 'max-forwards' || n === 'from' || n === 'to' || n === 'call-id') headers.push({ ...h });
    }
    headers.push({ name: 'CSeq', value: formatCSeq({ seq, method: 'CANCEL' }) });
    const cancel = createRequest('CANCEL', invite.uri, headers);
    this.tx.sendRequest(cancel, this.opts.dest, {
      onResponse: () => {},
      onTimeout: () => this.fail({ reason: this.cancelWanted ?? 'aborted', text: cancelText(this.cancelWanted, this.opts.ringTimeoutMs) }),
      onTransportError: (err) => this.transportFailed(err),
    });
  }

  private sendBye(): void {
    const dialog = this.dialog;
    if (dialog === undefined) return;
    this.state = 'terminating';
    const bye = dialog.createRequest('BYE', `${this.opts.viaSentBy};branch=${generateBranch(this.opts.random)};rport`, [
      { name: 'User-Agent', value: this.opts.userAgent },
    ]);
    this.timeline.byeSentAtMs = this.clock.nowMs();
    this.tx.sendRequest(bye, this.hopOf(dialog), {
      onResponse: (res, at) => {
        if (res.status >= 200) this.byeDone(at, res.status);
      },
      onTimeout: () => this.byeDone(this.clock.nowMs(), null),
      onTransportError: () => this.byeDone(this.clock.nowMs(), null),
    });
  }

  private byeDone(atMs: number, status: number | null): void {
    if (this.state === 'terminated') return;
    this.finish(atMs);
    this.listener.onHungUp?.(atMs, status);
  }

  private transportFailed(err: VoiceloadError): void {
    if (this.state === 'terminating') {
      this.byeDone(this.clock.nowMs(), null);
      return;
    }
    this.fail({ reason: 'transport_error', text: `the SIP transport failed: ${err.message}` });
  }

  private fail(failure: InviteFailure, atMs = this.clock.nowMs()): void {
    if (this.state === 'terminated' || this.state === 'confirmed' || this.state === 'terminating') return;
    this.finish(atMs);
    this.listener.onFailed(failure, atMs);
  }

  private finish(atMs: number): void {
    this.state = 'terminated';
    this.timeline.endedAtMs = atMs;
    this.ringTimer?.cancel();
    this.resolveHangup?.();
    this.opts.onEnded?.();
  }

  /** In-dialog requests go to the first route or the remote target; names we cannot resolve reuse the INVITE's hop. */
  private hopOf(dialog: Dialog): SipEndpoint {
    const uri = dialog.nextHop().uri;
    if (!isIpLiteral(uri.host)) return this.opts.dest;
    const host = uri.host.startsWith('[') ? uri.host.slice(1, -1) : uri.host;
    return { host, port: uri.port ?? (uri.scheme === 'sips' ? 5061 : 5060) };
  }
}

function sameDialog(dialog: Dialog, res: SipResponse): boolean {
  const to = getHeader(res, 'To');
  if (to === undefined) return false;
  return parseNameAddr(to, 'To').params.tag === dialog.state.remoteTag;
}

function isIpLiteral(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith('[');
}

function cancelText(reason: InviteFailureReason | undefined, ringTimeoutMs: number): string {
  return reason === 'timeout_ringing'
    ? `not answered within the ring timeout (${ringTimeoutMs} ms): CANCELled`
    : 'the call was stopped before it was answered: CANCELled';
}
