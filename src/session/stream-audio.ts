/**
 * Device-free audio for a session (Node, bots, load tests), passed as its `audio` option: {@link streamAudio}.
 *
 * @module voicewire/stream
 */
import { ErrorCode, VoicewireError } from '../errors/errors.js';
import { FrameChunker } from '../dsp/frame-chunker.js';
import { int16ArrayToFloat } from '../dsp/pcm.js';
import { Resampler } from '../dsp/resampler.js';
import type { AudioPath, AudioPathFactory, AudioPathStats, AudioSink } from './audio-path.js';
import { rmsOf, toDb } from '../dsp/level.js';
import type { VoiceProtocol } from '../protocols/protocol.js';
import { checkEncodedInput, readEncodedInput, sendEncoded, type EncodedInputOptions, type EncodedPackets } from './encoded-input.js';
import { Pacer } from './pacer.js';

export type { AudioPath, AudioPathFactory, AudioPathStats, AudioSink, WireFormat } from './audio-path.js';
export type { EncodedInput, EncodedInputOptions } from './encoded-input.js';

/** Where {@link streamAudio} reads the audio to send (PCM or Opus) and how fast, and where the server's audio goes. */
export interface StreamAudioOptions extends EncodedInputOptions {
  /** PCM to send, mono: Float32 in [-1, 1] or Int16. Any block size. */
  input?: AsyncIterable<Float32Array | Int16Array>;
  /** Rate of `input`, Hz; resampled to the wire rate when it differs. Default: the wire rate. */
  inputSampleRate?: number;
  /** 'realtime' (default) sends a frame per frame duration, like a microphone; 'asap' as fast as it is read. */
  pace?: 'realtime' | 'asap';
  /** Receives the server's audio as it is decoded, at the server's rate. */
  onAudio?: (pcm: Float32Array, sampleRate: number) => void;
}

/**
 * A session's audio from an async iterable (or an Opus file) and to a callback: `createVoiceSession({ url, audio:
 * streamAudio({ input, onAudio }) })`. Returns the factory the session calls with its wire format.
 *
 * @throws VoicewireError `INVALID_OPTION`, from the session's start(), for both `input` and `encodedInput`, bytes
 *   that are not Ogg Opus, or an encoded input on a protocol that cannot carry Opus.
 */
export function streamAudio(options: StreamAudioOptions = {}): AudioPathFactory {
  return (wire) => new StreamAudio(options, wire.sampleRate, wire.frameMs);
}

/**
 * The device-free audio path for Node (tests, load generators, bots): frames come from an async iterable,
 * resampled to the wire rate and cut into frames; the server's audio goes to a callback, unaltered.
 */
class StreamAudio implements AudioPath {
  private stopped = false;
  private micDb = -Infinity;
  private playbackDb = -Infinity;
  private readonly inputRate: number;
  /** The rate of the server's audio, once some arrived (a gap is handed out at it). */
  private serverRate: number | undefined;

  constructor(private readonly options: StreamAudioOptions, private readonly wireRate: number, private readonly frameMs: number) {
    this.inputRate = options.inputSampleRate ?? wireRate;
  }

  private sink: AudioSink | null = null;
  private encoded: EncodedPackets | null = null;

  async start(sink: AudioSink): Promise<void> {
    if (this.options.encodedInput && this.options.input) {
      throw new VoicewireError({ code: ErrorCode.INVALID_OPTION, message: 'Both `input` and `encodedInput` were given.', remedy: 'Pass one: PCM as `input`, or Opus as `encodedInput`.' });
    }
    // Before the connection: bad bytes fail start() with nothing opened.
    this.encoded = this.options.encodedInput ? readEncodedInput(this.options.encodedInput) : null;
    this.stopped = false;
    this.sink = sink;
  }

  connected(protocol: VoiceProtocol | undefined): void {
    checkEncodedInput(this.options, protocol);
    // Once per session: a reconnect resumes the same stream rather than restarting the file.
    const pacer = new Pacer(this.options.pace);
    if (this.encoded && this.sink) void sendEncoded(this.encoded, this.sink, pacer, () => this.stopped);
    else if (this.options.input && this.sink) void this.pump(this.options.input, this.sink, pacer);
    this.sink = null;
  }

  play(pcm: Float32Array, sampleRate: number): void {
    this.serverRate = sampleRate;
    this.playbackDb = toDb(rmsOf(pcm));
    this.options.onAudio?.(pcm, sampleRate);
  }

  /** Lost server audio reaches `onAudio` as silence of its duration, so what follows keeps its place in time. */
  gap(durationMs: number): void {
    const rate = this.serverRate ?? this.wireRate;
    const length = Math.round((durationMs * rate) / 1000);
    if (length > 0) this.options.onAudio?.(new Float32Array(length), rate);
  }

  interrupt(): void {
    // Nothing is queued on this side: audio is handed out as it arrives.
  }

  stats(): AudioPathStats {
    return { micDb: this.micDb, playbackDb: this.playbackDb, bufferMs: Number.NaN, underruns: 0, overruns: 0, droppedInMs: 0, droppedCaptureFrames: 0, handoff: 'none', deviceRate: this.inputRate, playout: null };
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }

  private async pump(input: AsyncIterable<Float32Array | Int16Array>, sink: AudioSink, pacer: Pacer): Promise<void> {
    const frameLength = Math.round((this.wireRate * this.frameMs) / 1000);
    const cutter = new FrameChunker(frameLength);
    const resampler = this.inputRate === this.wireRate ? null : new Resampler(this.inputRate, this.wireRate);
    let inputSamples = 0;
    let wireSamples = 0;
    const send = async (frames: Float32Array[]) => {
      for (const frame of frames) {
        if (this.stopped) return;
        this.micDb = toDb(rmsOf(frame));
        sink.frame(frame);
        const wait = pacer.sent(this.frameMs);
        if (wait) await wait;
      }
    };
    const toWire = (floats: Float32Array) => {
      const wire = resampler ? resample(resampler, floats) : floats;
      wireSamples += wire.length;
      return wire;
    };
    for await (const block of input) {
      if (this.stopped) return;
      const floats = block instanceof Float32Array ? block : int16ArrayToFloat(block);
      inputSamples += floats.length;
      await send(cutter.push(toWire(floats)));
    }
    if (resampler) {
      // Push the filter's delay out with silence, so the wire carries exactly the input's duration.
      const expected = Math.round((inputSamples * this.wireRate) / this.inputRate);
      const silence = new Float32Array(Math.ceil((resampler.delayMs * this.inputRate) / 1000) + 1);
      while (wireSamples < expected) {
        const wire = toWire(silence);
        await send(cutter.push(wire.subarray(0, wire.length - Math.max(0, wireSamples - expected))));
      }
    }
    await send(cutter.rest());
    if (!this.stopped) sink.end();
  }
}

function resample(resampler: Resampler, input: Float32Array): Float32Array {
  const out = new Float32Array(resampler.maxOutputLength(input.length));
  return out.subarray(0, resampler.process(input, 0, input.length, out, 0));
}
