import { go, type FsmTable } from './fsm.js';

/** RFC 3261 §17.2.1 (Figure 7) with the RFC 6026 §7.1 Accepted state. */
export type ServerInviteState = 'proceeding' | 'completed' | 'confirmed' | 'accepted' | 'terminated';

export type ServerInviteEvent =
  | 'requestRetransmit'
  | 'ack'
  | 'tuProvisional' // the TU responds 1xx
  | 'tuSuccess' // the TU responds 2xx
  | 'tuFailure' // the TU responds 300-699
  | 'timerTrying' // 200 ms without a TU response (§17.2.1)
  | 'timerG'
  | 'timerH'
  | 'timerI'
  | 'timerL'
  | 'transportError';

export type ServerInviteAction =
  | 'sendResponse' // send the TU's response and remember it as the last one
  | 'resendLast'
  | 'sendTrying'
  | 'stopTrying'
  | 'startTimersGH'
  | 'retransmitBackoff' // Timer G: re-send the final, G = min(2G, T2)
  | 'stopTimersGH'
  | 'startTimerI'
  | 'startTimerL'
  | 'passAckUp' // RFC 6026: an ACK matching an accepted INVITE goes to the TU (dialog layer)
  | 'reportTimeout'
  | 'reportTransportError';

export const SERVER_INVITE_FSM: FsmTable<ServerInviteState, ServerInviteEvent, ServerInviteAction> = {
  proceeding: {
    requestRetransmit: go('proceeding', 'resendLast'),
    timerTrying: go('proceeding', 'sendTrying'),
    tuProvisional: go('proceeding', 'stopTrying', 'sendResponse'),
    tuSuccess: go('accepted', 'stopTrying', 'sendResponse', 'startTimerL'),
    tuFailure: go('completed', 'stopTrying', 'sendResponse', 'startTimersGH'),
    transportError: go('terminated', 'reportTransportError'),
  },
  completed: {
    requestRetransmit: go('completed', 'resendLast'),
    timerG: go('completed', 'retransmitBackoff'),
    timerH: go('terminated', 'reportTimeout'),
    ack: go('confirmed', 'stopTimersGH', 'startTimerI'),
    transportError: go('terminated', 'reportTransportError'),
  },
  confirmed: {
    // ACK retransmissions are absorbed until Timer I.
    timerI: go('terminated'),
  },
  accepted: {
    // RFC 6026 §7.1: INVITE retransmissions are absorbed (the TU retransmits the 2xx itself).
    ack: go('accepted', 'passAckUp'),
    tuSuccess: go('accepted', 'sendResponse'),
    timerL: go('terminated'),
    transportError: go('accepted', 'reportTransportError'),
  },
  terminated: {},
};
