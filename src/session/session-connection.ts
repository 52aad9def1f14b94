import type { EventEmitter } from 'eventemitter3';
import type { ProtocolEvent, ProtocolFactory } from '../protocols/protocol.js';
import { Connection } from '../transport/connection.js';
import type { ConnectionState } from '../transport/connection-events.js';
import type { AudioPath } from './audio-path.js';
import { trackReconnects, type ReconnectInfo } from './reconnect-info.js';
import type { VoiceSessionEvents, VoiceSessionOptions } from './session-types.js';

/** What a session's connection changes in the session itself, besides the events it emits on it. */
export interface SessionSide {
  /** Every connection state but `closed`, which only stop() may say (see below). */
  state(state: Exclude<ConnectionState, 'closed'>): void;
  /** Where reconnection stands (recorded before the `reconnect` event goes out). */
  reconnect(info: ReconnectInfo): void;
  /** The audio path server audio goes to; null once the session stopped. */
  audio(): AudioPath | null;
  /** A ping's answer (see RoundTrip): true when taken; other metadata becomes the `metadata` event. */
  pong(data: Readonly<Record<string, unknown>>): boolean;
  /** The connection is over (closed, or the server finished the stream): the session stops. */
  end(): void;
}

/**
 * The Connection of one session start: its options taken from the session's, server audio to the audio path, and
 * the server's events re-emitted as the session's own (`text`, `speech` in ms, `marker`, `metadata`, `end`, `error`,
 * `reconnect`).
 */
export function createSessionConnection(o: VoiceSessionOptions, protocol: ProtocolFactory, session: EventEmitter<VoiceSessionEvents>, side: SessionSide): Connection {
  const connection = new Connection({
    url: o.url, auth: o.auth, headers: o.headers, base: o.base, connectTimeoutMs: o.connectTimeoutMs, helloTimeoutMs: o.helloTimeoutMs,
    maxMessageBytes: o.maxMessageBytes, audioBudgetBytes: o.audioBudgetBytes, livenessTimeoutMs: o.livenessTimeoutMs, reconnect: o.reconnect, reconnectPolicy: o.reconnectPolicy,
    protocol,
  });
  trackReconnects(connection, (info) => {
    side.reconnect(info);
    session.emit('reconnect', info);
  });
  connection.on('state', ({ state }) => {
    // The connection's end is the session's too ('close' below), but only stop() may say `closed`: it releases the
    // microphone and the AudioContext first (mapping it here made stop() a no-op and leaked both).
    if (state !== 'closed') side.state(state);
  });
  connection.on('audio', (e) => side.audio()?.play(e.pcm, e.sampleRate));
  connection.on('gap', (e) => e.filled || side.audio()?.gap(e.durationMs));
  connection.on('encodedAudio', (e) => o.onEncodedAudio?.(e.packets, e.durationMs));
  connection.on('text', (e) => session.emit('text', { text: e.text, source: e.source, final: e.final }));
  connection.on('speech', (e) => session.emit('speech', speechOf(e)));
  connection.on('metadata', (e) => side.pong(e.data) || session.emit('metadata', e.data));
  connection.on('marker', (e) => session.emit('marker', { id: e.id }));
  connection.on('end', () => {
    session.emit('end');
    side.end();
  });
  connection.on('error', (error, fatal) => session.emit('error', error, fatal));
  connection.on('close', () => side.end());
  return connection;
}

function speechOf(e: Extract<ProtocolEvent, { type: 'speech' }>) {
  return { state: e.state, atMs: e.atS === undefined ? undefined : e.atS * 1000, durationMs: e.durationS === undefined ? undefined : e.durationS * 1000 };
}
