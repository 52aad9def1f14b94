// The public shapes of a voice session: its options, states, statistics and events (the class is voice-session.ts).
import type { DeviceChange } from '../audio/devices.js';
import type { AudioOutputOptions } from '../audio/output.js';
import type { VoicewireError } from '../errors/errors.js';
import type { ProtocolFactory } from '../protocols/protocol.js';
import type { ConnectionOptions } from '../transport/connection.js';
import type { ConnectionState } from '../transport/connection-events.js';
import type { AudioState, MicrophoneChange } from './audio-lifecycle.js';
import type { BrowserAudioOptions } from './browser-audio.js';
import type { MicrophoneFallbackChange } from './microphone-fallback.js';
import type { ReconnectInfo } from './reconnect-info.js';
import type { AudioPathFactory } from './audio-path.js';
import type { PlayoutStats } from './mouth-to-ear.js';
import type { TurnChange, TurnDetection } from './turns.js';

/**
 * The connection's states (see ConnectionState: `connecting`, `waiting` for the server's hello, `connected`,
 * `reconnecting`, `closed`) plus the session's own: `idle` before the first start(), `starting` while audio opens,
 * `stopping` while stop() releases it.
 */
export type SessionState = 'idle' | 'starting' | ConnectionState | 'stopping';

/**
 * What {@link createVoiceSession} takes: the URL and protocol, the audio path, the connection's bounds and reconnect
 * policy, the microphone and speaker settings. Durations in ms, rates in Hz.
 */
export interface VoiceSessionOptions extends BrowserAudioOptions, AudioOutputOptions,
  Pick<ConnectionOptions, 'auth' | 'headers' | 'base' | 'connectTimeoutMs' | 'helloTimeoutMs' | 'maxMessageBytes' | 'audioBudgetBytes' | 'livenessTimeoutMs' | 'reconnect' | 'reconnectPolicy'> {
  /** `/ws`, `wss://host/api/chat`, …: resolved against the page (https → wss). */
  url: string | URL;
  /**
   * The wire protocol, as a factory from its entry (called once per socket): `moshi()` from
   * `voicewire/protocols/moshi`, `voicewire({ sampleRate: 16000 })`, or your own. Its `sampleRate` and `frameMs` set
   * the audio's. Default: `voicewire()` (24 kHz, 20 ms frames).
   */
  protocol?: ProtocolFactory;
  /**
   * 'browser' (microphone and speakers; the default where there is a page), or a factory of another audio path:
   * `streamAudio({ input, onAudio })` from `voicewire/stream` (async iterable in, callback out; needed in Node).
   * Without a page and without it, start() throws INVALID_OPTION.
   */
  audio?: 'browser' | AudioPathFactory;
  /** Receives server audio the protocol left encoded (Moshi with `decodeAudio: false`): packets and duration, ms. */
  onEncodedAudio?: (packets: Uint8Array[], durationMs: number) => void;
  /**
   * What input mute sends: 'silence' (default: zeros, the stream stays continuous) or 'nothing' (no frames at all).
   * 'nothing' is refused (INVALID_OPTION) for protocols whose server needs continuous audio (Moshi, Kyutai STT);
   * with voicewire and realtime the server's own turn detection then waits for audio to resume.
   */
  muteMode?: 'silence' | 'nothing';
  /**
   * Turn events and barge-in: `turnDetection({ bargeIn: true })` from `voicewire/turns`. Default: none (no `turn`
   * events, no barge-in, no voice-activity detector in the bundle).
   */
  turns?: TurnDetection;
  /** How often `stats` and `level` are emitted (and the RTT pinged), ms, while either has a listener; both come once more as the session stops. Default 250. */
  statsIntervalMs?: number;
}

/** A snapshot of the session's audio and connection, emitted as `stats` every `statsIntervalMs`. Durations in ms. */
export interface SessionStats {
  /** Round trip of a ping through the server, ms (voicewire protocol); NaN until measured or where unsupported. */
  rttMs: number;
  /** Jitter-buffer depth, ms. */
  bufferMs: number;
  /** Times the jitter buffer ran dry while playing (not counting the tail after the server's audio ended). */
  underruns: number;
  /** Times the jitter buffer went over its maximum depth (the excess is dropped and counted in `droppedInMs`). */
  overruns: number;
  /** Server audio dropped before playing, ms. */
  droppedInMs: number;
  /** Microphone audio dropped before sending (backpressure, a stalled main thread, not yet connected, reconnecting), ms. */
  droppedOutMs: number;
  /**
   * Audio messages handed to the socket: one per frame for PCM protocols (Moshi packs two frames in an Ogg page).
   * Every captured frame is either sent, dropped (counted above) or still queued: none vanishes uncounted.
   */
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
  /**
   * Server audio lost on the way, where the protocol carries timing (voicewire version 2 sequence numbers, Moshi's
   * Ogg pages): lost frames (Ogg pages for Moshi) and their ms, concealed in place; frames dropped for arriving after
   * their place was concealed (`framesLate`) or twice (`framesDuplicate`). All 0 for protocols without timing.
   */
  incoming: { framesLost: number; lostMs: number; framesLate: number; framesDuplicate: number };
}

/** A piece of text from the server, as the `text` event gives it. */
export interface SessionText {
  /** The text: a word or token, a delta, or a whole utterance, as the protocol sends it. */
  text: string;
  /** `response`: what the agent says; `transcript`: what was heard from the user. */
  source: 'response' | 'transcript';
  /**
   * False for a piece that later text continues (Moshi's tokens, Realtime's deltas); true when the server marks it
   * complete (Kyutai's words, Realtime's completed transcript, voicewire's `final`).
   */
  final: boolean;
}

/** The session's events and their payloads (eventemitter3: `session.on('state', (state) => …)`). */
export interface VoiceSessionEvents {
  /** The session's state changed (see {@link SessionState}). */
  state: (state: SessionState) => void;
  /** Text from the server: the agent's words or the user's transcript. */
  text: (text: SessionText) => void;
  /**
   * The server's voice-activity detector saw the user start or stop speaking (voicewire, Realtime): `atMs` where in
   * the input audio, ms; `durationMs` of the speech, when the server sends them.
   */
  speech: (speech: { state: 'started' | 'stopped'; atMs?: number; durationMs?: number }) => void;
  /** Levels in dBFS, every statsIntervalMs. */
  level: (level: { micDb: number; playbackDb: number }) => void;
  /** Statistics every `statsIntervalMs` while a listener is attached, and once more as the session stops (its final figures). */
  stats: (stats: SessionStats) => void;
  /** A flush marker came back: everything sent before it was processed (Kyutai STT). */
  marker: (marker: { id: number }) => void;
  /**
   * The server finished the stream normally (Kyutai STT: the end-of-input Marker came back after the last words;
   * Kyutai TTS: the close after the last audio). The session then stops without an error.
   */
  end: () => void;
  /** Server metadata (Moshi's 0x04 JSON, Kyutai steps). */
  metadata: (data: Readonly<Record<string, unknown>>) => void;
  /** Automatic reconnection: each scheduled retry (attempt, delay), the way back (all reset), giving up (`gaveUp`). */
  reconnect: (info: ReconnectInfo) => void;
  /** Input mute changed (`mute()`/`unmute()`): what is sent from now on. */
  mute: (muted: boolean) => void;
  /** The user or the agent started or stopped speaking (with the `turns` option; see turnDetection()). */
  turn: (turn: TurnChange) => void;
  /** Barge-in (`turnDetection({ bargeIn: true })`): user speech while the agent spoke interrupted playback; `atMs` is the detection (performance.now()). */
  bargeIn: (info: { atMs: number }) => void;
  /** A microphone or speaker was plugged in or out while the session ran (browser). */
  devices: (change: DeviceChange) => void;
  /** Every failure. `fatal` ones end the session (state `closed` follows). */
  error: (error: VoicewireError, fatal: boolean) => void;
  /** Browser audio as it runs: blocked → running after a gesture; interrupted mid-call (resumed on the next gesture or when the page is visible again); device-lost. See src/session/audio-lifecycle.ts. */
  audio: (state: AudioState) => void;
  /** The microphone track was muted/unmuted/ended by the system, or the device list changed. */
  microphone: (change: MicrophoneChange) => void;
  /**
   * The microphone in use went away and the default one took its place (`microphoneFallback: 'default'`): `from` and
   * `to` ({ deviceId, label }), `lostFrames` sent as silence meanwhile and `lostMs`; the `audio` state is `running`.
   */
  microphoneFallback: (change: MicrophoneFallbackChange) => void;
  /**
   * The page's Content-Security-Policy refused the built-in processors (a `blob:` module) and the self-hosted
   * `moduleUrl` (redacted) loaded instead: the session runs, so this is not an `error`. `refused` is the
   * WORKLET_BLOCKED_BY_CSP the Blob load met, for logs.
   */
  workletFallback: (fallback: { refused: VoicewireError; moduleUrl: string }) => void;
}
