export {
  TransactionLayer,
  type CancelHandler,
  type RequestHandler,
  type StrayAckHandler,
  type StrayResponseHandler,
  type TransactionLayerOptions,
} from './transactionLayer.js';
export type {
  ClientTransaction,
  ClientTransactionHandlers,
  ServerTransaction,
  TransactionStats,
} from './transactionTypes.js';
export { DEFAULT_TIMER_CONFIG, resolveTimers, type TimerConfig, type TransactionTimers } from './timerConfig.js';
export { createResponse } from './createResponse.js';
export { buildNon2xxAck } from './non2xxAck.js';
export { CLIENT_INVITE_FSM, type ClientInviteState } from './clientInviteFsm.js';
export { CLIENT_NON_INVITE_FSM, type ClientNonInviteState } from './clientNonInviteFsm.js';
export { SERVER_INVITE_FSM, type ServerInviteState } from './serverInviteFsm.js';
export { SERVER_NON_INVITE_FSM, type ServerNonInviteState } from './serverNonInviteFsm.js';
