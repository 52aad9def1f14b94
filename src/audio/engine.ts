import { EventEmitter } from 'eventemitter3';
import { assertAudioCapable, autoplayPolicy } from '../environment/diagnose.js';
import { ErrorCode, VoicewireError } from '../errors/errors.js';
import { claimPlayAndRecord } from './audio-session.js';
import { DEFAULT_AUTOPLAY_WAIT_MS, autoplayBlockedError, autoplayVerdict, autoplayVerdictWhileCapturing, closeAudioContext, createAudioContext, unlockOnGesture, type AudioContextOptions, type AutoplayVerdict } from './context.js';
import { lacksSecureWorklet } from './insecure-playback.js';
import { openMicrophone, watchMicrophone, type MicrophoneOptions } from './microphone.js';
import { loadWorklets, type LoadedWorklets, type WorkletLoadOptions } from './worklet-loader.js';
import { createWorkletNode } from './worklet-node.js';

/** What {@link createAudioEngine} opens: the context, the processors (Blob or self-hosted), the microphone, and how autoplay is handled. */
export interface AudioEngineOptions extends AudioContextOptions, Omit<WorkletLoadOptions, 'onFallback'> {
  /** Open the microphone (default true, with echo cancellation, noise suppression and AGC on). */
  microphone?: boolean | MicrophoneOptions;
  /** How long the context may stay suspended before it counts as blocked by autoplay, ms. Default 500. */
  autoplayWaitMs?: number;
  /**
   * When autoplay blocks the context: 'unlock' (default) emits `blocked`, finishes starting and resumes on the
   * next click, tap or key press; 'throw' rejects start() with AUDIO_CONTEXT_BLOCKED and closes everything.
   */
  onBlocked?: 'unlock' | 'throw';
  /** Where the unlock gesture is listened for (default: window). */
  gestureTarget?: EventTarget;
  /**
   * Insecure pages only, playback only: run the processors in audioworklet-polyfill on the main thread. Pass
   * `installPlaybackPolyfill` from `voicewire/audio`: opting in by import keeps the polyfill out of other bundles.
   */
  insecurePlaybackFallback?: () => Promise<void>;
}

/** What an {@link AudioEngine} reports while it runs. */
export interface AudioEngineEvents {
  /** AUDIO_CONTEXT_BLOCKED: the context waits for a gesture. */
  blocked: (error: VoicewireError) => void;
  /** The context runs after having been blocked. */
  unlocked: () => void;
  /** The Blob URL was refused (WORKLET_BLOCKED_BY_CSP) and the self-hosted moduleUrl is loaded instead. */
  workletFallback: (refused: VoicewireError, moduleUrl: string) => void;
  /** audioworklet-polyfill runs playback on the main thread: expect glitches under load. */
  insecurePlayback: (info: { reason: string }) => void;
  /** MICROPHONE_ENDED: the track ended on its own mid-session. */
  microphoneEnded: (error: VoicewireError) => void;
  /** The AudioContext's `statechange`: 'suspended', 'running', 'closed' (WebKit also 'interrupted'). */
  statechange: (state: AudioContextState) => void;
}

/**
 * Opens the context, the processors and the microphone together, and closes all of them together. stop() leaves
 * nothing behind, so start() works again afterwards.
 */
export class AudioEngine extends EventEmitter<AudioEngineEvents> {
  #ctx: AudioContext | null = null;
  #stream: MediaStream | null = null;
  #source: MediaStreamAudioSourceNode | null = null;
  #loaded: LoadedWorklets | null = null;
  readonly #nodes = new Set<AudioWorkletNode>();
  readonly #cleanups: Array<() => void> = [];
  #autoplay: AutoplayVerdict | null = null;
  #unwatchMicrophone: () => void = () => {};

  readonly #options: AudioEngineOptions;

  constructor(options: AudioEngineOptions = {}) {
    super();
    this.#options = options;
  }

  /** The AudioContext, at the device's own rate; null before start() and after stop(). */
  get context(): AudioContext | null {
    return this.#ctx;
  }

  /** The open microphone stream; null without one (stopped, or `microphone: false`). */
  get microphone(): MediaStream | null {
    return this.#stream;
  }

  /** The microphone as a node of `context`, ready to connect to the capture processor. */
  get microphoneSource(): MediaStreamAudioSourceNode | null {
    return this.#source;
  }

  /** How start() found the context: 'running', 'starting' (allowed, not running yet), 'blocked' (waits for a gesture). */
  get autoplayVerdict(): AutoplayVerdict | null {
    return this.#autoplay;
  }

  /** How the processors were loaded (Blob URL or self-hosted files); null before start(). */
  get worklets(): LoadedWorklets | null {
    return this.#loaded;
  }

  /**
   * Opens the context, loads the processors and opens the microphone; with autoplay blocked it finishes starting
   * and waits for a gesture (`blocked`, then `unlocked`) unless `onBlocked: 'throw'`. A failure closes what opened.
   *
   * @throws VoicewireError `INVALID_OPTION` (already started; stop() during start()); the environment's
   *   `INSECURE_CONTEXT`, `AUDIO_CONTEXT_UNSUPPORTED`, `WORKLET_UNSUPPORTED`, `MICROPHONE_UNAVAILABLE`; `WORKLET_*`
   *   from loading the processors; `MICROPHONE_*` from getUserMedia; `AUDIO_CONTEXT_BLOCKED` with `onBlocked: 'throw'`.
   */
  async start(): Promise<void> {
    if (this.#ctx) {
      throw new VoicewireError({ code: ErrorCode.INVALID_OPTION, message: 'The audio engine is already started.', remedy: 'Call stop() before starting it again.' });
    }
    const o = this.#options;
    const micOptions = o.microphone === false ? null : o.microphone === true || o.microphone === undefined ? {} : o.microphone;
    const polyfill = micOptions === null && lacksSecureWorklet() ? o.insecurePlaybackFallback : undefined;
    if (!polyfill) assertAudioCapable({ worklet: true, microphone: micOptions !== null });
    const ctx = createAudioContext(o);
    this.#ctx = ctx;
    try {
      // Before the context runs: Safari picks the route when audio starts. stop() restores it.
      if (micOptions) this.#cleanups.push(claimPlayAndRecord());
      // Asked for first, while a click handler's user activation is still fresh.
      const waitMs = o.autoplayWaitMs ?? DEFAULT_AUTOPLAY_WAIT_MS;
      const verdict = autoplayVerdict(ctx, waitMs);
      this.#listen(ctx, 'statechange', () => this.emit('statechange', ctx.state));
      if (polyfill) {
        await polyfill();
        this.emit('insecurePlayback', { reason: 'This page is not a secure context: playback runs in audioworklet-polyfill on the main thread.' });
      }
      const loaded = await loadWorklets(ctx, { sources: o.sources, moduleUrl: o.moduleUrl, onFallback: (e, url) => this.emit('workletFallback', e, url) });
      this.#assertCurrent(ctx);
      this.#loaded = loaded;
      if (micOptions) await this.#openMicrophone(ctx, micOptions);
      this.#autoplay = await verdict;
      if (this.#autoplay === 'blocked' && micOptions) this.#autoplay = await autoplayVerdictWhileCapturing(ctx, waitMs);
      if (this.#autoplay === 'blocked') this.#handleBlocked(ctx, waitMs);
      this.#assertCurrent(ctx);
    } catch (e) {
      if (this.#ctx === ctx) await this.stop();
      else await closeAudioContext(ctx);
      throw e;
    }
  }

  /** Creates a processor node on the engine's context; stop() disconnects it. */
  createNode(name: string, options?: AudioWorkletNodeOptions): AudioWorkletNode {
    if (!this.#ctx) {
      throw new VoicewireError({ code: ErrorCode.INVALID_OPTION, message: `Cannot create '${name}': the audio engine is not started.`, remedy: 'Await start() first.' });
    }
    const node = createWorkletNode(this.#ctx, name, options);
    this.#nodes.add(node);
    return node;
  }

  /** Disconnects every node, stops the microphone's tracks and closes the context; start() works again after it. */
  async stop(): Promise<void> {
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
    this.#unwatchMicrophone();
    for (const node of this.#nodes) {
      node.disconnect();
      node.port?.close();
    }
    this.#nodes.clear();
    this.#source?.disconnect();
    for (const track of this.#stream?.getTracks() ?? []) track.stop();
    const ctx = this.#ctx;
    this.#ctx = this.#stream = this.#source = this.#loaded = this.#autoplay = null;
    if (ctx) await closeAudioContext(ctx);
  }

  async #openMicrophone(ctx: AudioContext, options: MicrophoneOptions): Promise<void> {
    const stream = await openMicrophone(options);
    if (this.#ctx !== ctx) for (const track of stream.getTracks()) track.stop();
    this.#assertCurrent(ctx);
    this.#stream = stream;
    this.#unwatchMicrophone = watchMicrophone(stream, (e) => this.emit('microphoneEnded', e));
    this.#source = ctx.createMediaStreamSource(stream);
  }

  /**
   * Switches to another microphone in the running graph: opens it, hands its node to `connect` while the old one
   * still feeds the graph, then releases the old one, so capture never lacks an input and no reconnect happens.
   * Throws MICROPHONE_* (the old microphone stays in use) or INVALID_OPTION when not started with a microphone.
   */
  async replaceMicrophone(options: MicrophoneOptions, connect: (source: MediaStreamAudioSourceNode) => void): Promise<void> {
    const ctx = this.#ctx;
    if (!ctx || !this.#source) {
      throw new VoicewireError({ code: ErrorCode.INVALID_OPTION, message: 'No microphone to switch: the audio engine is not started with one.', remedy: 'Await start() (with the microphone on) first.' });
    }
    const stream = await openMicrophone(options);
    if (this.#ctx !== ctx) for (const track of stream.getTracks()) track.stop();
    this.#assertCurrent(ctx);
    const source = ctx.createMediaStreamSource(stream);
    connect(source);
    this.#unwatchMicrophone();
    this.#source.disconnect();
    for (const track of this.#stream?.getTracks() ?? []) track.stop();
    this.#stream = stream;
    this.#source = source;
    this.#unwatchMicrophone = watchMicrophone(stream, (e) => this.emit('microphoneEnded', e));
  }

  /** stop() during start() wins: the half-opened parts are already closed, start() must not carry on. */
  #assertCurrent(ctx: AudioContext): void {
    if (this.#ctx === ctx) return;
    throw new VoicewireError({
      code: ErrorCode.INVALID_OPTION,
      message: 'stop() was called while start() was still opening the audio engine.',
      remedy: 'Await start() before stopping, or ignore this error when the stop was intended.',
    });
  }

  #handleBlocked(ctx: AudioContext, waitMs: number): void {
    const error = autoplayBlockedError(waitMs, autoplayPolicy());
    if (this.#options.onBlocked === 'throw') throw error;
    const abort = new AbortController();
    this.#cleanups.push(() => abort.abort());
    this.emit('blocked', error);
    void unlockOnGesture(ctx, { target: this.#options.gestureTarget, signal: abort.signal }).then((running) => {
      if (running) this.emit('unlocked');
    });
  }

  #listen(target: EventTarget, type: string, listener: () => void): void {
    target.addEventListener(type, listener);
    this.#cleanups.push(() => target.removeEventListener(type, listener));
  }
}

/** An audio engine (see AudioEngineOptions); nothing is opened until start(). */
export function createAudioEngine(options: AudioEngineOptions = {}): AudioEngine {
  return new AudioEngine(options);
}
