import { go, type FsmTable } from './fsm.js';

/** RFC 3261 §17.2.2 (Figure 8). */
export type ServerNonInviteState = 'trying' | 'proceeding' | 'completed' | 'terminated';

export type ServerNonInviteEvent = 'requestRetransmit' | 'tuProvisional' | 'tuFinal' | 'timerJ' | 'transportError';

export type ServerNonInviteAction = 'sendResponse' | 'resendLast' | 'startTimerJ' | 'reportTransportError';

export const SERVER_NON_INVITE_FSM: FsmTable<ServerNonInviteState, ServerNonInviteEvent, ServerNonInviteAction> = {
  trying: {
    // Nothing to re-send yet: the retransmission is absorbed.
    tuProvisional: go('proceeding', 'sendResponse'),
    tuFinal: go('completed', 'sendResponse', 'startTimerJ'),
    transportError: go('terminated', 'reportTransportError'),
  },
  proceeding: {
    requestRetransmit: go('proceeding', 'resendLast'),
    tuProvisional: go('proceeding', 'sendResponse'),
    tuFinal: go('completed', 'sendResponse', 'startTimerJ'),
    transportError: go('terminated', 'reportTransportError'),
  },
  completed: {
    requestRetransmit: go('completed', 'resendLast'),
    timerJ: go('terminated'),
    transportError: go('terminated', 'reportTransportError'),
  },
  terminated: {},
};
