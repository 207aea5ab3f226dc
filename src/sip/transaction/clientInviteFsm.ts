import { go, type FsmTable } from './fsm.js';

/** RFC 3261 §17.1.1 (Figure 5) with the RFC 6026 §8.4 Accepted state. */
export type ClientInviteState = 'calling' | 'proceeding' | 'completed' | 'accepted' | 'terminated';

export type ClientInviteEvent =
  | 'timerA'
  | 'timerB'
  | 'timerD'
  | 'timerM'
  | 'provisional' // 1xx
  | 'success' // 2xx
  | 'failure' // 300-699
  | 'transportError';

export type ClientInviteAction =
  | 'retransmit' // re-send the INVITE and re-arm Timer A at twice its interval (§17.1.1.2, no cap)
  | 'stopTimerA'
  | 'stopTimerB'
  | 'passUp' // hand the response to the TU
  | 'sendAck' // the transaction's own ACK for a non-2xx final (§17.1.1.3), built once, re-sent as is
  | 'startTimerD'
  | 'startTimerM'
  | 'reportTimeout'
  | 'reportTransportError';

/**
 * On a non-2xx final the ACK goes out before the TU hears of it, so that a TU reacting at once
 * (a 407 → INVITE with credentials) puts its new request on the wire after the ACK.
 * Reaching 'terminated' always cancels every timer and forgets the transaction (done by the shell).
 */
export const CLIENT_INVITE_FSM: FsmTable<ClientInviteState, ClientInviteEvent, ClientInviteAction> = {
  calling: {
    timerA: go('calling', 'retransmit'),
    timerB: go('terminated', 'reportTimeout'),
    // Timer B only guards Calling (Figure 5): once the far end answers 1xx, the TU owns the wait.
    provisional: go('proceeding', 'stopTimerA', 'stopTimerB', 'passUp'),
    success: go('accepted', 'stopTimerA', 'stopTimerB', 'startTimerM', 'passUp'),
    failure: go('completed', 'stopTimerA', 'stopTimerB', 'sendAck', 'startTimerD', 'passUp'),
    transportError: go('terminated', 'reportTransportError'),
  },
  proceeding: {
    provisional: go('proceeding', 'passUp'),
    success: go('accepted', 'startTimerM', 'passUp'),
    failure: go('completed', 'sendAck', 'startTimerD', 'passUp'),
    transportError: go('terminated', 'reportTransportError'),
  },
  completed: {
    // A retransmitted final means our ACK was lost: send it again, do not bother the TU.
    failure: go('completed', 'sendAck'),
    timerD: go('terminated'),
    transportError: go('terminated', 'reportTransportError'),
  },
  accepted: {
    // RFC 6026: every 2xx goes up, so the dialog layer re-sends its own ACK; 1xx and non-2xx are absorbed.
    success: go('accepted', 'passUp'),
    timerM: go('terminated'),
  },
  terminated: {},
};
