import { microphoneOptionsOf, type MicrophoneSettings } from '../audio/devices.js';
import { AudioEngine, type AudioEngineOptions } from '../audio/engine.js';
import type { AudioOutput } from '../audio/output.js';
import { CapturePipeline, type CaptureOptions } from '../audio/capture.js';
import { PlaybackPipeline, type PlaybackOptions, type PlaybackStats } from '../audio/playback.js';
import { AudioLifecycle } from './audio-lifecycle.js';
import type { AudioPath, AudioPathStats, AudioSink } from './audio-path.js';
import { rmsOf, toDb } from '../dsp/level.js';
import type { PlayoutStats } from './mouth-to-ear.js';

export interface BrowserAudioOptions extends MicrophoneSettings {
  /** Context and worklet loading options (see AudioEngine); the microphone's are the top-level MicrophoneSettings. */
  engine?: AudioEngineOptions;
  /** Jitter buffer: `targetMs` (default 60, the start before it adapts), `minMs` and `maxMs`. */
  playback?: Pick<PlaybackOptions, 'targetMs' | 'minMs' | 'maxMs' | 'handoff'>;
  capture?: Pick<CaptureOptions, 'handoff' | 'bufferMs'>;
}

/**
 * Microphone → capture worklet → frames, and server audio → jitter-buffered playback worklet → speakers, in one
 * AudioContext at the device's rate. The worklets resample both ways.
 */
export class BrowserAudio implements AudioPath {
  private readonly engine: AudioEngine;
  private capture: CapturePipeline | null = null;
  private playback: PlaybackPipeline | null = null;
  private analyser: AnalyserNode | null = null;
  private analysis = new Float32Array(0);
  private micDb = -Infinity;
  private playbackStats: PlaybackStats | null = null;
  private droppedCaptureFrames = 0;
  private lifecycle: AudioLifecycle | null = null;
  private sink: AudioSink | null = null;

  constructor(private readonly options: BrowserAudioOptions, private readonly wireRate: number, private readonly frameMs: number, private readonly output: AudioOutput) {
    this.engine = new AudioEngine({ ...options.engine, microphone: microphoneOptionsOf(options, options.engine?.microphone) });
  }

  /** What the browser applied to the microphone (echo cancellation, device, rate…); null without one. */
  get microphoneSettings(): MediaTrackSettings | null {
    return this.engine.microphone?.getAudioTracks()[0]?.getSettings() ?? null;
  }

  /** Switches the microphone without touching the connection: the new track feeds the same capture node. */
  async switchMicrophone(settings: MicrophoneSettings): Promise<void> {
    const options = microphoneOptionsOf({ ...this.options, ...settings }, this.options.engine?.microphone);
    if (options === false) return;
    await this.engine.replaceMicrophone(options, (source) => this.capture?.replaceSource(source));
  }

  /** The playback worklet node, for visualisers and taps; null before start(). */
  get playbackNode(): AudioNode | null {
    return this.playback?.node ?? null;
  }

  get context(): AudioContext | null {
    return this.engine.context;
  }

  /** The microphone as a node of the context, for meters and taps; null before start(). */
  get microphoneSource(): AudioNode | null {
    return this.engine.microphoneSource;
  }

  async start(sink: AudioSink): Promise<void> {
    this.sink = sink;
    this.engine.on('blocked', (e) => sink.error(e, false));
    this.engine.on('microphoneEnded', (e) => sink.error(e, false));
    this.engine.on('workletFallback', (e) => sink.error(e, false));
    await this.engine.start();
    const context = this.engine.context!;
    const source = this.engine.microphoneSource!;
    this.lifecycle = new AudioLifecycle(context, this.engine.microphone, { state: (s) => sink.audio?.(s), microphone: (c) => sink.microphone?.(c) }, this.options.engine?.gestureTarget);
    this.lifecycle.start(this.engine.autoplayVerdict);
    this.capture = new CapturePipeline(context, source, { ...this.options.capture, wireRate: this.wireRate, frameMs: this.frameMs, format: 'float32' });
    this.capture.on('frame', (f) => {
      this.micDb = toDb(f.level);
      sink.frame(f.samples as Float32Array);
    });
    this.capture.on('stats', (s) => {
      this.droppedCaptureFrames = s.framesDropped;
    });
    this.analyser = new AnalyserNode(context, { fftSize: 2048 });
    this.analysis = new Float32Array(this.analyser.fftSize);
    await this.output.attach(context);
    this.openPlayback(this.wireRate);
  }

  connected(): void {
    // The microphone is live from start(); frames before the hello are not sent.
  }

  play(pcm: Float32Array, sampleRate: number): void {
    if (this.playback === null) return;
    // A server may announce another rate than the one we send at: its audio gets a queue at its rate.
    if (sampleRate !== this.playback.inputRate) {
      this.playback.close();
      this.openPlayback(sampleRate);
    }
    this.playback.push(pcm);
  }

  gap(durationMs: number): void {
    this.playback?.gap(durationMs);
  }

  interrupt(): void {
    this.playback?.flush();
  }

  stats(): AudioPathStats {
    const p = this.playbackStats;
    let playbackDb = -Infinity;
    if (this.analyser) {
      this.analyser.getFloatTimeDomainData(this.analysis);
      playbackDb = toDb(rmsOf(this.analysis));
    }
    return {
      micDb: this.micDb,
      playbackDb,
      bufferMs: p?.depthMs ?? 0,
      underruns: p?.underruns ?? 0,
      overruns: p?.overruns ?? 0,
      droppedInMs: p?.droppedMs ?? 0,
      droppedCaptureFrames: this.droppedCaptureFrames,
      handoff: this.capture?.handoff ?? 'none',
      deviceRate: this.engine.context?.sampleRate ?? 0,
      playout: p ? playoutOf(p, this.engine.context) : null,
    };
  }

  async stop(): Promise<void> {
    this.lifecycle?.dispose();
    this.lifecycle = null;
    this.capture?.close();
    this.playback?.close();
    this.analyser?.disconnect();
    this.capture = null;
    this.playback = null;
    this.analyser = null;
    this.sink = null;
    this.output.detach();
    this.engine.removeAllListeners();
    await this.engine.stop();
  }

  private openPlayback(inputRate: number): void {
    const context = this.engine.context!;
    const playback = new PlaybackPipeline(context, { ...this.options.playback, inputRate });
    playback.on('stats', (s) => {
      this.playbackStats = s;
      this.sink?.playing?.(s.playing);
    });
    playback.node.connect(this.analyser!);
    playback.node.connect(this.output.input ?? context.destination);
    this.playback = playback;
  }
}

function playoutOf(p: PlaybackStats, context: AudioContext | null): PlayoutStats {
  // baseLatency/outputLatency are seconds; outputLatency is missing in older Safari (0 then).
  const latency = ((context?.baseLatency ?? 0) + (context?.outputLatency ?? 0)) * 1000;
  return {
    targetDelayMs: p.targetDelayMs,
    delayMs: p.delayMs,
    underrunMs: p.underrunMs,
    concealedMs: p.concealedMs,
    acceleratedMs: p.acceleratedMs,
    expandedMs: p.expandedMs,
    droppedMs: p.droppedMs,
    outputLatencyMs: Number.isFinite(latency) ? latency : 0,
  };
}
