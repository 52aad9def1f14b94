import { EventEmitter } from 'eventemitter3';
import { watchDevices, type MicrophoneSettings } from '../audio/devices.js';
import { AudioOutput } from '../audio/output.js';
import { ErrorCode, VoicewireError, isVoicewireError } from '../errors/errors.js';
import type { ProtocolEvent, ProtocolFactory, VoiceProtocol } from '../protocols/protocol.js';
import { voicewire } from '../protocols/voicewire/voicewire.js';
import { Connection } from '../transport/connection.js';
import { resolveSocketUrl } from '../environment/url.js';
import type { AudioPath, AudioSink } from './audio-path.js';
import { BrowserAudio } from './browser-audio.js';
import { sendControl, sendPing, sendText } from './outgoing.js';
import { NOT_RECONNECTING, trackReconnects, type ReconnectInfo } from './reconnect-info.js';
import { mouthToEarMs } from './mouth-to-ear.js';
import { describeError } from '../errors/describe.js';
import type { TurnDetector, TurnState } from './turns.js';
import type { SessionState, VoiceSessionEvents, VoiceSessionOptions } from './session-types.js';

export type { SessionState, SessionStats, SessionText, VoiceSessionEvents, VoiceSessionOptions } from './session-types.js';


/**
 * A voice conversation: microphone to server, server to speakers (or streams, in Node), over one protocol.
 * Call start() from a user gesture; stop() closes everything it opened; start() again begins a new session.
 */
export class VoiceSession extends EventEmitter<VoiceSessionEvents> {
  private current: SessionState = 'idle';
  private connection: Connection | null = null;
  private audioPath: AudioPath | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private isMuted = false;
  private startPending = false;
  /** stop() was called while start() was still running. */
  private stopCalled = false;
  private rttMs = Number.NaN;
  private pingId = 0;
  private reconnectInfo: ReconnectInfo = NOT_RECONNECTING;
  private readonly protocol: ProtocolFactory;
  private readonly wireRate: number;
  private readonly frameMs: number;
  /**
   * Speakers: `output.setVolume(0–1)` (ramped, no clicks), `output.setMuted()`, `output.setDevice(id)` (setSinkId:
   * OUTPUT_DEVICE_UNSUPPORTED where there is no AudioContext.setSinkId: Firefox, Safari).
   * Kept across start/stop.
   */
  readonly output: AudioOutput;
  private readonly turns: TurnDetector | null;
  private unwatchDevices = () => {};

  /** Throws INVALID_OPTION for a volume outside 0–1, or muteMode 'nothing' with a protocol that needs continuous audio. */
  constructor(private readonly options: VoiceSessionOptions) {
    super();
    this.protocol = options.protocol ?? voicewire();
    // A first codec tells the audio's rate and frame; each socket gets its own from the factory.
    const first = this.protocol();
    this.wireRate = first.sampleRate;
    this.frameMs = first.frameMs;
    first.close();
    if (options.muteMode === 'nothing') assertGapsAllowed(first);
    this.output = new AudioOutput(options);
    this.turns = options.turns?.(this.wireRate, {
      change: (change) => this.emit('turn', change),
      bargeIn: (atMs) => {
        this.interrupt();
        this.emit('bargeIn', { atMs });
      },
    }) ?? null;
  }

  /** The current state (see {@link SessionState}); each change is also a `state` event. */
  get state(): SessionState {
    return this.current;
  }

  /** Which reconnect attempt runs, the delay before it, and why the session gave up (kept after `closed`). */
  get reconnect(): ReconnectInfo {
    return this.reconnectInfo;
  }

  /** True while input is muted: what is sent is silence (or nothing, per `muteMode`), never the microphone. */
  get muted(): boolean {
    return this.isMuted;
  }

  /** Who is speaking now (see the `turn` event); nobody without the `turns` option. */
  get turn(): TurnState {
    return this.turns?.current ?? NOBODY;
  }

  /**
   * Switches the microphone while connected, without reconnecting: the new track feeds the same capture node (frames
   * keep flowing; the switch costs the getUserMedia wait). Processing flags not given keep the session's. Throws
   * MICROPHONE_* (the old microphone stays) or INVALID_OPTION outside a browser session.
   */
  async switchMicrophone(settings: MicrophoneSettings): Promise<void> {
    const audio = this.audioPath;
    if (!(audio instanceof BrowserAudio)) {
      throw new VoicewireError({ code: ErrorCode.INVALID_OPTION, message: `switchMicrophone() needs a started browser session (the session is ${this.current}).`, remedy: 'Await start() with audio: "browser" first.' });
    }
    await audio.switchMicrophone(settings);
    this.turns?.reset();
  }

  /** What the browser applied to the microphone (`track.getSettings()`: deviceId, echoCancellation…); null otherwise. */
  get microphoneSettings(): MediaTrackSettings | null {
    return this.audioPath instanceof BrowserAudio ? this.audioPath.microphoneSettings : null;
  }

  /** The playback node (browser), for visualisers and taps; null otherwise. */
  get playbackNode(): AudioNode | null {
    return this.audioPath instanceof BrowserAudio ? this.audioPath.playbackNode : null;
  }

  /** The microphone as a node of `audioContext` (browser), for meters and taps; read it, do not disconnect it; null otherwise. */
  get microphoneSource(): AudioNode | null {
    return this.audioPath instanceof BrowserAudio ? this.audioPath.microphoneSource : null;
  }

  /** The session's AudioContext (browser); null otherwise. */
  get audioContext(): AudioContext | null {
    return this.audioPath instanceof BrowserAudio ? this.audioPath.context : null;
  }

  /**
   * Opens audio, then the connection. Resolves when the server greeted; rejects with the VoicewireError that
   * stopped it (also emitted as `error`), after releasing whatever it had opened.
   * @throws {VoicewireError} (rejects) INVALID_OPTION (started twice), INVALID_URL, MIXED_CONTENT, INSECURE_CONTEXT,
   *   AUDIO_CONTEXT_UNSUPPORTED, WORKLET_* (the processors could not load), MICROPHONE_DENIED / _NOT_FOUND / _IN_USE /
   *   _UNAVAILABLE, CONNECTION_FAILED / _TIMEOUT / _CLOSED (CLOSED also when stop() ran meanwhile), AUTH_REJECTED,
   *   SERVER_BUSY, SERVER_ERROR, PROTOCOL_ERROR (another protocol at that URL), CODEC_UNSUPPORTED
   */
  async start(): Promise<void> {
    if (this.current !== 'idle' && this.current !== 'closed') {
      throw new VoicewireError({ code: ErrorCode.INVALID_OPTION, message: `start() while the session is ${this.current}.`, remedy: 'Call stop() first, or wait for the session to close.' });
    }
    this.setState('starting');
    this.stopCalled = false;
    this.startPending = true;
    this.rttMs = Number.NaN;
    this.reconnectInfo = NOT_RECONNECTING;
    try {
      // Before any device is touched: a mixed-content or malformed URL fails here, with nothing to undo.
      resolveSocketUrl(this.options.url, this.options.base === undefined ? {} : { base: this.options.base });
      const audio = this.createAudioPath();
      this.audioPath = audio;
      await audio.start(this.audioSink(audio));
      if (this.audioPath !== audio) throw stoppedWhileStarting();
      const connection = this.createConnection();
      this.connection = connection;
      await connection.connect();
      if (this.connection !== connection) throw stoppedWhileStarting();
      audio.connected(connection.protocol);
      if (audio instanceof BrowserAudio) this.unwatchDevices = watchDevices((change) => this.emit('devices', change));
      this.timer = setInterval(() => this.tick(), this.options.statsIntervalMs ?? 250);
    } catch (e) {
      // stop() while starting: what failed underneath is a consequence (a closed AudioContext aborts addModule,
      // which reads like a CSP block), so report the stop itself, with that failure as the cause.
      if (this.stopCalled) throw isVoicewireError(e) && e.code === ErrorCode.CONNECTION_CLOSED ? e : stoppedWhileStarting(e);
      const error = asVoicewireError(e);
      if (!this.isEnding()) {
        this.emit('error', error, true);
        await this.end();
      }
      throw error;
    } finally {
      this.startPending = false;
    }
  }

  private isEnding(): boolean {
    return this.current === 'stopping' || this.current === 'closed';
  }

  /** Closes the connection, the microphone, the worklets and the AudioContext. Safe to call at any time. */
  async stop(): Promise<void> {
    if (this.startPending) this.stopCalled = true;
    await this.end();
  }

  /** stop() for the session's own reasons (the connection ended, a fatal audio error): start() reports those. */
  private async end(): Promise<void> {
    if (this.current === 'idle' || this.isEnding()) return;
    this.setState('stopping');
    clearInterval(this.timer);
    this.timer = undefined;
    this.unwatchDevices();
    this.turns?.reset();
    const { connection, audioPath } = this;
    this.connection = null;
    this.audioPath = null;
    connection?.removeAllListeners();
    connection?.close(1000, 'client stopped');
    await audioPath?.stop();
    this.setState('closed');
  }

  /** Input mute: from the next frame on, sends silence or nothing (`muteMode`) instead of the microphone. */
  mute(): void {
    this.setMuted(true);
  }

  /** Ends input mute: from the next frame on, the microphone is sent again. */
  unmute(): void {
    this.setMuted(false);
  }

  private setMuted(muted: boolean): void {
    if (muted === this.isMuted) return;
    this.isMuted = muted;
    this.emit('mute', muted);
  }

  /** Drops queued playback at once: the user talks over the agent. */
  interrupt(): void {
    this.audioPath?.interrupt();
    this.turns?.interrupted();
  }

  /**
   * Sends a control message where the protocol has them: voicewire (e.g. `{ action: 'tone', frequency: 440,
   * durationMs: 1000 }` to the local server), Moshi (`{ action: 'endTurn' }`). False where it has none.
   */
  sendControl(control: { action: string; [field: string]: unknown }): boolean {
    return sendControl(this.connection, control);
  }

  /** Sends text for the server to speak (Kyutai TTS), after the audio sent before it. False where the protocol takes no text. */
  sendText(text: string): boolean {
    return sendText(this.connection, text);
  }

  /**
   * Ends the input: no more audio is sent, and the protocol finishes its stream (Moshi: the Ogg end-of-stream page;
   * Kyutai STT: a Marker, then silence until it returns and `end`; Realtime: a commit; Kyutai TTS: `Eos`).
   * Stream input calls it when the iterable ends. False when not connected or already ended.
   */
  endInput(): boolean {
    return this.connection?.endInput() ?? false;
  }

  private createAudioPath(): AudioPath {
    const audio = this.options.audio ?? (typeof document === 'undefined' ? undefined : 'browser');
    if (audio === 'browser') return new BrowserAudio(this.options, this.wireRate, this.frameMs, this.output);
    if (audio !== undefined) return audio({ sampleRate: this.wireRate, frameMs: this.frameMs });
    throw new VoicewireError({
      code: ErrorCode.INVALID_OPTION,
      message: 'There is no page here (Node?) and no `audio` option, so the session has no audio to send or play.',
      remedy: "Pass `audio: streamAudio({ input, onAudio })`, imported from 'voicewire/stream'.",
      details: { option: 'audio' },
    });
  }

  private audioSink(audio: AudioPath): AudioSink {
    return {
      frame: (pcm) => {
        // Not connected yet or reconnecting: the connection refuses the frame and counts it as dropped.
        if (this.audioPath !== audio || this.connection === null) return;
        if (this.isMuted) {
          if (this.options.muteMode === 'nothing') return;
          pcm.fill(0);
        }
        this.turns?.frame(pcm);
        this.connection.sendAudio(pcm);
      },
      packets: (packets, preSkip) => {
        // Sent and refused packets are counted by the connection (framesSent = its audioSent).
        if (this.audioPath === audio) this.connection?.sendEncodedAudio(packets, preSkip);
      },
      playing: (playing) => {
        if (this.audioPath === audio) this.turns?.playing(playing);
      },
      end: () => {
        if (this.audioPath === audio) this.endInput();
      },
      error: (error, fatal) => {
        this.emit('error', error, fatal);
        if (fatal) void this.end();
      },
      audio: (state) => this.emit('audio', state),
      microphone: (change) => this.emit('microphone', change),
      microphoneFallback: (change) => this.emit('microphoneFallback', change),
    };
  }

  private createConnection(): Connection {
    const o = this.options;
    const connection = new Connection({
      url: o.url, auth: o.auth, headers: o.headers, base: o.base, connectTimeoutMs: o.connectTimeoutMs, helloTimeoutMs: o.helloTimeoutMs,
      maxMessageBytes: o.maxMessageBytes, audioBudgetBytes: o.audioBudgetBytes, livenessTimeoutMs: o.livenessTimeoutMs, reconnect: o.reconnect, reconnectPolicy: o.reconnectPolicy,
      protocol: this.protocol,
    });
    trackReconnects(connection, (info) => {
      this.reconnectInfo = info;
      this.emit('reconnect', info);
    });
    connection.on('state', ({ state }) => {
      // The connection's end is the session's too ('close' below), but only stop() may say `closed`: it releases the
      // microphone and the AudioContext first (mapping it here made stop() a no-op and leaked both).
      if (state !== 'closed') this.setState(state);
    });
    connection.on('audio', (e) => this.audioPath?.play(e.pcm, e.sampleRate));
    connection.on('gap', (e) => e.filled || this.audioPath?.gap(e.durationMs));
    connection.on('encodedAudio', (e) => this.options.onEncodedAudio?.(e.packets, e.durationMs));
    connection.on('text', (e) => this.emit('text', { text: e.text, source: e.source, final: e.final }));
    connection.on('speech', (e) => this.emit('speech', speechOf(e)));
    connection.on('metadata', (e) => this.onMetadata(e.data));
    connection.on('marker', (e) => this.emit('marker', { id: e.id }));
    connection.on('end', () => {
      this.emit('end');
      void this.end();
    });
    connection.on('error', (error, fatal) => this.emit('error', error, fatal));
    connection.on('close', () => void this.end());
    return connection;
  }

  private onMetadata(data: Readonly<Record<string, unknown>>): void {
    const pong = data.pong as { t?: number } | undefined;
    if (typeof pong?.t === 'number') this.rttMs = now() - pong.t;
    else this.emit('metadata', data);
  }

  /** Stats, levels and an RTT ping, every statsIntervalMs, while someone listens to `stats` or `level`. */
  private tick(): void {
    // Nobody reads them (a bot, a load generator): no ping on the wire, no analyser read, no objects.
    if (this.listenerCount('stats') === 0 && this.listenerCount('level') === 0) return;
    const audio = this.audioPath?.stats();
    const connection = this.connection;
    if (!audio || !connection) return;
    if (this.current === 'connected') sendPing(connection, ++this.pingId, now());
    const c = connection.stats;
    this.emit('level', { micDb: audio.micDb, playbackDb: audio.playbackDb });
    this.emit('stats', {
      rttMs: this.rttMs,
      bufferMs: audio.bufferMs,
      underruns: audio.underruns,
      overruns: audio.overruns,
      droppedInMs: audio.droppedInMs,
      droppedOutMs: (c.audioDropped + c.audioDroppedNotConnected + audio.droppedCaptureFrames) * this.frameMs,
      framesSent: c.audioSent,
      handoff: audio.handoff,
      deviceRate: audio.deviceRate,
      wireRate: this.wireRate,
      playout: audio.playout,
      mouthToEarMs: audio.playout ? mouthToEarMs({ frameMs: this.frameMs, rttMs: this.rttMs, playout: audio.playout }) : Number.NaN,
      incoming: { framesLost: c.framesLost, lostMs: c.lostMs, framesLate: c.framesLate, framesDuplicate: c.framesDuplicate },
    });
  }

  private setState(state: SessionState): void {
    if (state === this.current) return;
    // Once stopping, only `closed` may follow: late socket events must not revive the state.
    if (this.isEnding() && state !== 'closed' && state !== 'starting') return;
    this.current = state;
    this.emit('state', state);
  }
}

function speechOf(e: Extract<ProtocolEvent, { type: 'speech' }>) {
  return { state: e.state, atMs: e.atS === undefined ? undefined : e.atS * 1000, durationMs: e.durationS === undefined ? undefined : e.durationS * 1000 };
}

const NOBODY: TurnState = Object.freeze({ userSpeaking: false, agentSpeaking: false });

const now = () => (typeof performance === 'undefined' ? Date.now() : performance.now());

/** muteMode 'nothing' needs a server that tolerates gaps: the protocol says (`continuousAudio`: Moshi, Kyutai STT). */
function assertGapsAllowed(protocol: VoiceProtocol): void {
  if (!protocol.continuousAudio) return;
  throw new VoicewireError({
    code: ErrorCode.INVALID_OPTION,
    message: `muteMode 'nothing' is not allowed with ${protocol.name}: its server needs continuous audio (it steps its model on the input).`,
    remedy: "Leave muteMode out (or 'silence'): mute() then sends silence, which such servers expect.",
    details: { option: 'muteMode', value: 'nothing', protocolName: protocol.name },
  });
}

function stoppedWhileStarting(cause?: unknown): VoicewireError {
  return new VoicewireError({ code: ErrorCode.CONNECTION_CLOSED, message: 'The session was stopped while it was starting.', remedy: 'Nothing to fix: start() again when you want a session.', cause });
}

function asVoicewireError(e: unknown): VoicewireError {
  if (isVoicewireError(e)) return e;
  return new VoicewireError({ code: ErrorCode.CONNECTION_FAILED, message: `The session could not start: ${describeError(e)}`, remedy: 'See the cause; report it if it is not yours.', cause: e });
}

/**
 * Creates a voice session (see VoiceSessionOptions); nothing is opened until start().
 * @throws {VoicewireError} INVALID_OPTION (a rate or frame the protocol cannot carry, muteMode 'nothing' with a
 *   protocol that needs continuous audio, an encoded input the protocol cannot send)
 */
export function createVoiceSession(options: VoiceSessionOptions): VoiceSession {
  return new VoiceSession(options);
}
