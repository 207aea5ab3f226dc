// Public surface of the RTP media layer and the speech detector.
export { codecFor, G711Codec, type AudioCodec, type G711Name } from './g711.js';
export {
  RTP_HEADER_SIZE,
  RtpHeaderWriter,
  emptyRtpHeaderFields,
  parseRtpHeader,
  readRtpHeaderInto,
  type RtpHeaderFields,
  type RtpParseProblem,
} from './rtpHeaderWriter.js';
export { RunningSummary, type SummarySnapshot, type ValueRecorder } from './runningSummary.js';
export { Pacer, type PacerOptions, type PacerTick } from './pacer.js';
export { MicrosHistogram, type LatencySummaryMs } from './microsHistogram.js';
export {
  MediaScheduler,
  type MediaSchedulerMembership,
  type MediaSchedulerOptions,
  type MediaSchedulerSnapshot,
  type MediaTickTarget,
} from './mediaScheduler.js';
export {
  TELEPHONE_EVENT_SIZE,
  parseTelephoneEvent,
  readTelephoneEventInto,
  serializeTelephoneEvent,
  writeTelephoneEventInto,
  type TelephoneEventPayload,
} from './telephoneEvent.js';
export { TelephoneEventTracker, type TelephoneEvent } from './telephoneEventTracker.js';
export {
  DtmfTickAction,
  TelephoneEventSender,
  type DtmfRequest,
  type TelephoneEventSenderOptions,
} from './telephoneEventSender.js';
export { dtmfEventCodes, dtmfKeyOf } from './dtmfDigits.js';
export { FrameFlag, UtteranceQueue, type AudioSource, type Utterance } from './audioSource.js';
export { RtpSender, type RtpSenderOptions, type UtteranceSentEvent, type UtteranceStartedEvent } from './rtpSender.js';
export {
  RtpReceiveStats,
  type ReceptionReport,
  type RtpReceiveSnapshot,
  type RtpReceiveStatsOptions,
} from './rtpReceiveStats.js';
export {
  RtcpType,
  buildRtcpCompound,
  ntpFromUnixMs,
  ntpMiddle32,
  parseRtcpCompound,
  roundTripMs,
  serializeBye,
  serializeSdesCname,
  type LastSenderReport,
  type RtcpCompound,
  type RtcpReportBlock,
  type RtcpReportInput,
  type RtcpSenderReport,
  type RtcpSenderStats,
} from './rtcp.js';
export { bindRtpPortPair, closeRtpPortPair, syncIpLookup, type BindPortPairOptions, type UdpPortPair } from './udpPortPair.js';
export {
  RtpSession,
  type DtmfSendOptions,
  type RtpFrameHandler,
  type RtpFrameInfo,
  type RtpRemote,
  type RtpSessionOptions,
  type RtpSessionStats,
} from './rtpSession.js';
export { SpeechDetector, SPEECH_DETECTOR_DEFAULTS, levelDbfs, type SpeechDetectorOptions, type SpeechEvent, type SpeechState } from './speechDetector.js';
export { encodeUtterance } from './encodeUtterance.js';
