/**
 * The signal processing every thread shares (main, audio worklet, Node).
 *
 * @module voicewire/dsp
 */
export { createResampler } from './resampler.js';
export type { Resampler, ResamplerOptions, ResamplerStage } from './resampler.js';
export { createFrameChunker } from './frame-chunker.js';
export type { FrameChunker } from './frame-chunker.js';
export { encodePcm, decodePcm, floatToInt16, int16ToFloat } from './pcm.js';
export type { SampleFormat } from './pcm.js';
export { rmsOf, toDb } from './level.js';
export { createRingStorage, createRingBuffer } from './ring.js';
export type { RingBuffer, RingArray, RingArrayType } from './ring.js';
export { VoiceActivityDetector } from './vad.js';
export type { VadOptions, VadTransition } from './vad.js';
