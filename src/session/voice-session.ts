import { EventEmitter } from 'eventemitter3';
import { ErrorCode, VoicewireError, isVoicewireError } from '../errors/errors.js';
import type { ProtocolEvent, ProtocolFactory } from '../protocols/protocol.js';
import { VoicewireProtocol, voicewire } from '../protocols/voicewire/voicewire.js';
import { Connection, type ConnectionOptions } from '../transport/connection.js';
import type { ConnectionState } from '../transport/connection-events.js';
import { resolveSocketUrl } from '../environment/url.js';
import type { AudioPath, AudioSink } from './audio-path.js';
import { BrowserAudio, type BrowserAudioOptions } from './browser-audio.js';
import { StreamAudio, type StreamAudioOptions } from './stream-audio.js';
import { mouthToEarMs, type PlayoutStats } from './mouth-to-ear.js';
import { describeError } from '../errors/describe.js';

/**
 * The connection's states (see ConnectionState: `connecting`, `waiting` for the server's hello, `connected`,
 * `reconnecting`, `closed`) plus the session's own: `idle` before the first start(), `starting` while audio opens,
 * `stopping` while stop() releases it.
 */
export type SessionState = 'idle' | 'starting' | ConnectionState | 'stopping';

export interface VoiceSessionOptions extends BrowserAudioOptions, StreamAudioOptions,
  Pick<ConnectionOptions, 'auth' | 'headers' | 'base' | 'connectTimeoutMs' | 'helloTimeoutMs' | 'maxMessageBytes' | 'audioBudgetBytes' | 'reconnect' | 'reconnectPolicy'> {
  /** `/ws`, `wss://host/api/chat`, …: resolved against the page (https → wss). */
  url: string | URL;
  /**
   * The wire protocol, as a factory from its entry (called once per socket): `moshi()` from
   * `voicewire/protocols/moshi`, `voicewire({ sampleRate: 16000 })`, or your own. Its `sampleRate` and `frameMs` set
   * the audio's. Default: `voicewire()` (24 kHz, 20 ms frames).
   */
  protocol?: ProtocolFactory;
  /** 'browser' (microphone and speakers) or 'stream' (async iterable in, callback out). Default: 'browser' where there is a page, else 'stream'. */
  audio?: 'browser' | 'stream';
  /** How often `stats` and `level` are emitted (and the RTT pinged), ms, while either has a listener. Default 250. */
  statsIntervalMs?: number;
}

export interface SessionStats {
  /** Round trip of a ping through the server, ms (voicewire protocol); NaN until measured or where unsupported. */
  rttMs: number;
  /** Jitter-buffer depth, ms. */
  bufferMs: number;
  underruns: number;
  overruns: number;
  /** Server audio dropped before playing, ms. */
  droppedInMs: number;
  /** Microphone audio dropped before sending (backpressure, a stalled main thread, not yet connected), ms. */
  droppedOutMs: number;
  /** Frames sent (each `frameMs` long). */
  framesSent: number;
  /** How samples cross to the audio thread: 'shared' memory, 'port' messages, or 'none' in Node. */
  handoff: 'shared' | 'port' | 'none';
  /** The AudioContext's rate (or the input's, in Node), Hz. */
  deviceRate: number;
  /** The protocol's rate, Hz. */
  wireRate: number;
  /** Jitter-buffer figures in ms (target and current delay, concealment, stretching); null in Node. */
  playout: PlayoutStats | null;
  /** Estimated mouth-to-ear delay, ms (see mouthToEarMs); NaN in Node. */
  mouthToEarMs: number;
}

export interface SessionText {
  text: string;
  source: 'response' | 'transcript';
  final: boolean;
}

export interface VoiceSessionEvents {
  state: (state: SessionState) => void;
  text: (text: SessionText) => void;
  speech: (speech: { state: 'started' | 'stopped'; atMs?: number; durationMs?: number }) => void;
  /** Levels in dBFS, every statsIntervalMs. */
  level: (level: { micDb: number; playbackDb: number }) => void;
  stats: (stats: SessionStats) => void;
  /** Server metadata (Moshi's 0x04 JSON, Kyutai steps). */
  metadata: (data: Readonly<Record<string, unknown>>) => void;
  /** Every failure. `fatal` ones end the session (state `closed` follows). */
  error: (error: VoicewireError, fatal: boolean) => void;
}

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
  private rttMs = Number.NaN;
  private pingId = 0;
  private framesSent = 0;
  private readonly protocol: ProtocolFactory;
  private readonly wireRate: number;
  private readonly frameMs: number;

  constructor(private readonly options: VoiceSessionOptions) {
    super();
    this.protocol = options.protocol ?? voicewire();
    // A first codec tells the audio's rate and frame; each socket gets its own from the factory.
    const first = this.protocol();
    this.wireRate = first.sampleRate;
    this.frameMs = first.frameMs;
    first.close();
  }

  get state(): SessionState {
    return this.current;
  }

  get muted(): boolean {
    return this.isMuted;
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
   */
  async start(): Promise<void> {
    if (this.current !== 'idle' && this.current !== 'closed') {
      throw new VoicewireError({ code: ErrorCode.INVALID_OPTION, message: `start() while the session is ${this.current}.`, remedy: 'Call stop() first, or wait for the session to close.' });
    }
    this.setState('starting');
    this.rttMs = Number.NaN;
    this.framesSent = 0;
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
      audio.connected();
      this.timer = setInterval(() => this.tick(), this.options.statsIntervalMs ?? 250);
    } catch (e) {
      const error = asVoicewireError(e);
      if (!this.isEnding()) {
        this.emit('error', error, true);
        await this.stop();
      }
      throw error;
    }
  }

  private isEnding(): boolean {
    return this.current === 'stopping' || this.current === 'closed';
  }

  /** Closes the connection, the microphone, the worklets and the AudioContext. Safe to call at any time. */
  async stop(): Promise<void> {
    if (this.current === 'idle' || this.isEnding()) return;
    this.setState('stopping');
    clearInterval(this.timer);
    this.timer = undefined;
    const { connection, audioPath } = this;
    this.connection = null;
    this.audioPath = null;
    connection?.removeAllListeners();
    connection?.close(1000, 'client stopped');
    await audioPath?.stop();
    this.setState('closed');
  }

  /** Sends silence instead of the microphone (the stream stays continuous, as servers expect). */
  mute(): void {
    this.isMuted = true;
  }

  unmute(): void {
    this.isMuted = false;
  }

  /** Drops queued playback at once: the user talks over the agent. */
  interrupt(): void {
    this.audioPath?.interrupt();
  }

  /** Sends a control message (voicewire protocol only), e.g. `{ action: 'tone', frequency: 440, durationMs: 1000 }` to the local server. */
  sendControl(control: { action: string; [field: string]: unknown }): boolean {
    const codec = this.connection?.protocol;
    if (!(codec instanceof VoicewireProtocol)) return false;
    return this.connection!.sendControl([codec.message({ type: 'control', ...control })]);
  }

  private createAudioPath(): AudioPath {
    const kind = this.options.audio ?? (typeof document === 'undefined' ? 'stream' : 'browser');
    return kind === 'browser' ? new BrowserAudio(this.options, this.wireRate, this.frameMs) : new StreamAudio(this.options, this.wireRate, this.frameMs);
  }

  private audioSink(audio: AudioPath): AudioSink {
    return {
      frame: (pcm) => {
        if (this.audioPath !== audio || this.current !== 'connected') return;
        if (this.isMuted) pcm.fill(0);
        if (this.connection?.sendAudio(pcm)) this.framesSent++;
      },
      end: () => {
        if (this.audioPath === audio) this.connection?.flush();
      },
      error: (error, fatal) => {
        this.emit('error', error, fatal);
        if (fatal) void this.stop();
      },
    };
  }

  private createConnection(): Connection {
    const o = this.options;
    const connection = new Connection({
      url: o.url, auth: o.auth, headers: o.headers, base: o.base, connectTimeoutMs: o.connectTimeoutMs, helloTimeoutMs: o.helloTimeoutMs,
      maxMessageBytes: o.maxMessageBytes, audioBudgetBytes: o.audioBudgetBytes, reconnect: o.reconnect, reconnectPolicy: o.reconnectPolicy,
      protocol: this.protocol,
    });
    connection.on('state', ({ state }) => {
      // The connection's end is the session's too ('close' below), but only stop() may say `closed`: it releases the
      // microphone and the AudioContext first (mapping it here made stop() a no-op and leaked both).
      if (state !== 'closed') this.setState(state);
    });
    connection.on('audio', (e) => this.audioPath?.play(e.pcm, e.sampleRate));
    connection.on('text', (e) => this.emit('text', { text: e.text, source: e.source, final: e.final }));
    connection.on('speech', (e) => this.emit('speech', speechOf(e)));
    connection.on('metadata', (e) => this.onMetadata(e.data));
    connection.on('error', (error, fatal) => this.emit('error', error, fatal));
    connection.on('close', () => void this.stop());
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
    const codec = connection.protocol;
    if (codec instanceof VoicewireProtocol && this.current === 'connected') {
      connection.sendControl([codec.message({ type: 'ping', id: ++this.pingId, t: now() })]);
    }
    const c = connection.stats;
    this.emit('level', { micDb: audio.micDb, playbackDb: audio.playbackDb });
    this.emit('stats', {
      rttMs: this.rttMs,
      bufferMs: audio.bufferMs,
      underruns: audio.underruns,
      overruns: audio.overruns,
      droppedInMs: audio.droppedInMs,
      droppedOutMs: (c.audioDropped + c.audioDroppedNotConnected + audio.droppedCaptureFrames) * this.frameMs,
      framesSent: this.framesSent,
      handoff: audio.handoff,
      deviceRate: audio.deviceRate,
      wireRate: this.wireRate,
      playout: audio.playout,
      mouthToEarMs: audio.playout ? mouthToEarMs({ frameMs: this.frameMs, rttMs: this.rttMs, playout: audio.playout }) : Number.NaN,
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

const now = () => (typeof performance === 'undefined' ? Date.now() : performance.now());

function stoppedWhileStarting(): VoicewireError {
  return new VoicewireError({ code: ErrorCode.CONNECTION_CLOSED, message: 'The session was stopped while it was starting.', remedy: 'Nothing to fix: start() again when you want a session.' });
}

function asVoicewireError(e: unknown): VoicewireError {
  if (isVoicewireError(e)) return e;
  return new VoicewireError({ code: ErrorCode.CONNECTION_FAILED, message: `The session could not start: ${describeError(e)}`, remedy: 'See the cause; report it if it is not yours.', cause: e });
}

/** Creates a voice session (see VoiceSessionOptions); nothing is opened until start(). */
export function createVoiceSession(options: VoiceSessionOptions): VoiceSession {
  return new VoiceSession(options);
}
