import { go, type FsmTable } from './fsm.js';

/** RFC 3261 §17.1.2 (Figure 6). */
export type ClientNonInviteState = 'trying' | 'proceeding' | 'completed' | 'terminated';

export type ClientNonInviteEvent = 'timerE' | 'timerF' | 'timerK' | 'provisional' | 'final' | 'transportError';

export type ClientNonInviteAction =
  | 'retransmitBackoff' // Trying: re-send, Timer E = min(2E, T2)
  | 'retransmitAtT2' // Proceeding: re-send, Timer E = T2
  | 'stopTimerE'
  | 'stopTimerF'
  | 'startTimerK'
  | 'passUp'
  | 'reportTimeout'
  | 'reportTransportError';

export const CLIENT_NON_INVITE_FSM: FsmTable<ClientNonInviteState, ClientNonInviteEvent, ClientNonInviteAction> = {
  trying: {
    timerE: go('trying', 'retransmitBackoff'),
    timerF: go('terminated', 'reportTimeout'),
    provisional: go('proceeding', 'passUp'),
    final: go('completed', 'stopTimerE', 'stopTimerF', 'startTimerK', 'passUp'),
    transportError: go('terminated', 'reportTransportError'),
  },
  proceeding: {
    timerE: go('proceeding', 'retransmitAtT2'),
    timerF: go('terminated', 'reportTimeout'),
    provisional: go('proceeding', 'passUp'),
    final: go('completed', 'stopTimerE', 'stopTimerF', 'startTimerK', 'passUp'),
    transportError: go('terminated', 'reportTransportError'),
  },
  completed: {
    // Response retransmissions are absorbed until Timer K.
    timerK: go('terminated'),
  },
  terminated: {},
};
