import type { VoicewireError } from '../errors/errors.js';

/** One WebSocket message: a text frame or a binary frame. */
export type WireMessage = string | Uint8Array;

/** What a protocol codec makes of the server's messages. Bad input is an `error` event, never an exception. */
export type ProtocolEvent =
  /** The server's hello or handshake arrived: audio may be sent from now on. */
  | { type: 'ready'; info: Readonly<Record<string, unknown>> }
  /** Decoded server audio, mono, at `sampleRate`. */
  | { type: 'audio'; pcm: Float32Array; sampleRate: number }
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
  /** Decodes one incoming message. Never throws and never rejects: bad input becomes an `error` event. */
  decode(message: WireMessage): Promise<ProtocolEvent[]>;
  /** Asks the server to process everything sent so far (a Marker, an end-of-turn, an Eos); may be empty. */
  flush(): WireMessage[];
  /** Releases codec resources (encoders, decoders). */
  close(): void;
  /**
   * Optional: messages the codec wants sent in answer to what it just decoded (a `pong` for a `ping`). The
   * transport calls it after every `decode` and sends the result as control messages (never dropped).
   */
  takeReplies?(): WireMessage[];
}
