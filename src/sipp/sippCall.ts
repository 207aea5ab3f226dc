import type { Clock, TimerHandle } from '../core/clock.js';
import { isVoiceloadError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { readAudioMedia } from '../sdp/readAudioMedia.js';
import { chooseChallenge, computeDigestAuthorization, parseChallenge, type DigestChallenge } from '../sip/digest.js';
import { generateBranch } from '../sip/identifiers.js';
import { getHeader, type SipMessage, type SipRequest, type SipResponse } from '../sip/message.js';
import { parseSipMessage } from '../sip/parse.js';
import { buildNon2xxAck } from '../sip/transaction/non2xxAck.js';
import { createResponse } from '../sip/transaction/createResponse.js';
import type { InboundMessage, SipEndpoint, SipTransport } from '../sip/transport/transport.js';
import { buildSippMessage, keywordError, type KeywordValues } from './buildSippMessage.js';
import { injectionRecord, type InjectionFile } from './injectionFile.js';
import { cseqOf, describeMessage, messageKey, peerTagOf } from './messageFacts.js';
import type { ResolvedSippRunOptions } from './sippRunOptions.js';
import type { SippCallResult, SippFailureCode } from './sippResult.js';
import type { RecvCommand, SendCommand, SippCommand, SippScenario } from './sippScenario.js';
import { buildCancel, buildTeardownBye } from './teardownRequest.js';
import type { SippCallMedia } from './sippCallMedia.js';

/** What every call of a run shares. */
export interface SippCallContext {
  scenario: SippScenario;
  options: ResolvedSippRunOptions;
  clock: Clock;
  transport: SipTransport;
  rng: Rng;
  injection: InjectionFile | undefined;
  /** Prints a lint warning the first time `key` is seen in the run. */
  warnOnce(key: string, message: string): void;
  /** The call announces each Call-ID it sends, so the run can route replies to it. */
  register(callId: string, call: SippCall): void;
  random?: (size: number) => Buffer;
}

/** What a call reports while it runs (its result reports the rest when it ends). */
export interface SippCallHooks {
  /** The first 2xx to an INVITE arrived (clock ms). */
  onAnswered?: (atMs: number) => void;
}

interface Retransmission {
  message: SipMessage;
  timer: TimerHandle;
  intervalMs: number;
  count: number;
  max: number;
  line: number;
}

/**
 * One call walking a SIPp scenario: a synchronous state machine driven by the clock and by the
 * messages the run routes to it (by Call-ID), so unit tests step it with a FakeClock.
 */
export class SippCall {
  readonly callId: string;
  private idx = 0;
  private state: 'new' | 'running' | 'recv' | 'pause' | 'done' = 'new';
  private timer: TimerHandle | undefined;
  private retrans: Retransmission | undefined;
  private last: SipMessage | undefined;
  private peerTag = '';
  private challenges: DigestChallenge[] = [];
  private nonceCount = 0;
  private cseq = 0;
  /** Branch used by each send, by send ordinal ([branch-N]). */
  private readonly sendBranches: string[] = [];
  private sendCount = 0;
  /** Received message key → the message sent in reply (resent when the peer retransmits). */
  private readonly seen = new Map<string, SipMessage | undefined>();
  private replyFor: string | undefined;
  private readonly rtdStart = new Map<string, number>();
  private readonly rtdMs: Record<string, number> = {};
  private invite: SipRequest | undefined;
  private inviteSentAtMs: number | undefined;
  private inviteToFinalMs: number | null = null;
  private inviteFinalStatus: number | null = null;
  private firstInviteSentAtMs: number | undefined;
  private ringingAtMs: number | undefined;
  private answeredAtMs: number | undefined;
  private answer: SipResponse | undefined;
  private ackSent = false;
  private byeDone = false;
  private mediaRemote: SipEndpoint | undefined;
  private retransmissions = 0;
  private readonly startedAtMs: number;
  private result: SippCallResult | undefined;
  private readonly fields: string[] | undefined;

  constructor(
    private readonly ctx: SippCallContext,
    readonly callNumber: number,
    private readonly media: SippCallMedia | undefined,
    private readonly onDone: (result: SippCallResult) => void,
    private readonly hooks: SippCallHooks = {},
  ) {
    const random = ctx.random;
    this.callId = `${callNumber}-${process.pid}-${(random === undefined ? generateBranch() : generateBranch(random)).slice(7, 19)}@${ctx.options.localHost}`;
    this.startedAtMs = ctx.clock.nowMs();
    this.fields = ctx.injection === undefined ? undefined : injectionRecord(ctx.injection, callNumber, ctx.rng);
    for (const name of new Set(ctx.scenario.commands.flatMap((c) => ('rtd' in c && c.rtd !== undefined ? [c.rtd] : [])))) {
      this.rtdStart.set(name, this.startedAtMs); // SIPp: an rtd timer not started explicitly runs from the call's start
    }
  }

  get done(): boolean {
    return this.state === 'done';
  }

  start(): void {
    this.ctx.register(this.callId, this);
    this.state = 'running';
    this.step();
  }

  /** Stops the call: BYE when answered, CANCEL when still ringing; the result says "aborted". */
  abort(reason = 'aborted'): void {
    this.fail(reason, 'aborted');
  }

  private get commands(): SippCommand[] {
    return this.ctx.scenario.commands;
  }

  private step(): void {
    while (this.state === 'running') {
      const cmd = this.commands[this.idx];
      if (cmd === undefined) {
        this.finish();
        return;
      }
      switch (cmd.kind) {
        case 'label':
          this.idx++;
          break;
        case 'send':
          if (!this.send(cmd)) return;
          this.marks(cmd, this.ctx.clock.nowMs());
          this.idx = this.after(cmd);
          break;
        case 'nop':
          this.marks(cmd, this.ctx.clock.nowMs());
          try {
            for (const action of cmd.media) {
              if (this.media === undefined) throw keywordError('media needs a media port (internal: no media for this call)');
              this.media.run(action, this.mediaRemote);
            }
          } catch (e) {
            this.fail(`media at scenario line ${cmd.line}: ${e instanceof Error ? e.message : String(e)}`, 'media');
            return;
          }
          this.idx++;
          break;
        case 'pause': {
          this.marks(cmd, this.ctx.clock.nowMs());
          const ms = cmd.milliseconds ?? this.ctx.options.defaultPauseMs;
          if (ms <= 0) {
            this.idx++;
            break;
          }
          this.state = 'pause';
          this.timer = this.ctx.clock.setTimer(ms, () => {
            this.timer = undefined;
            this.idx++;
            this.state = 'running';
            this.step();
          });
          return;
        }
        case 'recv': {
          this.state = 'recv';
          const timeoutMs = cmd.timeoutMs ?? this.ctx.options.recvTimeoutMs;
          this.timer = this.ctx.clock.setTimer(timeoutMs, () => this.recvTimedOut(cmd, timeoutMs));
          return;
        }
      }
    }
  }

  private recvTimedOut(cmd: RecvCommand, timeoutMs: number): void {
    this.timer = undefined;
    if (cmd.onTimeout !== undefined) {
      this.idx = this.ctx.scenario.labels.get(cmd.onTimeout) ?? this.idx + 1;
      this.state = 'running';
      this.step();
      return;
    }
    this.fail(`timeout: no ${expected(cmd)} within ${timeoutMs} ms (scenario line ${cmd.line})`, 'timeout');
  }

  /** Index of the command after `cmd`, following its next= (test= variables are never set: actions do not run). */
  private after(cmd: SippCommand): number {
    if ('next' in cmd && cmd.next !== undefined && cmd.test === undefined) return this.ctx.scenario.labels.get(cmd.next) ?? this.idx + 1;
    return this.idx + 1;
  }

  private marks(cmd: SippCommand, atMs: number): void {
    if (!('rtd' in cmd || 'startRtd' in cmd)) return;
    const c = cmd as { rtd?: string; startRtd?: string };
    if (c.rtd !== undefined) {
      const start = this.rtdStart.get(c.rtd);
      if (start !== undefined && this.rtdMs[c.rtd] === undefined) this.rtdMs[c.rtd] = atMs - start;
    }
    if (c.startRtd !== undefined) this.rtdStart.set(c.startRtd, atMs);
  }

  private keywordValues(): KeywordValues {
    const o = this.ctx.options;
    const ipType = (h: string): string => (h.includes(':') ? '6' : '4');
    const local = this.ctx.transport.local;
    const mediaPort = this.media === undefined ? '0' : String(this.media.port);
    const random = this.ctx.random;
    return {
      simple: {
        service: o.service,
        call_id: this.callId,
        call_number: String(this.callNumber),
        local_ip: o.localHost,
        local_ip_type: ipType(o.localHost),
        local_port: String(local.port),
        remote_ip: o.remote.host,
        remote_port: String(o.remote.port),
        transport: this.ctx.transport.protocol.toUpperCase(),
        peer_tag_param: this.peerTag === '' ? '' : `;tag=${this.peerTag}`,
        media_ip: o.localHost,
        media_ip_type: ipType(o.localHost),
        media_port: mediaPort,
        auto_media_port: mediaPort,
        pid: String(process.pid),
      },
      cseq: this.cseq,
      branch: (back) => {
        // One branch per send, the same for every [branch] in it; [branch-N] is the one N sends earlier.
        const i = this.sendCount - back;
        const existing = i >= 0 ? this.sendBranches[i] : undefined;
        if (existing !== undefined) return existing;
        const b = random === undefined ? generateBranch() : generateBranch(random);
        if (i >= 0) this.sendBranches[i] = b;
        return b;
      },
      last: this.last,
      field: (index, line) => {
        const record = line === undefined ? this.fields : this.ctx.injection?.records[line % this.ctx.injection.records.length];
        return record?.[index];
      },
      authentication: (args, method, uri, body) => {
        const challenge = chooseChallenge(this.challenges);
        if (challenge === undefined) throw keywordError('[authentication]: no 401/407 challenge received before this message (or none voiceload can answer)');
        const password = args.password ?? o.authPassword;
        if (password === undefined) throw keywordError('[authentication]: no password (give password=... or set VOICELOAD_SIP_PASSWORD)');
        return computeDigestAuthorization({
          challenge,
          method,
          uri,
          username: args.username ?? o.authUsername ?? o.service,
          password,
          nc: ++this.nonceCount,
          body,
          ...(random === undefined ? {} : { random }),
        });
      },
    };
  }

  /** Builds, parses and sends one message; false when the call failed doing so. */
  private send(cmd: SendCommand): boolean {
    // SIPp's [cseq]: each new request other than ACK and CANCEL takes the next number.
    if (cmd.method !== undefined && cmd.method !== 'ACK' && cmd.method !== 'CANCEL') this.cseq++;
    this.sendCount++;
    let text: string;
    try {
      text = buildSippMessage(cmd.template, this.keywordValues());
    } catch (e) {
      this.fail(`scenario line ${cmd.line}: cannot build the message: ${e instanceof Error ? e.message : String(e)}`, 'scenario_error');
      return false;
    }
    let msg: SipMessage;
    try {
      msg = parseSipMessage(Buffer.from(text, 'utf8'), { datagram: true });
    } catch (e) {
      this.fail(`scenario line ${cmd.line}: the <send> message is not valid SIP: ${e instanceof Error ? e.message : String(e)}`, 'scenario_error');
      return false;
    }
    const callId = getHeader(msg, 'Call-ID');
    if (callId !== undefined && callId !== this.callId) this.ctx.register(callId, this);
    this.transmit(msg);
    if (this.replyFor !== undefined) {
      if (this.seen.get(this.replyFor) === undefined) this.seen.set(this.replyFor, msg);
      this.replyFor = undefined;
    }
    if (msg.kind === 'request') {
      if (msg.method === 'INVITE') {
        this.invite = msg;
        this.inviteSentAtMs = this.ctx.clock.nowMs();
        this.firstInviteSentAtMs ??= this.inviteSentAtMs;
        this.inviteToFinalMs = null;
        this.inviteFinalStatus = null;
      }
      if (msg.method === 'ACK') this.ackSent = true;
      if (msg.method !== 'ACK' && this.ctx.options.retransmissions && !this.ctx.transport.reliable) {
        const invite = msg.method === 'INVITE';
        this.stopRetransmission();
        const interval = cmd.retransMs ?? this.ctx.options.t1Ms;
        this.retrans = {
          message: msg,
          intervalMs: interval,
          count: 0,
          max: invite ? this.ctx.options.maxInviteRetrans : this.ctx.options.maxNonInviteRetrans,
          line: cmd.line,
          timer: this.ctx.clock.setTimer(interval, () => this.retransmit(invite)),
        };
      }
    }
    return true;
  }

  private transmit(msg: SipMessage): void {
    this.ctx.transport.send(msg, this.ctx.options.remote);
  }

  /** RFC 3261 §17.1.1.2 / §17.1.2.2: T1 doubling (capped at T2 = 4 s for non-INVITE), at most SIPp's retransmission counts. */
  private retransmit(invite: boolean): void {
    const r = this.retrans;
    if (r === undefined) return;
    if (r.count >= r.max) {
      this.retrans = undefined;
      const method = r.message.kind === 'request' ? r.message.method : 'message';
      this.fail(`no response to ${method} after ${r.max} retransmissions (scenario line ${r.line})`, 'max_retrans');
      return;
    }
    r.count++;
    this.retransmissions++;
    this.transmit(r.message);
    r.intervalMs = invite ? r.intervalMs * 2 : Math.min(r.intervalMs * 2, 4000);
    r.timer = this.ctx.clock.setTimer(r.intervalMs, () => this.retransmit(invite));
  }

  private stopRetransmission(): void {
    this.retrans?.timer.cancel();
    this.retrans = undefined;
  }

  /** A message the run routed to this call (by Call-ID). */
  receive(inb: InboundMessage): void {
    const m = inb.message;
    const key = messageKey(m);
    if (this.seen.has(key)) {
      // A retransmission: SIPp answers it with what it sent after the original (e.g. the ACK for a repeated 200).
      const reply = this.seen.get(key);
      if (reply !== undefined) this.transmit(reply);
      return;
    }
    if (this.state === 'done') {
      if (m.kind === 'request' && m.method !== 'ACK') this.transmit(createResponse(m, 481, 'Call/Transaction Does Not Exist'));
      return;
    }
    this.stopRetransmission();
    const cseq = cseqOf(m);
    if (m.kind === 'response' && cseq?.method === 'INVITE') this.noteInviteResponse(m.status, inb.receivedAtMs);
    if (m.kind === 'response' && m.status >= 200 && cseq?.method === 'INVITE' && this.inviteToFinalMs === null && this.inviteSentAtMs !== undefined) {
      this.inviteToFinalMs = inb.receivedAtMs - this.inviteSentAtMs;
      this.inviteFinalStatus = m.status;
    }
    const j = this.match(m);
    if (j !== undefined) {
      this.accept(m, key, j, inb.receivedAtMs);
      return;
    }
    const at = this.commands[this.idx];
    const line = at?.line ?? 0;
    const waiting = at?.kind === 'recv' && this.state === 'recv' ? ` (scenario line ${line} waits for ${expected(at)})` : ` (scenario line ${line})`;
    if (m.kind === 'response' && m.status < 200) {
      if (this.ctx.options.strict) {
        this.fail(`unexpected message: ${describeMessage(m)}${waiting}`, 'unexpected_message');
        return;
      }
      this.seen.set(key, undefined);
      const what = at?.kind === 'recv' ? `the ${expected(at)} this <recv> waits for` : 'this command';
      this.ctx.warnOnce(
        'unmentioned-provisional',
        `scenario line ${line}: the UAS sent ${describeMessage(m)} before ${what}; SIPp would fail the call with 'unexpected message'; ` +
          `add an optional <recv> for each provisional before it (e.g. <recv response="100" optional="true"/> and <recv response="180" optional="true"/>), or run with --strict to fail such calls as SIPp does`,
      );
      return;
    }
    if (m.kind === 'request' && m.method === 'BYE') {
      this.transmit(createResponse(m, 200, 'OK'));
      this.byeDone = true;
      this.fail(`unexpected BYE from the peer${waiting}`, 'unexpected_bye');
      return;
    }
    if (m.kind === 'request' && m.method !== 'ACK') this.transmit(createResponse(m, 481, 'Call/Transaction Does Not Exist'));
    if (m.kind === 'response' && m.status >= 300 && cseq?.method === 'INVITE' && this.invite !== undefined) this.transmit(buildNon2xxAck(this.invite, m));
    if (m.kind === 'response' && m.status < 300 && cseq?.method === 'INVITE') this.answer = m;
    this.fail(`unexpected message: ${describeMessage(m)}${waiting}`, 'unexpected_message');
  }

  /** Set-up milestones (METRICS.md): the first ringing (any provisional but 100) and the first answer. */
  private noteInviteResponse(status: number, atMs: number): void {
    if (status > 100 && status < 200) this.ringingAtMs ??= atMs;
    if (status >= 200 && status < 300 && this.answeredAtMs === undefined) {
      this.answeredAtMs = atMs;
      this.hooks.onAnswered?.(atMs);
    }
  }

  /** The recv command `m` satisfies: the current one or an optional chain after it, or an earlier optional one. */
  private match(m: SipMessage): number | undefined {
    if (this.state === 'recv') {
      for (let j = this.idx; j < this.commands.length; j++) {
        const c = this.commands[j]!;
        if (c.kind !== 'recv') break;
        if (matches(c, m)) return j;
        if (!c.optional) break;
      }
    }
    for (let j = this.idx - 1; j >= 0; j--) {
      const c = this.commands[j]!;
      if (c.kind === 'recv' && c.optional && matches(c, m)) return j;
    }
    return undefined;
  }

  private accept(m: SipMessage, key: string, j: number, atMs: number): void {
    const cmd = this.commands[j] as RecvCommand;
    this.seen.set(key, undefined);
    this.replyFor = key;
    this.last = m;
    const tag = peerTagOf(m);
    if (tag !== undefined) this.peerTag = tag;
    if (m.kind === 'response') {
      if (m.status === 401 || m.status === 407) this.challenges = readChallenges(m);
      if (m.status >= 200 && m.status < 300 && cseqOf(m)?.method === 'INVITE') this.answer = m;
      if (m.status >= 200 && cseqOf(m)?.method === 'BYE') this.byeDone = true;
    }
    if (m.kind === 'request' && m.method === 'BYE') this.byeDone = true;
    if (m.body.length > 0) {
      try {
        const sdp = readAudioMedia(m.body.toString('utf8'));
        this.mediaRemote = { host: sdp.connectionHost, port: sdp.port };
      } catch {
        // not SDP, or not usable: media keeps the previous remote
      }
    }
    this.marks(cmd, atMs);
    if (j < this.idx) return; // a late optional message: the call stays where it is
    this.timer?.cancel();
    this.timer = undefined;
    this.idx = j;
    this.idx = this.after(cmd);
    this.state = 'running';
    this.step();
  }

  private finish(): void {
    this.end('completed', undefined, undefined);
  }

  private fail(reason: string, code: SippFailureCode): void {
    if (this.state === 'done') return;
    this.teardown();
    this.end('failed', reason, code);
  }

  /** SIPp's default for aborted calls: BYE an answered call, CANCEL a ringing one (no retransmission). */
  private teardown(): void {
    const invite = this.invite;
    if (invite === undefined || this.byeDone) return;
    const via = `SIP/2.0/${this.ctx.transport.protocol.toUpperCase()} ${this.ctx.options.localHost}:${this.ctx.transport.local.port};branch=${this.ctx.random === undefined ? generateBranch() : generateBranch(this.ctx.random)}`;
    if (this.answer !== undefined) {
      const seq = Math.max(this.cseq, cseqOf(invite)?.seq ?? 0) + 1;
      if (!this.ackSent) this.transmit(ackFor(invite, this.answer, via));
      this.transmit(buildTeardownBye(invite, this.answer, via, seq));
    } else if (this.inviteFinalStatus === null) this.transmit(buildCancel(invite));
  }

  private end(outcome: 'completed' | 'failed', reason: string | undefined, code: SippFailureCode | undefined): void {
    const failedAt = this.commands[this.idx]?.line;
    this.state = 'done';
    this.timer?.cancel();
    this.timer = undefined;
    this.stopRetransmission();
    this.result = {
      callId: this.callId,
      callNumber: this.callNumber,
      outcome,
      ...(reason === undefined ? {} : { reason }),
      ...(code === undefined ? {} : { reasonCode: code }),
      ...(outcome === 'failed' && failedAt !== undefined ? { failedAtLine: failedAt } : {}),
      rtdMs: { ...this.rtdMs },
      inviteToFinalMs: this.inviteToFinalMs,
      inviteFinalStatus: this.inviteFinalStatus,
      ...(this.firstInviteSentAtMs === undefined ? {} : { firstInviteSentAtMs: this.firstInviteSentAtMs }),
      ...(this.ringingAtMs === undefined ? {} : { ringingAtMs: this.ringingAtMs }),
      ...(this.answeredAtMs === undefined ? {} : { answeredAtMs: this.answeredAtMs }),
      startedAtMs: this.startedAtMs,
      endedAtMs: this.ctx.clock.nowMs(),
      retransmissions: this.retransmissions,
    };
    this.onDone(this.result);
  }
}

function matches(c: RecvCommand, m: SipMessage): boolean {
  if (c.response !== undefined) {
    if (m.kind !== 'response' || m.status !== c.response) return false;
    return c.responseToMethod === undefined || cseqOf(m)?.method === c.responseToMethod;
  }
  return m.kind === 'request' && c.request !== undefined && m.method.toUpperCase() === c.request.toUpperCase();
}

function expected(c: RecvCommand): string {
  if (c.response !== undefined) return `${c.response} response${c.responseToMethod === undefined ? '' : ` to ${c.responseToMethod}`}`;
  return `${c.request ?? '?'} request`;
}

function readChallenges(m: SipResponse): DigestChallenge[] {
  const out: DigestChallenge[] = [];
  for (const h of m.headers) {
    if (h.name !== 'WWW-Authenticate' && h.name !== 'Proxy-Authenticate') continue;
    try {
      out.push(parseChallenge(h.value));
    } catch (e) {
      if (!isVoiceloadError(e)) throw e;
    }
  }
  return out;
}

/** The ACK for a 2xx the scenario never acknowledged (before the teardown BYE), RFC 3261 §13.2.2.4. */
function ackFor(invite: SipRequest, answer: SipResponse, via: string): SipRequest {
  const bye = buildTeardownBye(invite, answer, via, cseqOf(invite)?.seq ?? 1);
  return { ...bye, method: 'ACK', headers: bye.headers.map((h) => (h.name === 'CSeq' ? { name: 'CSeq', value: `${cseqOf(invite)?.seq ?? 1} ACK` } : h)) };
}
