export { readWav, type WavAudio } from './readWav.js';
export { resample, type ResampleOptions } from './resample.js';
export { findSpeechBounds, type SpeechBounds, type SpeechBoundsOptions } from './findSpeechBounds.js';
export { loadUtterance, UTTERANCE_SAMPLE_RATE, type Utterance } from './loadUtterance.js';
export { type LoadUtteranceOptions } from './loadUtterance.js';
export { loadAudio, patchStreamedWavSizes, type LoadAudioOptions, type LoadedAudio } from './loadAudio.js';
export { findFfmpeg, type FfmpegLocation, type FfmpegSource, type FindFfmpegOptions } from './findFfmpeg.js';
export {
  synthesizeSpeech,
  speechCacheKey,
  DEFAULT_SPEECH_CACHE_DIR,
  type SynthesizeOptions,
  type SynthesizedSpeech,
  type SpeechEngineRunner,
} from './synthesizeSpeech.js';
export { encodeWav, writeWav } from './writeWav.js';
export { inspectAudio, type AudioInspection, type InspectAudioOptions } from './inspectAudio.js';
export { synthesizeFixture, type SynthesizedFixture } from './synthesizeFixture.js';
