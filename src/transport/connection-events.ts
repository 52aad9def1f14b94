import type { EventEmitter } from 'eventemitter3';
import type { VoicewireError } from '../errors/errors.js';
import { redactText, redactValue } from '../errors/redact.js';
import type { ProtocolEvent } from '../protocols/protocol.js';

/**
 * - `connecting`: the socket is being opened.
 * - `waiting`: the socket is open, the server has not greeted yet. With Moshi's Python server this is
 *   "waiting for a free slot": it accepts extra sockets and greets only when the running session ends.
 * - `connected`: the server greeted; audio flows.
 * - `reconnecting`: the connection dropped and a retry is scheduled.
 * - `closed`: before `connect()`, and for good after `close()`, a fatal error or giving up.
 */
export type ConnectionState = 'connecting' | 'waiting' | 'connected' | 'reconnecting' | 'closed';

/** A `state` event: the new state, the one before it, and why it changed. */
export interface StateChange {
  /** The state entered. */
  state: ConnectionState;
  /** The state left. */
  previous: ConnectionState;
  /** Retry number since the last good session (0 on the first connection). */
  attempt: number;
  /** When `reconnecting`: the delay before the next try, ms. */
  delayMs?: number;
  /** What ended the previous state, when something went wrong. */
  error?: VoicewireError;
}

/** The `close` event: how the connection ended for good (after close(), a fatal error, or giving up). */
export interface ConnectionCloseInfo {
  /** The WebSocket close code (RFC 6455 §7.4): the server's, or the one this side closed with (1000 normal, 1002 protocol error). */
  code: number;
  /** The close reason, secrets redacted. */
  reason: string;
  /** Why the connection ended for good; null for a normal end. */
  error: VoicewireError | null;
}

type EventOf<T extends ProtocolEvent['type']> = Extract<ProtocolEvent, { type: T }>;

/** Everything a Connection emits. Payloads never carry credentials. */
export interface ConnectionEvents {
  /** Every state change (see {@link ConnectionState}), with the retry number and delay while reconnecting. */
  state: (change: StateChange) => void;
  /** The server greeted (hello, handshake, `Ready`): `info` is what it said; audio may flow. */
  ready: (event: EventOf<'ready'>) => void;
  /** Decoded server audio: mono `pcm` at `sampleRate` Hz. */
  audio: (event: EventOf<'audio'>) => void;
  /** Server audio the protocol left encoded (Moshi with `decodeAudio: false`): Opus packets and their duration, ms. */
  encodedAudio: (event: EventOf<'encoded-audio'>) => void;
  /** Server audio known lost (see ProtocolEvent `gap`): conceal `durationMs` before the next audio. */
  gap: (event: EventOf<'gap'>) => void;
  /** Text from the server (the agent's words or the user's transcript), secrets redacted. */
  text: (event: EventOf<'text'>) => void;
  /** The server's voice-activity detector: speech `started`/`stopped`, with its position in the input, s. */
  speech: (event: EventOf<'speech'>) => void;
  /** A flush marker came back: everything sent before it was processed (Kyutai STT). */
  marker: (event: EventOf<'marker'>) => void;
  /** Server metadata (Moshi's 0x04 JSON, Kyutai steps), secrets redacted. */
  metadata: (event: EventOf<'metadata'>) => void;
  /** The server finished the stream normally; `close` follows without an error. */
  end: (event: EventOf<'end'>) => void;
  /** Every failure: `fatal` ones end the connection (a `close` follows), others are reports (a bad message). */
  error: (error: VoicewireError, fatal: boolean) => void;
  /** The connection ended for good; its state is `closed`. */
  close: (info: ConnectionCloseInfo) => void;
}

/** The protocol events a connection passes on as they come; `ready`, `error` and `end` change its state instead. */
export type DataEvent = Exclude<ProtocolEvent, { type: 'ready' | 'error' | 'end' }>;

/** What a connection counts of the server's audio (see ConnectionStats). */
export interface IncomingCounters {
  framesLost: number;
  lostMs: number;
  framesLate: number;
  framesDuplicate: number;
}

/**
 * Emits `event` as the connection event of its name (`encoded-audio` → `encodedAudio`), secrets redacted from text;
 * lost, late and duplicate frames are counted into `counters` (`discarded` is only counted).
 */
export function forwardDataEvent(emitter: EventEmitter<ConnectionEvents>, event: DataEvent, secrets: readonly string[], counters: IncomingCounters): void {
  switch (event.type) {
    case 'gap':
      counters.framesLost += event.frames;
      counters.lostMs += event.durationMs;
      emitter.emit('gap', event);
      return;
    case 'discarded':
      if (event.reason === 'late') counters.framesLate++;
      else counters.framesDuplicate++;
      return;
    case 'audio':
      emitter.emit('audio', event);
      return;
    case 'encoded-audio':
      emitter.emit('encodedAudio', event);
      return;
    case 'text':
      emitter.emit('text', secrets.length > 0 ? { ...event, text: redactText(event.text, secrets) } : event);
      return;
    case 'speech':
      emitter.emit('speech', event);
      return;
    case 'marker':
      emitter.emit('marker', event);
      return;
    case 'metadata':
      emitter.emit('metadata', redactValue(event, secrets));
      return;
  }
}
