import { microphoneOptionsOf, watchDevices, type MicrophoneSettings } from '../audio/devices.js';
import { AudioEngine, type AudioEngineOptions } from '../audio/engine.js';
import type { AudioOutput } from '../audio/output.js';
import { CapturePipeline, type CaptureOptions } from '../audio/capture.js';
import { PlaybackPipeline, type PlaybackOptions, type PlaybackStats } from '../audio/playback.js';
import { AudioLifecycle } from './audio-lifecycle.js';
import { MicrophoneFallback, type MicrophoneFallbackOptions } from './microphone-fallback.js';
import type { AudioPath, AudioPathStats, AudioSink } from './audio-path.js';
import { rmsOf, toDb } from '../dsp/level.js';
import type { MicrophoneOptions } from '../audio/microphone.js';
import type { PlayoutStats } from './mouth-to-ear.js';

export interface BrowserAudioOptions extends MicrophoneSettings, MicrophoneFallbackOptions {
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
  private fallback: MicrophoneFallback | null = null;
  private unwatchDevices = () => {};

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
    await this.replaceMicrophone(options);
    this.fallback?.replaced();
  }

  private async replaceMicrophone(options: MicrophoneOptions): Promise<void> {
    await this.engine.replaceMicrophone(options, (source) => this.capture?.replaceSource(source));
    this.lifecycle?.follow(this.engine.microphone);
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
    this.engine.on('microphoneEnded', (e) => (this.fallback ? this.fallback.ended(e) : sink.error(e, false)));
    this.engine.on('workletFallback', (refused, moduleUrl) => sink.workletFallback?.(refused, moduleUrl));
    await this.engine.start();
    const context = this.engine.context!;
    const source = this.engine.microphoneSource!;
    this.lifecycle = new AudioLifecycle(context, this.engine.microphone, { state: (s) => sink.audio?.(s), microphone: (c) => sink.microphone?.(c) }, this.options.engine?.gestureTarget);
    this.lifecycle.start(this.engine.autoplayVerdict);
    // One watcher for the fallback and the session's `devices` event: one enumerateDevices() per devicechange.
    this.unwatchDevices = watchDevices((change) => {
      this.fallback?.devices(change);
      sink.devices?.(change);
    });
    if (this.engine.microphone) this.watchMicrophoneLoss(sink);
    this.capture = new CapturePipeline(context, source, { ...this.options.capture, wireRate: this.wireRate, frameMs: this.frameMs, format: 'float32' });
    this.capture.on('frame', (f) => {
      this.micDb = toDb(f.level);
      this.fallback?.frame();
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
    this.unwatchDevices();
    this.fallback?.dispose();
    this.fallback = null;
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

  /** The microphone in use going away leads to the `microphoneFallback` option's answer (see microphone-fallback.ts). */
  private watchMicrophoneLoss(sink: AudioSink): void {
    const fallback = new MicrophoneFallback(this.options.microphoneFallback ?? 'default', {
      current: () => {
        const track = this.engine.microphone?.getAudioTracks()[0];
        return track ? { deviceId: track.getSettings().deviceId ?? '', label: track.label } : null;
      },
      openDefault: async () => {
        const options = microphoneOptionsOf({ ...this.options, inputDeviceId: undefined }, this.options.engine?.microphone);
        // The older `engine.microphone.deviceId` names the lost device too: the default is asked without any.
        if (options !== false) await this.replaceMicrophone({ ...options, deviceId: undefined });
      },
      lost: () => this.lifecycle?.deviceLost(),
      switched: (change) => sink.microphoneFallback?.(change),
      error: (e) => sink.error(e, false),
    });
    this.fallback = fallback;
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
