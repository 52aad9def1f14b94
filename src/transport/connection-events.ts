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

export interface StateChange {
  state: ConnectionState;
  previous: ConnectionState;
  /** Retry number since the last good session (0 on the first connection). */
  attempt: number;
  /** When `reconnecting`: the delay before the next try. */
  delayMs?: number;
  /** What ended the previous state, when something went wrong. */
  error?: VoicewireError;
}

export interface ConnectionCloseInfo {
  code: number;
  reason: string;
  /** Why the connection ended for good; null for a normal end. */
  error: VoicewireError | null;
}

type EventOf<T extends ProtocolEvent['type']> = Extract<ProtocolEvent, { type: T }>;

/** Everything a Connection emits. Payloads never carry credentials. */
export interface ConnectionEvents {
  state: (change: StateChange) => void;
  ready: (event: EventOf<'ready'>) => void;
  audio: (event: EventOf<'audio'>) => void;
  encodedAudio: (event: EventOf<'encoded-audio'>) => void;
  /** Server audio known lost (see ProtocolEvent `gap`): conceal `durationMs` before the next audio. */
  gap: (event: EventOf<'gap'>) => void;
  text: (event: EventOf<'text'>) => void;
  speech: (event: EventOf<'speech'>) => void;
  marker: (event: EventOf<'marker'>) => void;
  metadata: (event: EventOf<'metadata'>) => void;
  end: (event: EventOf<'end'>) => void;
  /** Every failure: `fatal` ones end the connection (a `close` follows), others are reports (a bad message). */
  error: (error: VoicewireError, fatal: boolean) => void;
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
