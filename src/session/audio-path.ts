import type { DeviceChange } from '../audio/devices.js';
import type { VoicewireError } from '../errors/errors.js';
import type { VoiceProtocol } from '../protocols/protocol.js';
import type { PlayoutStats } from './mouth-to-ear.js';
import type { AudioState, MicrophoneChange } from './audio-lifecycle.js';
import type { MicrophoneFallbackChange } from './microphone-fallback.js';

/** The protocol's wire format, which an audio path produces (frames) and is handed (server audio). */
export interface WireFormat {
  /** Hz. */
  sampleRate: number;
  /** One frame's duration, ms. */
  frameMs: number;
}

/**
 * Makes a session's audio path at each start(), for the protocol's wire format: `streamAudio({ input, onAudio })`
 * from `voicewire/stream` (Node, bots, load tests), or your own. A separate entry, so a browser bundle holds none of it.
 */
export type AudioPathFactory = (wire: WireFormat) => AudioPath;

/** Where a session's audio comes from and goes to: the browser's devices, or streams in Node. */
export interface AudioPath {
  /** Starts input; `sink` gets wire-rate frames. Resolves once audio can flow. */
  start(sink: AudioSink): Promise<void>;
  /**
   * The server greeted: input may flow from now on (a file starts here; a live microphone is already on). Throws
   * (INVALID_OPTION) when the input cannot travel on the protocol that greeted.
   */
  connected(protocol: VoiceProtocol | undefined): void;
  /** Plays (or hands out) one block of server audio. */
  play(pcm: Float32Array, sampleRate: number): void;
  /**
   * Server audio known lost (a sequence gap): `durationMs` of it belongs here, before the next `play`, so later
   * audio keeps its place. The browser path conceals it (fade out, fade back in); Node hands out silence.
   */
  gap(durationMs: number): void;
  /** Drops whatever is queued for playback (barge-in). */
  interrupt(): void;
  /** Levels and buffer figures since start. */
  stats(): AudioPathStats;
  /** Releases everything start() opened. Safe to call twice. */
  stop(): Promise<void>;
}

/** Where an audio path delivers: the session's side, handed to {@link AudioPath.start}. */
export interface AudioSink {
  /** One frame of mono PCM at the wire rate; the path reuses nothing it hands over. */
  frame(pcm: Float32Array): void;
  /** Already-encoded Opus packets (an encoded input), sent as the protocol wraps them. */
  packets?(packets: readonly Uint8Array[], preSkip: number): void;
  /** The input has no more audio (a file ended). */
  end(): void;
  /** Playback active (true) or idle, from the jitter buffer's reports (~every 100 ms); browser only. */
  playing?(playing: boolean): void;
  /** A report from the audio side (AUDIO_CONTEXT_BLOCKED, MICROPHONE_ENDED). */
  error(error: VoicewireError, fatal: boolean): void;
  /** The Blob processors were refused by the page's CSP and the self-hosted moduleUrl loaded instead (browser). */
  workletFallback?(refused: VoicewireError, moduleUrl: string): void;
  /** The audio lifecycle (browser only): see AudioLifecycle. */
  audio?(state: AudioState): void;
  /** The microphone track was muted, unmuted or ended by the system, or the device list changed (browser only). */
  microphone?(change: MicrophoneChange): void;
  /** The lost microphone was replaced by the default one (browser; see MicrophoneFallbackOptions). */
  microphoneFallback?(change: MicrophoneFallbackChange): void;
  /** A device was plugged in or out (browser): the lists the microphone fallback also reads, from the same enumeration. */
  devices?(change: DeviceChange): void;
}

/** What {@link AudioPath.stats} reports; the session folds it into its `stats`. Levels in dBFS, durations in ms. */
export interface AudioPathStats {
  /** Input level of the last frame, dBFS (−Infinity for silence). */
  micDb: number;
  /** Output level of the last block played, dBFS. */
  playbackDb: number;
  /** Jitter-buffer depth, ms; NaN where there is no speaker (Node). */
  bufferMs: number;
  /** Times the jitter buffer ran dry while playing; 0 where there is no speaker (Node). */
  underruns: number;
  /** Times the jitter buffer went over its maximum depth; 0 where there is no speaker (Node). */
  overruns: number;
  /** Server audio dropped before it played (overruns, a full queue), ms. */
  droppedInMs: number;
  /** Microphone frames the audio thread could not hand over. */
  droppedCaptureFrames: number;
  /** How samples cross to the audio thread (the handoff): 'shared' memory, 'port' messages, or 'none' in Node. */
  handoff: 'shared' | 'port' | 'none';
  /** The device (AudioContext) rate, or the input's rate in Node, Hz. */
  deviceRate: number;
  /** Jitter-buffer figures in ms; null where there is no speaker (Node) or before the first report. */
  playout: PlayoutStats | null;
}
