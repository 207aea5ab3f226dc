// Public surface of the SIP stack, layer by layer (parse → transport → transaction → dialog → UA).
export {
  createRequest,
  createResponseMessage,
  getHeader,
  getHeaders,
  type SipHeaderField,
  type SipMessage,
  type SipRequest,
  type SipResponse,
} from './message.js';
export { parseSipMessage, type ParseOptions } from './parse.js';
export { serializeSipMessage } from './serialize.js';
export { StreamFramer, type StreamFramerOptions } from './streamFramer.js';
export { SipParseError, type SipParseProblem } from './sipErrors.js';
export { checkSemantics, type SipSemanticProblem } from './checkSemantics.js';
export { parseUri, formatUri, type SipUri } from './uri.js';
export { parseNameAddr, formatNameAddr, type NameAddr } from './nameAddr.js';
export { parseVia, formatVia, type Via } from './via.js';
export { parseCSeq, formatCSeq, type CSeq } from './cseq.js';
export { generateBranch, generateCallId, generateTag, type RandomBytes } from './identifiers.js';
export { chooseChallenge, computeDigestAuthorization, parseChallenge, type DigestChallenge } from './digest.js';
export * from './transport/index.js';
export * from './transaction/index.js';
export { Dialog, type DialogState } from './dialog/dialog.js';
export { OutgoingCall, type InviteFailure, type InviteFailureReason, type OutgoingCallListener } from './ua/outgoingCall.js';
export { UserAgent, type PlaceCallOptions, type UserAgentOptions } from './ua/userAgent.js';
export { IncomingCall, type IncomingCallEndedBy, type IncomingCallListener, type IncomingCallState, type IncomingCallTimeline } from './ua/incomingCall.js';
export type { InviteAuthOptions } from './ua/userAgent.js';
export { verifyDigestAuthorization, type DigestVerdict, type DigestVerifyInput } from './digestVerify.js';
