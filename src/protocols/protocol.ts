import type { VoicewireError } from '../errors/errors.js';

/** One WebSocket message: a text frame or a binary frame. */
export type WireMessage = string | Uint8Array;

/** What a protocol codec makes of the server's messages. Bad input is an `error` event, never an exception. */
export type ProtocolEvent =
  /** The server's hello or handshake arrived: audio may be sent from now on. */
  | { type: 'ready'; info: Readonly<Record<string, unknown>> }
  /** Decoded server audio, mono, at `sampleRate`. */
  | { type: 'audio'; pcm: Float32Array; sampleRate: number }
  /**
   * Server audio that never arrived, known from the stream's own timing (voicewire version 2 sequence numbers, Ogg
   * page sequence numbers and granule positions): `durationMs` of it belongs right here, before the next audio, so
   * the audio after it keeps its place. `frames`: frames (voicewire) or Ogg pages (Moshi) lost. `filled`: the codec
   * already concealed it in the audio that follows (Opus packet-loss concealment); otherwise the playback path
   * conceals it (a fade out and back in) or, in Node, hands out silence of that length.
   */
  | { type: 'gap'; durationMs: number; frames: number; filled: boolean }
  /** An audio frame dropped on arrival: `late` (its place was already concealed) or a `duplicate`. */
  | { type: 'discarded'; reason: 'late' | 'duplicate' }
  /** Server audio left encoded (a codec told not to decode, e.g. Moshi's `decodeAudio: false` in a load test). */
  | { type: 'encoded-audio'; packets: Uint8Array[]; durationMs: number }
  /** A piece of text: what the model says (`response`) or what it heard (`transcript`). */
  | { type: 'text'; text: string; source: 'response' | 'transcript'; final: boolean; startS?: number; endS?: number }
  /** The server's voice-activity detector. */
  | { type: 'speech'; state: 'started' | 'stopped'; atS?: number; durationS?: number }
  /** A flush marker came back: everything sent before it has been processed. */
  | { type: 'marker'; id: number }
  /** Server metadata (Moshi's 0x04 JSON, a Step's pause probabilities, …). */
  | { type: 'metadata'; data: Readonly<Record<string, unknown>> }
  /** The server said it is done (end of stream / end of session). */
  | { type: 'end' }
  /** PROTOCOL_ERROR for bytes we cannot read, SERVER_ERROR / SERVER_BUSY / AUTH_REJECTED for what the server said. */
  | { type: 'error'; error: VoicewireError; fatal: boolean };

/** A control message for {@link VoiceProtocol.control}: an action name and its fields. */
export interface ProtocolControl {
  action: string;
  [field: string]: unknown;
}

/**
 * How a session gets its protocol: a factory called once per socket (a new codec state for each connection).
 * Each protocol entry exports one, e.g. `moshi()` from `voicewire/protocols/moshi`.
 */
export type ProtocolFactory<P extends VoiceProtocol = VoiceProtocol> = () => P;

/**
 * A wire protocol as a pure, stateful codec for one session: no sockets, no timers. The transport feeds it what
 * arrives and sends what it returns. Async where real codecs are (Opus through WebCodecs or wasm).
 */
export interface VoiceProtocol {
  /** Short name for errors and logs ('voicewire', 'moshi', …). */
  readonly name: string;
  /** Audio rate on the wire, both directions, in Hz. The session opens its audio at this rate. */
  readonly sampleRate: number;
  /** Duration of the frames the session hands to `encodeAudio`, in ms. */
  readonly frameMs: number;
  /** Subprotocols to offer in the WebSocket handshake (credentials are added by the transport, never here). */
  readonly subprotocols: readonly string[];
  /** Whether a dropped connection may be silently reopened (false where the server keeps per-session state). */
  readonly reconnectable: boolean;
  /**
   * Optional: close codes besides 1000 that end this protocol's session normally (Kyutai's moshi-server closes a
   * finished TTS stream with an empty Close frame, which clients see as 1005). See transport/close-codes.ts.
   */
  readonly normalCloseCodes?: readonly number[];
  /**
   * The server needs audio without gaps (its model steps on the input: Moshi, Kyutai STT): input mute must send
   * silence, never nothing. Absent = gaps are fine.
   */
  readonly continuousAudio?: boolean;
  /** True once the server's hello/handshake was decoded; audio must not be sent before. */
  readonly ready: boolean;
  /** Messages to send as soon as the socket opens (a hello, a session.update); may be empty. */
  open(): WireMessage[];
  /** Encodes one frame of mono PCM at `sampleRate`. May return nothing while a codec buffers. */
  encodeAudio(pcm: Float32Array): Promise<WireMessage[]>;
  /**
   * Optional, for codecs that carry Opus: wraps already-encoded Opus packets as `encodeAudio` would wrap the packets
   * it encodes (a pre-encoded file as input, no live encoder). `preSkip` in 48 kHz samples (RFC 7845 §4.2).
   */
  encodePackets?(packets: readonly Uint8Array[], preSkip: number): WireMessage[];
  /** Decodes one incoming message. Never throws and never rejects: bad input becomes an `error` event. */
  decode(message: WireMessage): Promise<ProtocolEvent[]>;
  /**
   * Optional: the lane a message is decoded and delivered in. Each lane keeps arrival order; lanes do not wait for
   * each other (Moshi's audio waits for its decoder to load, its text and the server's errors must not). Absent:
   * one lane, everything in arrival order.
   */
  decodeLane?(message: WireMessage): 'audio' | 'main';
  /** Asks the server to process everything sent so far (a Marker, an end-of-turn, an Eos); may be empty. */
  flush(): WireMessage[];
  /**
   * Optional: the input is over, no more audio follows (a file ended, the user finished a turn). Returns what ends
   * the upload on the wire: Moshi's Ogg end-of-stream page, Kyutai STT's Marker. Without it the transport sends
   * `flush()`. Called in order after every frame given before it.
   */
  endInput?(): WireMessage[];
  /**
   * Optional: after `endInput()`, the server finishes only once more audio pushed its model past its delay; the
   * transport sends silence (at most this many ms) until the protocol reports `end` (Kyutai STT's last Marker).
   */
  readonly endInputSilenceMs?: number;
  /** Optional capability: a text piece for the server to speak or to read (Kyutai TTS `Text`). */
  text?(text: string): WireMessage[];
  /** Optional capability: an application control message (voicewire `control`, Moshi 0x03 by `action`). */
  control?(control: ProtocolControl): WireMessage[];
  /**
   * Optional capability: a round-trip probe whose answer comes back as metadata `{ pong: { t } }` (voicewire). The
   * session measures RTT with it; the transport also uses it as its liveness probe where the runtime cannot send a
   * WebSocket ping (browsers). Absent where the protocol has none (Moshi's servers end a session on a kind they
   * don't know).
   */
  ping?(id: number, t: number): WireMessage[];
  /**
   * Optional: messages that must precede a client-initiated close (Moshi's end-of-stream page when the input had
   * not ended yet). Called once, in order after all audio, just before the close frame.
   */
  goodbye?(): WireMessage[];
  /** Releases codec resources (encoders, decoders). */
  close(): void;
  /**
   * Optional: messages the codec wants sent in answer to what it just decoded (a `pong` for a `ping`). The
   * transport calls it after every `decode` and sends the result as control messages (never dropped).
   */
  takeReplies?(): WireMessage[];
}
