import { FakeClock } from '../../../src/core/fakeClock.js';
import type { SipMessage } from '../../../src/sip/message.js';
import { createMemoryTransportPair, type MemoryTransport } from '../../../src/sip/transport/memoryTransport.js';
import type { IncomingCall, IncomingCallListener } from '../../../src/sip/ua/incomingCall.js';
import type { InviteFailure, OutgoingCall } from '../../../src/sip/ua/outgoingCall.js';
import { UserAgent, type InviteAuthOptions } from '../../../src/sip/ua/userAgent.js';

// A voiceload-to-voiceload call in memory: the caller is the existing UAC (UserAgent.placeCall) on side
// a, the agent a UserAgent receiving calls on side b, both on one fake clock with 1 ms one-way latency.

export const OFFER = Buffer.from('v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n');
export const ANSWER = Buffer.from('v=0\r\no=- 2 2 IN IP4 192.0.2.2\r\ns=-\r\nc=IN IP4 192.0.2.2\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n');
export const START_MS = 1000;

export interface CallPair {
  clock: FakeClock;
  a: MemoryTransport;
  b: MemoryTransport;
  caller: UserAgent;
  agent: UserAgent;
  /** Calls the agent received, in order. */
  received: IncomingCall[];
  /** Caller-side events: `trying`, `ringing`, `answered`, `failed <reason>`, `remote-bye`, `hung-up <status>`. */
  callerEvents: string[];
  failure: InviteFailure | undefined;
  /** Agent-side events from the listener each received call gets. */
  agentEvents: string[];
  place(opts?: { credentials?: { username: string; password: string }; ringTimeoutMs?: number }): OutgoingCall;
  /** Messages side `from` sent (dropped ones included), as `INVITE` / `200 INVITE` / `ACK`..., with send times. */
  sentBy(from: 'a' | 'b'): { label: string; atMs: number; dropped: boolean; message: SipMessage }[];
}

export function callPair(
  onCall: (call: IncomingCall, pair: CallPair) => void,
  opts: { inviteAuth?: InviteAuthOptions; drop?: (message: SipMessage, from: 'a' | 'b') => boolean; listener?: Partial<IncomingCallListener> } = {},
): CallPair {
  const clock = new FakeClock(START_MS);
  const [a, b] = createMemoryTransportPair({
    clock,
    latencyMs: 1,
    ...(opts.drop === undefined ? {} : { drop: (_n: number, m: SipMessage, from: 'a' | 'b') => opts.drop?.(m, from) ?? false }),
  });
  const caller = new UserAgent({ transport: a, clock });
  const agent = new UserAgent({ transport: b, clock, ...(opts.inviteAuth === undefined ? {} : { inviteAuth: opts.inviteAuth }) });
  const pair: CallPair = {
    clock,
    a,
    b,
    caller,
    agent,
    received: [],
    callerEvents: [],
    failure: undefined,
    agentEvents: [],
    place: (o = {}) =>
      caller.placeCall(
        {
          target: 'sip:agent@192.0.2.2:5060',
          dest: b.local,
          fromUser: 'caller',
          sdpOffer: OFFER,
          extraHeaders: [{ name: 'X-Lk-Test-Id', value: 't-1' }],
          ringTimeoutMs: o.ringTimeoutMs ?? 60_000,
          ...(o.credentials === undefined ? {} : { credentials: o.credentials }),
        },
        {
          onTrying: (at) => pair.callerEvents.push(`trying@${at}`),
          onRinging: (_res, at) => pair.callerEvents.push(`ringing@${at}`),
          onAnswered: (_res, at) => pair.callerEvents.push(`answered@${at}`),
          onFailed: (f) => {
            pair.failure = f;
            pair.callerEvents.push(`failed ${f.reason}`);
          },
          onRemoteBye: (at) => pair.callerEvents.push(`remote-bye@${at}`),
          onHungUp: (_at, status) => pair.callerEvents.push(`hung-up ${status}`),
        },
      ),
    sentBy: (from) =>
      (from === 'a' ? a : b).sent.map((r) => ({
        label: r.message.kind === 'request' ? r.message.method : `${r.message.status} ${cseqMethod(r.message)}`,
        atMs: r.atMs,
        dropped: r.dropped,
        message: r.message,
      })),
  };
  agent.onIncomingCall((call) => {
    pair.received.push(call);
    const ev = (e: string): void => {
      pair.agentEvents.push(e);
    };
    call.setListener({
      onAck: (at) => ev(`ack@${at}`),
      onCancel: (at) => ev(`cancel@${at}`),
      onRemoteBye: (at) => ev(`remote-bye@${at}`),
      onAckTimeout: () => ev(`ack-timeout@${clock.nowMs()}`),
      onEnded: (at, by) => ev(`ended ${by}@${at}`),
      ...opts.listener,
    });
    onCall(call, pair);
  });
  return pair;
}

function cseqMethod(m: SipMessage): string {
  const cseq = m.headers.find((h) => h.name === 'CSeq')?.value ?? '';
  return cseq.split(/\s+/)[1] ?? '';
}
