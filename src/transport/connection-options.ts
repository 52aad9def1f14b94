// What a Connection is given and what it counts (the class is connection.ts).
import type { VoiceProtocol } from '../protocols/protocol.js';
import type { AuthOptions } from './auth.js';
import type { OutboxStats } from './outbox.js';
import type { ReconnectPolicy } from './reconnect.js';

/** What {@link createConnection} takes: the URL, the protocol factory, auth, and the bounds of each phase (ms, bytes). */
export interface ConnectionOptions {
  /** ws://, wss://, http(s):// or a path resolved against the page (see resolveSocketUrl). */
  url: string | URL;
  /** Makes a fresh codec for each socket (a reconnect is a new session for the codec). */
  protocol: () => VoiceProtocol;
  /** A credential and how it travels (header, query, subprotocol); never shown in errors, events or logs. */
  auth?: AuthOptions;
  /** Extra upgrade headers; Node only (browsers cannot set them). */
  headers?: Readonly<Record<string, string>>;
  /** Base for a relative `url` outside a browser. */
  base?: string | URL;
  /** Time for the WebSocket upgrade. Default 10 000 ms → CONNECTION_TIMEOUT. */
  connectTimeoutMs?: number;
  /** Time from socket open to the server's hello. Default 30 000 ms → SERVER_BUSY. */
  helloTimeoutMs?: number;
  /** Largest incoming message. Default 4 MiB → PROTOCOL_ERROR and a 1009 close. */
  maxMessageBytes?: number;
  /** Outgoing audio allowed to wait (socket buffer + outbox) before the oldest is dropped. Default 128 KiB. */
  audioBudgetBytes?: number;
  /**
   * Silence from the server after which an open connection counts as dead → CONNECTION_TIMEOUT, then a reconnect
   * where allowed. Half-way through a silence it is probed: a WebSocket ping in Node, the protocol's ping in
   * browsers. Default 20 000 ms where such a probe exists (always in Node; the voicewire protocol in browsers),
   * otherwise off (a browser cannot tell a quiet server from a dead one). 0 turns it off.
   */
  livenessTimeoutMs?: number;
  /** `auto` (default): reconnect only protocols marked `reconnectable`; `always`; `never`. */
  reconnect?: 'auto' | 'always' | 'never';
  /** When to retry after a drop. Default: exponential backoff, 500 ms doubling to 15 000 ms, with jitter, giving up after 8 tries. */
  reconnectPolicy?: ReconnectPolicy;
  /** How long close() lets audio still being encoded leave before the close frame. Default 1000 ms. */
  closeDrainMs?: number;
}

/** Counters of a connection since connect(): outgoing audio sent and dropped, reconnects, incoming audio lost. */
export interface ConnectionStats extends OutboxStats {
  /** Audio offered while not `connected` (before the hello, while reconnecting): never sent. */
  audioDroppedNotConnected: number;
  /** Times the connection came back after a drop. */
  reconnects: number;
  /** Bytes the current socket has queued but not yet sent (`WebSocket.bufferedAmount`); 0 without a socket. */
  bufferedAmount: number;
  /** Incoming audio frames (voicewire v2) or Ogg pages (Moshi) that never arrived; their time was concealed. */
  framesLost: number;
  /** Incoming audio that never arrived, ms (concealed in place). */
  lostMs: number;
  /** Incoming frames dropped because their place had already been concealed (arrived after a later frame). */
  framesLate: number;
  /** Incoming frames dropped because they had arrived before. */
  framesDuplicate: number;
}
