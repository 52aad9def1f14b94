import { EventEmitter } from 'eventemitter3';
import type { MicrophoneSettings } from '../audio/devices.js';
import { AudioOutput } from '../audio/output.js';
import { ErrorCode, isVoicewireError } from '../errors/errors.js';
import type { ProtocolFactory } from '../protocols/protocol.js';
import { voicewire } from '../protocols/voicewire/voicewire.js';
import type { Connection } from '../transport/connection.js';
import { resolveSocketUrl } from '../environment/url.js';
import type { AudioPath, AudioSink } from './audio-path.js';
import { BrowserAudio } from './browser-audio.js';
import { sendControl, sendText } from './outgoing.js';
import { NOT_RECONNECTING, type ReconnectInfo } from './reconnect-info.js';
import { createSessionConnection } from './session-connection.js';
import { StatsTicker } from './session-stats.js';
import { asVoicewireError, assertGapsAllowed, noAudioPathError, notBrowserSessionError, startedTwiceError, stoppedWhileStarting } from './session-errors.js';
import type { TurnDetector, TurnState } from './turns.js';
import type { SessionState, VoiceSessionEvents, VoiceSessionOptions } from './session-types.js';

export type { SessionState, SessionStats, SessionText, VoiceSessionEvents, VoiceSessionOptions } from './session-types.js';

/**
 * A voice conversation: microphone to server, server to speakers (or streams, in Node), over one protocol.
 * Call start() from a user gesture; stop() closes everything it opened; start() again begins a new session.
 */
export class VoiceSession extends EventEmitter<VoiceSessionEvents> {
  #current: SessionState = 'idle';
  #connection: Connection | null = null;
  #audioPath: AudioPath | null = null;
  #isMuted = false;
  #startPending = false;
  /** stop() was called while start() was still running. */
  #stopCalled = false;
  #reconnectInfo: ReconnectInfo = NOT_RECONNECTING;
  readonly #protocol: ProtocolFactory;
  readonly #wireRate: number;
  readonly #frameMs: number;
  readonly #ticker: StatsTicker;
  /**
   * Speakers: `output.setVolume(0–1)` (ramped, no clicks), `output.setMuted()`, `output.setDevice(id)` (setSinkId:
   * OUTPUT_DEVICE_UNSUPPORTED where there is no AudioContext.setSinkId: Firefox, Safari).
   * Kept across start/stop.
   */
  readonly output: AudioOutput;
  readonly #turns: TurnDetector | null;

  /** Throws INVALID_OPTION for a volume outside 0–1, or muteMode 'nothing' with a protocol that needs continuous audio. */
  readonly #options: VoiceSessionOptions;
  constructor(options: VoiceSessionOptions) {
    super();
    this.#options = options;
    this.#protocol = options.protocol ?? voicewire();
    // A first codec tells the audio's rate and frame; each socket gets its own from the factory.
    const first = this.#protocol();
    this.#wireRate = first.sampleRate;
    this.#frameMs = first.frameMs;
    first.close();
    this.#ticker = new StatsTicker(this, { frameMs: this.#frameMs, wireRate: this.#wireRate });
    if (options.muteMode === 'nothing') assertGapsAllowed(first);
    this.output = new AudioOutput(options);
    this.#turns = options.turns?.(this.#wireRate, {
      change: (change) => this.emit('turn', change),
      bargeIn: (atMs) => {
        this.interrupt();
        this.emit('bargeIn', { atMs });
      },
    }) ?? null;
  }

  /** The current state (see {@link SessionState}); each change is also a `state` event. */
  get state(): SessionState {
    return this.#current;
  }

  /** Which reconnect attempt runs, the delay before it, and why the session gave up (kept after `closed`). */
  get reconnect(): ReconnectInfo {
    return this.#reconnectInfo;
  }

  /** True while input is muted: what is sent is silence (or nothing, per `muteMode`), never the microphone. */
  get muted(): boolean {
    return this.#isMuted;
  }

  /** Who is speaking now (see the `turn` event); nobody without the `turns` option. */
  get turn(): TurnState {
    return this.#turns?.current ?? NOBODY;
  }

  /**
   * Switches the microphone while connected, without reconnecting: the new track feeds the same capture node (frames
   * keep flowing; the switch costs the getUserMedia wait). Processing flags not given keep the session's. Throws
   * MICROPHONE_* (the old microphone stays) or INVALID_OPTION outside a browser session.
   */
  async switchMicrophone(settings: MicrophoneSettings): Promise<void> {
    const audio = this.#audioPath;
    if (!(audio instanceof BrowserAudio)) throw notBrowserSessionError(this.#current);
    await audio.switchMicrophone(settings);
    this.#turns?.reset();
  }

  /** What the browser applied to the microphone (`track.getSettings()`: deviceId, echoCancellation…); null otherwise. */
  get microphoneSettings(): MediaTrackSettings | null {
    return this.#audioPath instanceof BrowserAudio ? this.#audioPath.microphoneSettings : null;
  }

  /** The playback node (browser), for visualisers and taps; null otherwise. */
  get playbackNode(): AudioNode | null {
    return this.#audioPath instanceof BrowserAudio ? this.#audioPath.playbackNode : null;
  }

  /** The microphone as a node of `audioContext` (browser), for meters and taps; read it, do not disconnect it; null otherwise. */
  get microphoneSource(): AudioNode | null {
    return this.#audioPath instanceof BrowserAudio ? this.#audioPath.microphoneSource : null;
  }

  /** The session's AudioContext (browser); null otherwise. */
  get audioContext(): AudioContext | null {
    return this.#audioPath instanceof BrowserAudio ? this.#audioPath.context : null;
  }

  /**
   * Opens audio, then the connection. Resolves when the server greeted; rejects with the VoicewireError that
   * stopped it (also emitted as `error`), after releasing whatever it had opened.
   * @throws {VoicewireError} (rejects) INVALID_OPTION (started twice), INVALID_URL, MIXED_CONTENT, INSECURE_CONTEXT,
   *   AUDIO_CONTEXT_UNSUPPORTED, WORKLET_* (the processors could not load), MICROPHONE_DENIED / _NOT_FOUND / _IN_USE /
   *   _UNAVAILABLE / _BLOCKED_BY_POLICY (a frame without allow="microphone"), CONNECTION_FAILED / _TIMEOUT / _CLOSED (CLOSED also when stop() ran meanwhile), AUTH_REJECTED,
   *   SERVER_BUSY, SERVER_ERROR, PROTOCOL_ERROR (another protocol at that URL), CODEC_UNSUPPORTED
   */
  async start(): Promise<void> {
    if (this.#current !== 'idle' && this.#current !== 'closed') throw startedTwiceError(this.#current);
    this.#setState('starting');
    this.#stopCalled = false;
    this.#startPending = true;
    this.#reconnectInfo = NOT_RECONNECTING;
    try {
      // Before any device is touched: a mixed-content or malformed URL fails here, with nothing to undo.
      resolveSocketUrl(this.#options.url, this.#options.base === undefined ? {} : { base: this.#options.base });
      const audio = this.#createAudioPath();
      this.#audioPath = audio;
      await audio.start(this.#audioSink(audio));
      if (this.#audioPath !== audio) throw stoppedWhileStarting();
      const connection = this.#createConnection();
      this.#connection = connection;
      await connection.connect();
      if (this.#connection !== connection) throw stoppedWhileStarting();
      audio.connected(connection.protocol);
      this.#ticker.start(this.#options.statsIntervalMs ?? 250, () => ({ audio: this.#audioPath, connection: this.#connection, connected: this.#current === 'connected' }));
    } catch (e) {
      // stop() while starting: what failed underneath is a consequence (a closed AudioContext aborts addModule,
      // which reads like a CSP block), so report the stop itself, with that failure as the cause.
      if (this.#stopCalled) throw isVoicewireError(e) && e.code === ErrorCode.CONNECTION_CLOSED ? e : stoppedWhileStarting(e);
      const error = asVoicewireError(e);
      if (!this.#isEnding()) {
        this.emit('error', error, true);
        await this.#end();
      }
      throw error;
    } finally {
      this.#startPending = false;
    }
  }

  #isEnding(): boolean {
    return this.#current === 'stopping' || this.#current === 'closed';
  }

  /** Closes the connection, the microphone, the worklets and the AudioContext. Safe to call at any time. */
  async stop(): Promise<void> {
    if (this.#startPending) this.#stopCalled = true;
    await this.#end();
  }

  /** stop() for the session's own reasons (the connection ended, a fatal audio error): start() reports those. */
  async #end(): Promise<void> {
    if (this.#current === 'idle' || this.#isEnding()) return;
    this.#setState('stopping');
    this.#ticker.stop();
    this.#turns?.reset();
    const connection = this.#connection;
    const audioPath = this.#audioPath;
    this.#connection = null;
    this.#audioPath = null;
    connection?.removeAllListeners();
    connection?.close(1000, 'client stopped');
    await audioPath?.stop();
    this.#setState('closed');
  }

  /** Input mute: from the next frame on, sends silence or nothing (`muteMode`) instead of the microphone. */
  mute(): void {
    this.#setMuted(true);
  }

  /** Ends input mute: from the next frame on, the microphone is sent again. */
  unmute(): void {
    this.#setMuted(false);
  }

  #setMuted(muted: boolean): void {
    if (muted === this.#isMuted) return;
    this.#isMuted = muted;
    this.emit('mute', muted);
  }

  /** Drops queued playback at once: the user talks over the agent. */
  interrupt(): void {
    this.#audioPath?.interrupt();
    this.#turns?.interrupted();
  }

  /**
   * Sends a control message where the protocol has them: voicewire (e.g. `{ action: 'tone', frequency: 440,
   * durationMs: 1000 }` to the local server), Moshi (`{ action: 'endTurn' }`). False where it has none.
   */
  sendControl(control: { action: string; [field: string]: unknown }): boolean {
    return sendControl(this.#connection, control);
  }

  /** Sends text for the server to speak (Kyutai TTS), after the audio sent before it. False where the protocol takes no text. */
  sendText(text: string): boolean {
    return sendText(this.#connection, text);
  }

  /**
   * Ends the input: no more audio is sent, and the protocol finishes its stream (Moshi: the Ogg end-of-stream page;
   * Kyutai STT: a Marker, then silence until it returns and `end`; Realtime: a commit; Kyutai TTS: `Eos`).
   * Stream input calls it when the iterable ends. False when not connected or already ended.
   */
  endInput(): boolean {
    return this.#connection?.endInput() ?? false;
  }

  #createAudioPath(): AudioPath {
    const audio = this.#options.audio ?? (typeof document === 'undefined' ? undefined : 'browser');
    if (audio === 'browser') return new BrowserAudio(this.#options, this.#wireRate, this.#frameMs, this.output);
    if (audio !== undefined) return audio({ sampleRate: this.#wireRate, frameMs: this.#frameMs });
    throw noAudioPathError();
  }

  #audioSink(audio: AudioPath): AudioSink {
    return {
      frame: (pcm) => {
        // Not connected yet or reconnecting: the connection refuses the frame and counts it as dropped.
        if (this.#audioPath !== audio || this.#connection === null) return;
        if (this.#isMuted) {
          if (this.#options.muteMode === 'nothing') return;
          pcm.fill(0);
        }
        this.#turns?.frame(pcm);
        this.#connection.sendAudio(pcm);
      },
      packets: (packets, preSkip) => {
        // Sent and refused packets are counted by the connection (framesSent = its audioSent).
        if (this.#audioPath === audio) this.#connection?.sendEncodedAudio(packets, preSkip);
      },
      playing: (playing) => {
        if (this.#audioPath === audio) this.#turns?.playing(playing);
      },
      end: () => {
        if (this.#audioPath === audio) this.endInput();
      },
      error: (error, fatal) => {
        this.emit('error', error, fatal);
        if (fatal) void this.#end();
      },
      audio: (state) => this.emit('audio', state),
      microphone: (change) => this.emit('microphone', change),
      microphoneFallback: (change) => this.emit('microphoneFallback', change),
      workletFallback: (refused, moduleUrl) => this.emit('workletFallback', { refused, moduleUrl }),
      devices: (change) => {
        if (this.#audioPath === audio) this.emit('devices', change);
      },
    };
  }

  #createConnection(): Connection {
    return createSessionConnection(this.#options, this.#protocol, this, {
      state: (state) => this.#setState(state),
      reconnect: (info) => (this.#reconnectInfo = info),
      audio: () => this.#audioPath,
      pong: (data) => this.#ticker.pong(data),
      end: () => void this.#end(),
    });
  }

  #setState(state: SessionState): void {
    if (state === this.#current) return;
    // Once stopping, only `closed` may follow: late socket events must not revive the state.
    if (this.#isEnding() && state !== 'closed' && state !== 'starting') return;
    this.#current = state;
    this.emit('state', state);
  }
}

const NOBODY: TurnState = Object.freeze({ userSpeaking: false, agentSpeaking: false });

/**
 * Creates a voice session (see VoiceSessionOptions); nothing is opened until start().
 * @throws {VoicewireError} INVALID_OPTION (a rate or frame the protocol cannot carry, muteMode 'nothing' with a
 *   protocol that needs continuous audio, an encoded input the protocol cannot send)
 */
export function createVoiceSession(options: VoiceSessionOptions): VoiceSession {
  return new VoiceSession(options);
}
