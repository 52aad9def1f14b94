/**
 * The WebSocket layer alone (one protocol codec over a socket, reconnects, auth), for apps that bring their own
 * audio, and Node.
 *
 * @module voicewire/transport
 */
export { createConnection } from './connection.js';
export type { Connection, ConnectionOptions, ConnectionStats } from './connection.js';
export type { ConnectionEvents, ConnectionState, StateChange, ConnectionCloseInfo } from './connection-events.js';
export { socketCanSendHeaders } from './socket.js';
export type { AuthOptions } from './auth.js';
export type { OutboxStats } from './outbox.js';
export { resolveSocketUrl, isLoopbackHost } from '../environment/url.js';
export type { ResolveSocketUrlOptions } from '../environment/url.js';
export { redactUrl, redactText } from '../errors/redact.js';
