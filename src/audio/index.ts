export { readWav, type WavAudio } from './readWav.js';
export { resample, type ResampleOptions } from './resample.js';
export { findSpeechBounds, type SpeechBounds, type SpeechBoundsOptions } from './findSpeechBounds.js';
export { loadUtterance, UTTERANCE_SAMPLE_RATE, type Utterance } from './loadUtterance.js';
