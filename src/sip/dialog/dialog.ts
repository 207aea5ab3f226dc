import { getHeader, getHeaders, createRequest, type SipHeaderField, type SipRequest, type SipResponse } from '../message.js';
import { formatCSeq, parseCSeq } from '../cseq.js';
import { parseNameAddr } from '../nameAddr.js';
import { formatUri, type SipUri } from '../uri.js';

/**
 * A dialog as either side sees it: the UAC builds it from a 2xx (or a 1xx with a To-tag) to its INVITE
 * (RFC 3261 §12.1.2), the UAS from the INVITE it answers (§12.1.1). Pure state plus the in-dialog
 * request builder of §12.2.1.1: route set, remote target and CSeq.
 */
export interface DialogState {
  callId: string;
  localTag: string;
  remoteTag: string;
  /** Our address-of-record as a header value without tag: the INVITE's From (UAC) or To (UAS). */
  localUri: string;
  /** The far end's address-of-record without tag: the INVITE's To (UAC) or From (UAS). */
  remoteUri: string;
  /** The far end's Contact URI (of the 2xx for a UAC, of the INVITE for a UAS): where in-dialog requests go when there is no route set. */
  remoteTarget: string;
  /**
   * Each a full name-addr value (`<sip:p;lr>`): the response's Record-Route reversed for a UAC (§12.1.2),
   * the INVITE's Record-Route in order for a UAS (§12.1.1).
   */
  routeSet: string[];
  localSeq: number;
  remoteSeq: number | undefined;
  /** Our Contact URI, when the dialog was built by a UAS that sent it (§12.1.1); target-refresh requests carry it. */
  localContact?: string;
}

/** Where a request must go first: the URI whose host/port/transport the transport layer sends to. */
export interface NextHop {
  uri: SipUri;
}

export class Dialog {
  readonly state: DialogState;

  private constructor(state: DialogState) {
    this.state = state;
  }

  /** Builds the UAC dialog from the INVITE we sent and the response that established it. */
  static fromUacResponse(invite: SipRequest, response: SipResponse): Dialog {
    const to = parseNameAddr(getHeader(response, 'To') ?? '', 'To');
    const from = parseNameAddr(getHeader(invite, 'From') ?? '', 'From');
    const contact = getHeader(response, 'Contact');
    const cseq = parseCSeq(getHeader(invite, 'CSeq') ?? '');
    const routeSet = getHeaders(response, 'Record-Route').reverse();
    const remoteTarget = contact === undefined ? invite.uri : parseNameAddr(contact, 'Contact').uri;
    return new Dialog({
      callId: getHeader(invite, 'Call-ID') ?? '',
      localTag: typeof from.params.tag === 'string' ? from.params.tag : '',
      remoteTag: typeof to.params.tag === 'string' ? to.params.tag : '',
      localUri: stripTag(getHeader(invite, 'From') ?? ''),
      remoteUri: stripTag(getHeader(invite, 'To') ?? ''),
      remoteTarget,
      routeSet,
      localSeq: cseq.seq,
      remoteSeq: undefined,
    });
  }

  /**
   * Builds the UAS dialog from the INVITE we answer with a To-tag (§12.1.1): route set = Record-Route in
   * order, remote target = the INVITE's Contact, remote sequence = its CSeq. The local sequence starts
   * empty (0) so our first request (BYE) carries CSeq 1 (§12.1.1 lets the UAS pick any start).
   */
  static fromUasRequest(invite: SipRequest, localTag: string, localContact: string): Dialog {
    const from = parseNameAddr(getHeader(invite, 'From') ?? '', 'From');
    const contact = getHeader(invite, 'Contact');
    const cseq = parseCSeq(getHeader(invite, 'CSeq') ?? '');
    // An INVITE must carry a Contact (§8.1.1.8); without one the From URI is the best guess of a target.
    const remoteTarget = contact === undefined ? from.uri : parseNameAddr(contact, 'Contact').uri;
    return new Dialog({
      callId: getHeader(invite, 'Call-ID') ?? '',
      localTag,
      remoteTag: typeof from.params.tag === 'string' ? from.params.tag : '',
      localUri: stripTag(getHeader(invite, 'To') ?? ''),
      remoteUri: stripTag(getHeader(invite, 'From') ?? ''),
      remoteTarget,
      routeSet: getHeaders(invite, 'Record-Route'),
      localSeq: 0,
      remoteSeq: cseq.seq,
      localContact,
    });
  }

  /** True when an in-dialog request from the far end belongs to this dialog (§12.2.2). */
  matchesRemoteRequest(req: SipRequest): boolean {
    if (getHeader(req, 'Call-ID') !== this.state.callId) return false;
    const to = tagOf(getHeader(req, 'To'));
    const from = tagOf(getHeader(req, 'From'));
    return to === this.state.localTag && from === this.state.remoteTag;
  }

  /**
   * Checks and records the CSeq of a request from the far end (§12.2.2): a lower one than the last is
   * out of order and must be answered 500.
   */
  acceptRemoteCSeq(req: SipRequest): boolean {
    const seq = parseCSeq(getHeader(req, 'CSeq') ?? '').seq;
    if (this.state.remoteSeq !== undefined && seq < this.state.remoteSeq) return false;
    this.state.remoteSeq = seq;
    return true;
  }

  /**
   * A new in-dialog request (§12.2.1.1). `cseq` defaults to the next local sequence number; ACK for a
   * 2xx passes the INVITE's number. `via` is the Via value with a fresh branch (the caller owns branches).
   */
  createRequest(method: string, via: string, extraHeaders: SipHeaderField[] = [], body?: Buffer, cseq?: number): SipRequest {
    const seq = cseq ?? ++this.state.localSeq;
    const { requestUri, routes } = this.routing();
    const headers: SipHeaderField[] = [{ name: 'Via', value: via }];
    for (const r of routes) headers.push({ name: 'Route', value: r });
    headers.push(
      { name: 'Max-Forwards', value: '70' },
      { name: 'From', value: `${this.state.localUri};tag=${this.state.localTag}` },
      { name: 'To', value: `${this.state.remoteUri};tag=${this.state.remoteTag}` },
      { name: 'Call-ID', value: this.state.callId },
      { name: 'CSeq', value: formatCSeq({ seq, method }) },
      ...extraHeaders,
    );
    return createRequest(method, requestUri, headers, body);
  }

  /** The URI the next request is physically sent to: the first route if any, else the remote target. */
  nextHop(): NextHop {
    const first = this.state.routeSet[0];
    if (first === undefined) return { uri: parseNameAddr(this.state.remoteTarget).parsedUri };
    return { uri: parseNameAddr(first, 'Route').parsedUri };
  }

  private routing(): { requestUri: string; routes: string[] } {
    const first = this.state.routeSet[0];
    if (first === undefined) return { requestUri: this.state.remoteTarget, routes: [] };
    const firstUri = parseNameAddr(first, 'Route').parsedUri;
    if ('lr' in firstUri.params) return { requestUri: this.state.remoteTarget, routes: [...this.state.routeSet] };
    // Strict routing (RFC 2543 proxies, §12.2.1.1): the first route becomes the Request-URI, stripped of
    // parameters not allowed there, and the remote target goes to the end of the Route list.
    const { headers: _h, ...rest } = firstUri;
    const requestUri = formatUri({ ...rest, params: { ...firstUri.params } });
    return { requestUri, routes: [...this.state.routeSet.slice(1), `<${this.state.remoteTarget}>`] };
  }
}

function tagOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const tag = parseNameAddr(value).params.tag;
  return typeof tag === 'string' ? tag : undefined;
}

/** Removes the tag parameter from a From/To value, keeping everything else as written. */
function stripTag(value: string): string {
  return value.replace(/;\s*tag\s*=\s*[^;,\s]*/i, '');
}
