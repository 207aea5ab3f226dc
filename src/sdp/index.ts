export {
  AUDIO_CODECS,
  DEFAULT_CODECS,
  DEFAULT_TELEPHONE_EVENT_PT,
  STATIC_PAYLOAD_NAMES,
  TELEPHONE_EVENT,
  isAudioCodecName,
  type AudioCodecName,
  type MediaDirection,
  type NegotiatedAudio,
  type NegotiatedCodec,
} from './codecs.js';
export { buildOffer, type AudioSdpOptions } from './buildOffer.js';
export { parseAnswer } from './parseAnswer.js';
export { buildAnswer, type Answer, type AnswerOptions } from './buildAnswer.js';
export { readAudioMedia, type AudioMedia, type MediaFormat } from './readAudioMedia.js';
