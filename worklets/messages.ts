import type { SampleFormat } from '../src/dsp/pcm.js';

// What travels over an AudioWorkletNode's MessagePort, both directions. Transferred buffers go back to their
// sender's pool once read, so the steady state makes no new sample memory on either side.

/** Capture worklet → main: one frame of wire samples (Float32 or Int16 bytes) and its RMS level. */
export interface FrameMessage {
  type: 'frame';
  buffer: ArrayBuffer;
  level: number;
}
/** Main → capture worklet: a frame buffer read and handed back for reuse. */
export interface ReturnMessage {
  type: 'return';
  buffer: ArrayBuffer;
}
/** Capture worklet → main, about once a second: frames lost because the ring or pool was full. */
export interface CaptureStatsMessage {
  type: 'capture-stats';
  framesWritten: number;
  framesDropped: number;
}
/** Main → playback worklet: `length` device-rate samples at the start of `buffer`. */
export interface PcmMessage {
  type: 'pcm';
  buffer: ArrayBuffer;
  length: number;
}
/** Main → playback worklet: drop everything sent before this (barge-in), or play out what is queued (end). */
export interface ControlMessage {
  type: 'flush' | 'end';
}
/** Playback worklet → main, every stats interval. */
export interface PlaybackStatsMessage {
  type: 'playback-stats';
  /** Audio queued in front of the speaker. */
  depthMs: number;
  /** Times the queue ran dry while playing (not counting the tail after end()). */
  underruns: number;
  /** Times the queue went over maxMs. */
  overruns: number;
  /** Device-rate samples dropped by overruns or because the queue was full. */
  droppedSamples: number;
  /** Device-rate samples dropped by flush(). */
  flushedSamples: number;
  playing: boolean;
  /** The delay the jitter buffer aims for, estimated from arrival statistics. */
  targetDelayMs: number;
  /** The playout delay now, as compared with the target (arrival-to-playout of the fastest recent audio plus the queue's share of jitter). */
  delayMs: number;
  /** Concealment played because the queue ran dry while playing, and the silence until it restarted (total). */
  underrunMs: number;
  /** Concealment played in place of lost frames (total). */
  concealedMs: number;
  /** Audio removed by time compression (total). */
  acceleratedMs: number;
  /** Audio inserted by time expansion (total). */
  expandedMs: number;
}

/** processorOptions of 'voicewire-capture'. */
export interface CaptureProcessorOptions {
  wireRate: number;
  frameMs: number;
  format: SampleFormat;
  handoff: 'shared' | 'port';
  /** Shared handoff: RingBuffer storage for samples (of `format`) and for levels (Float32, one per frame). */
  samples?: SharedArrayBuffer;
  levels?: SharedArrayBuffer;
  /** Port handoff: frame buffers made up front; the pool grows to `maxPool` only if the main thread lags. */
  pool?: number;
  maxPool?: number;
}

/** processorOptions of 'voicewire-playback'. */
export interface PlaybackProcessorOptions {
  targetMs: number;
  minMs?: number;
  maxMs: number;
  statsIntervalMs: number;
  handoff: 'shared' | 'port';
  /** Shared handoff: RingBuffer storage (Float32, device rate) and the control words (see playback-control). */
  ring?: SharedArrayBuffer;
  control?: SharedArrayBuffer;
  /** Port handoff: size of the worklet's local queue in ms. */
  capacityMs?: number;
}
