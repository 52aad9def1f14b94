import { EventEmitter } from 'eventemitter3';
import { frameLengthOf } from '../../worklets/capture-core.js';
import { PortFrameReader, SharedFrameReader } from './frame-handoff.js';
import type { CaptureProcessorOptions, CaptureStatsMessage, FrameMessage } from '../../worklets/messages.js';
import type { SampleFormat } from '../dsp/pcm.js';
import { RingBuffer, type RingArray, type RingArrayType } from '../dsp/ring.js';
import { createWorkletNode } from './worklet-node.js';
import { chooseHandoff, requireOption, type Handoff, type HandoffChoice } from './handoff.js';

/**
 * The frames {@link createCapturePipeline} produces: rate, length, sample type, and how they cross from the audio
 * thread. Invalid values throw VoicewireError `INVALID_OPTION` at construction.
 */
export interface CaptureOptions {
  /** The rate frames are sent at, Hz (8000–192000). Default 24000 (Moshi); 16000 for many speech-to-text servers. */
  wireRate?: number;
  /** Frame duration in ms, a whole number of samples at `wireRate`: 20, 40 or 80 are typical. Default 20. */
  frameMs?: number;
  /** Sample type of `frame.samples`. Default 'float32'. */
  format?: SampleFormat;
  /**
   * How frames cross from the audio thread. Default 'auto': the shared ring when cross-origin isolated, else
   * transferable chunks over the port; 'shared' without SharedArrayBuffer throws INVALID_OPTION.
   */
  handoff?: HandoffChoice;
  /** How much audio the handoff holds if the main thread stalls, in ms. Default 2000. */
  bufferMs?: number;
}

/** One wire frame of microphone audio, as the `frame` event gives it. */
export interface CaptureFrame {
  /** wireRate · frameMs / 1000 samples; yours to keep. */
  samples: Float32Array | Int16Array;
  /** RMS of the frame, 0..1 (full scale = 1), for meters. */
  level: number;
  /** 0, 1, 2, … in capture order. */
  sequence: number;
}

/** What the audio thread reports about capture (the `stats` event). */
export interface CaptureStats {
  /** How frames cross from the audio thread: 'shared' ring or 'port' messages. */
  handoff: Handoff;
  /** Frames the audio thread handed over since the start. */
  framesWritten: number;
  /** Frames the audio thread could not hand over (the main thread fell behind by more than bufferMs). */
  framesDropped: number;
}

/** What a {@link CapturePipeline} emits. */
export interface CaptureEvents {
  /** One frame at the wire rate, in capture order. */
  frame: (frame: CaptureFrame) => void;
  /** The frame's RMS level, 0–1 (full scale = 1), right after its `frame`. */
  level: (rms: number) => void;
  /** Sent when the audio thread reports dropped frames, at most once a second. */
  stats: (stats: CaptureStats) => void;
}

/**
 * Microphone → wire frames. Given a context whose voicewire worklets are loaded and a source node (the
 * microphone), it creates the 'voicewire-capture' node and emits frames at the wire rate with their levels.
 * The handoff is chosen once, here, and reported by `handoff`.
 */
export class CapturePipeline extends EventEmitter<CaptureEvents> {
  readonly node: AudioWorkletNode;
  readonly handoff: Handoff;
  readonly wireRate: number;
  readonly frameLength: number;
  readonly format: SampleFormat;
  #sequence = 0;
  #timer: ReturnType<typeof setInterval> | undefined;
  #source: AudioNode;

  constructor(context: BaseAudioContext, source: AudioNode, options: CaptureOptions = {}) {
    super();
    this.#source = source;
    this.wireRate = options.wireRate ?? 24000;
    const frameMs = options.frameMs ?? 20;
    this.format = options.format ?? 'float32';
    const bufferMs = options.bufferMs ?? 2000;
    requireOption(Number.isInteger(this.wireRate) && this.wireRate >= 8000 && this.wireRate <= 192000, 'wireRate', this.wireRate, 'an integer rate in Hz between 8000 and 192000');
    requireOption(Number.isInteger((this.wireRate * frameMs) / 1000) && frameMs > 0, 'frameMs', frameMs, `a duration that is a whole number of samples at ${this.wireRate} Hz (e.g. 20, 40, 80)`);
    requireOption(this.format === 'float32' || this.format === 'int16', 'format', this.format, "'float32' or 'int16'");
    requireOption(bufferMs >= frameMs, 'bufferMs', bufferMs, `at least one frame (${frameMs} ms)`);
    this.frameLength = frameLengthOf(this.wireRate, frameMs);
    this.handoff = chooseHandoff(options.handoff);
    const type: RingArrayType<RingArray> = this.format === 'int16' ? Int16Array : Float32Array;
    const frames = Math.ceil(bufferMs / frameMs);
    const processorOptions: CaptureProcessorOptions = { wireRate: this.wireRate, frameMs, format: this.format, handoff: this.handoff };
    let read: ((onFrame: (samples: RingArray, level: number) => void) => void) | undefined;
    if (this.handoff === 'shared') {
      processorOptions.samples = RingBuffer.createStorage(frames * this.frameLength, type) as SharedArrayBuffer;
      processorOptions.levels = RingBuffer.createStorage(frames, Float32Array) as SharedArrayBuffer;
      const reader = new SharedFrameReader(processorOptions.samples, processorOptions.levels, type, this.frameLength);
      read = (onFrame) => reader.read(onFrame);
    } else {
      processorOptions.pool = Math.min(frames, 8);
      processorOptions.maxPool = frames;
    }
    this.node = createWorkletNode(context, 'voicewire-capture', {
      numberOfInputs: 1,
      numberOfOutputs: 0,
      // Let Web Audio downmix a stereo microphone to the one channel we send.
      channelCount: 1,
      channelCountMode: 'explicit',
      channelInterpretation: 'speakers',
      processorOptions,
    });
    const onFrame = (samples: RingArray, level: number) => this.#deliver(samples, level);
    const portReader = new PortFrameReader(this.node.port, type);
    this.node.port.onmessage = (e: MessageEvent<FrameMessage | CaptureStatsMessage>) => {
      if (e.data.type === 'frame') portReader.receive(e.data, onFrame);
      else this.emit('stats', { handoff: this.handoff, framesWritten: e.data.framesWritten, framesDropped: e.data.framesDropped });
    };
    if (read) {
      const poll = read;
      // Main threads cannot wait on Atomics: poll at twice the frame rate, so a frame waits at most half a frame.
      this.#timer = setInterval(() => poll(onFrame), Math.max(5, frameMs / 2));
    }
    source.connect(this.node);
  }

  /** Feeds capture from another node (a new microphone): connected before the old one is cut, so no quantum is lost. */
  replaceSource(source: AudioNode): void {
    source.connect(this.node);
    this.#source.disconnect(this.node);
    this.#source = source;
  }

  /** Stops capturing: disconnects the node and stops reading. Frames still in flight are discarded. */
  close(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#source.disconnect(this.node);
    this.node.port.onmessage = null;
    this.node.port.close();
  }

  #deliver(samples: RingArray, level: number): void {
    this.emit('frame', { samples, level, sequence: this.#sequence++ });
    this.emit('level', level);
  }
}

/** Microphone → wire frames on `context` (its voicewire worklets loaded), from `source`; see CaptureOptions. */
export function createCapturePipeline(context: BaseAudioContext, source: AudioNode, options: CaptureOptions = {}): CapturePipeline {
  return new CapturePipeline(context, source, options);
}
