import { EventEmitter } from 'eventemitter3';
import { ErrorCode, VoicewireError, isVoicewireError } from '../errors/errors.js';
import type { ProtocolEvent, VoiceProtocol, WireMessage } from '../protocols/protocol.js';
import { redactText, redactValue } from '../errors/redact.js';
import { resolveSocketUrl } from '../environment/url.js';
import { applyAuth, type AuthOptions } from './auth.js';
import type { ConnectionEvents, ConnectionState, StateChange } from './connection-events.js';
import { Outbox, type OutboxStats } from './outbox.js';
import { ExponentialBackoff, type ReconnectPolicy } from './reconnect.js';
import { VoiceSocket, socketCanSendHeaders, type SocketCloseInfo } from './socket.js';
import { describeError } from '../errors/describe.js';

export interface ConnectionOptions {
  /** ws://, wss://, http(s):// or a path resolved against the page (see resolveSocketUrl). */
  url: string | URL;
  /** Makes a fresh codec for each socket (a reconnect is a new session for the codec). */
  protocol: () => VoiceProtocol;
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
  /** `auto` (default): reconnect only protocols marked `reconnectable`; `always`; `never`. */
  reconnect?: 'auto' | 'always' | 'never';
  /** Default: exponential backoff, 0.5 s doubling to 15 s, with jitter, giving up after 8 tries. */
  reconnectPolicy?: ReconnectPolicy;
}

export interface ConnectionStats extends OutboxStats {
  /** Audio offered while not `connected` (before the hello, while reconnecting): never sent. */
  audioDroppedNotConnected: number;
  reconnects: number;
  bufferedAmount: number;
}

/** Errors after which a new socket may help (a retry after AUTH_REJECTED or a PROTOCOL_ERROR would fail the same way). */

/**
 * A voice session over one WebSocket at a time: drives a VoiceProtocol codec, reports typed states and events,
 * bounds outgoing audio, and reconnects where the protocol allows.
 */
export class Connection extends EventEmitter<ConnectionEvents> {
  private readonly options: ConnectionOptions;
  private readonly policy: ReconnectPolicy;
  private readonly outbox: Outbox;
  private current: ConnectionState = 'closed';
  private url: URL | undefined;
  private socket: VoiceSocket | undefined;
  private codec: VoiceProtocol | undefined;
  private secrets: readonly string[] = [];
  private attempt = 0;
  private everOpen = false;
  /** When the open connection was lost (Date.now()), for the reconnect policy's `elapsedMs`. */
  private lostAt = 0;
  private helloTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private decodeChain: Promise<void> = Promise.resolve();
  private encodeChain: Promise<void> = Promise.resolve();
  private pending: { promise: Promise<void>; resolve: () => void; reject: (e: VoicewireError) => void } | undefined;
  private counters = { audioDroppedNotConnected: 0, reconnects: 0 };

  constructor(options: ConnectionOptions) {
    super();
    this.options = options;
    this.policy = options.reconnectPolicy ?? new ExponentialBackoff();
    const self = this;
    this.outbox = new Outbox({
      send: (m) => self.socket?.send(m) ?? false,
      get bufferedAmount() {
        return self.socket?.bufferedAmount ?? 0;
      },
    }, options.audioBudgetBytes ?? 128 * 1024);
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** The codec of the current socket (e.g. to build protocol-specific control messages). */
  get protocol(): VoiceProtocol | undefined {
    return this.codec;
  }

  get stats(): ConnectionStats {
    return { ...this.outbox.stats, ...this.counters, bufferedAmount: this.socket?.bufferedAmount ?? 0 };
  }

  /** Opens the session; resolves once the server greeted (`connected`), rejects with the VoicewireError that ended it. */
  connect(): Promise<void> {
    if (this.pending) return this.pending.promise;
    if (this.current !== 'closed') return Promise.resolve();
    let resolve!: () => void;
    let reject!: (e: VoicewireError) => void;
    const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
    this.pending = { promise, resolve, reject };
    this.attempt = 0;
    this.everOpen = false;
    try {
      this.url = resolveSocketUrl(this.options.url, this.options.base === undefined ? {} : { base: this.options.base });
    } catch (e) {
      this.finish(1000, '', toError(e, this.secrets));
      return promise;
    }
    this.openSocket();
    return promise;
  }

  /**
   * Queues one frame of mono PCM at the protocol's rate. Returns false (and counts it) when not `connected`. The frame is
   * copied, so the caller may reuse its buffer.
   */
  sendAudio(pcm: Float32Array): boolean {
    const codec = this.codec;
    if (this.current !== 'connected' || codec === undefined) {
      this.counters.audioDroppedNotConnected++;
      return false;
    }
    const frame = pcm.slice();
    this.encodeChain = this.encodeChain
      .then(async () => {
        const messages = await codec.encodeAudio(frame);
        if (codec === this.codec && this.current === 'connected') this.outbox.audio(messages);
      })
      .catch((e: unknown) => {
        this.emit('error', toError(e, this.secrets, ErrorCode.CODEC_UNSUPPORTED), false);
      });
    return true;
  }

  /** Sends protocol messages that are never dropped (control, text to speak). False when no socket is open. */
  sendControl(messages: readonly WireMessage[]): boolean {
    if (this.current !== 'connected' && this.current !== 'waiting') return false;
    this.outbox.control(messages);
    return true;
  }

  /** Asks the server to process everything sent so far (the protocol's flush message). */
  flush(): boolean {
    return this.codec !== undefined && this.sendControl(this.codec.flush());
  }

  close(code = 1000, reason = ''): void {
    if (this.current === 'closed') return;
    this.finish(code, reason, null);
  }

  private openSocket(): void {
    const url = this.url;
    if (url === undefined) return;
    const codec = this.options.protocol();
    this.codec = codec;
    try {
      const req = applyAuth(url, codec.subprotocols, this.options.auth, socketCanSendHeaders);
      this.secrets = req.secrets;
      if (this.options.headers && !socketCanSendHeaders) {
        throw new VoicewireError({ code: ErrorCode.INVALID_OPTION, message: 'Browsers cannot send headers on a WebSocket: `headers` cannot work here.', remedy: 'Pass credentials with `auth` (query or subprotocol) instead.' });
      }
      this.setState('connecting');
      const socket = new VoiceSocket({
        url: req.url, protocols: req.protocols, headers: { ...this.options.headers, ...req.headers },
        connectTimeoutMs: this.options.connectTimeoutMs ?? 10_000, maxMessageBytes: this.options.maxMessageBytes ?? 4 * 1024 * 1024, secrets: req.secrets,
      });
      this.socket = socket;
      socket.on('open', () => this.onOpen(socket, codec));
      socket.on('message', (m) => {
        this.decodeChain = this.decodeChain.then(() => this.receive(codec, m));
      });
      socket.on('close', (info) => this.onSocketClose(socket, codec, info));
    } catch (e) {
      // A browser throws synchronously for a URL or subprotocol it refuses (SyntaxError, SecurityError).
      this.finish(1000, '', toError(e, this.secrets, ErrorCode.CONNECTION_FAILED));
    }
  }

  private onOpen(socket: VoiceSocket, codec: VoiceProtocol): void {
    if (socket !== this.socket) return;
    this.setState('waiting');
    this.outbox.control(codec.open());
    const ms = this.options.helloTimeoutMs ?? 30_000;
    this.helloTimer = setTimeout(() => {
      this.finish(1000, 'no hello', new VoicewireError({
        code: ErrorCode.SERVER_BUSY,
        message: `The server accepted the connection but did not greet within ${ms} ms. A server that runs one session at a time (Moshi's Python server) keeps extra connections waiting for a free slot like this.`,
        remedy: 'Wait for the other session to end (or end it), then connect again; raise `helloTimeoutMs` to wait longer for a slot.',
        details: { protocol: codec.name, helloTimeoutMs: ms },
      }));
    }, ms);
  }

  private async receive(codec: VoiceProtocol, message: WireMessage): Promise<void> {
    if (codec !== this.codec) return;
    let events: ProtocolEvent[];
    try {
      events = await codec.decode(message);
    } catch (e) {
      // The interface forbids throwing; a codec that does anyway is still only a bad message.
      events = [{ type: 'error', error: toError(e, this.secrets, ErrorCode.PROTOCOL_ERROR), fatal: false }];
    }
    const replies = codec.takeReplies?.() ?? [];
    if (replies.length > 0) this.outbox.control(replies);
    for (const event of events) {
      if (codec !== this.codec) return;
      this.dispatch(event);
    }
  }

  private dispatch(event: ProtocolEvent): void {
    const s = this.secrets;
    switch (event.type) {
      case 'ready':
        if (this.current !== 'waiting') return;
        clearTimeout(this.helloTimer);
        if (this.everOpen) this.counters.reconnects++;
        this.everOpen = true;
        this.attempt = 0;
        this.setState('connected');
        this.pending?.resolve();
        this.pending = undefined;
        this.emit('ready', redactValue(event, s));
        return;
      case 'error': {
        const error = scrub(event.error, s);
        if (!event.fatal) {
          this.emit('error', error, false);
          return;
        }
        const closeCode = typeof error.details.closeCode === 'number' ? error.details.closeCode : error.code === ErrorCode.PROTOCOL_ERROR ? 1002 : 1000;
        this.finish(closeCode, error.code, error);
        return;
      }
      case 'audio':
        this.emit('audio', event);
        return;
      case 'text':
        this.emit('text', s.length > 0 ? { ...event, text: redactText(event.text, s) } : event);
        return;
      case 'speech':
        this.emit('speech', event);
        return;
      case 'marker':
        this.emit('marker', event);
        return;
      case 'metadata':
        this.emit('metadata', redactValue(event, s));
        return;
      case 'end':
        this.emit('end', event);
        return;
    }
  }

  private onSocketClose(socket: VoiceSocket, codec: VoiceProtocol, info: SocketCloseInfo): void {
    if (socket !== this.socket) return;
    this.dropSocket();
    let error = info.error;
    if (error === null && this.pending !== undefined && info.wasOpen) {
      error = new VoicewireError({ code: ErrorCode.CONNECTION_CLOSED, message: `The server closed the connection (${info.code}) before its hello.`,
        remedy: 'Check the server logs: it may have refused the client hello or the requested session.', details: { closeCode: info.code } });
    }
    const mayRetry = error !== null && this.everOpen && error.retryable &&
      (this.options.reconnect === 'always' || ((this.options.reconnect ?? 'auto') === 'auto' && codec.reconnectable));
    if (!mayRetry || error === null) {
      this.finish(info.code, info.reason, error);
      return;
    }
    if (this.attempt === 0) this.lostAt = Date.now();
    this.attempt++;
    const delayMs = this.policy.nextRetryDelayMs({ attempt: this.attempt, elapsedMs: Date.now() - this.lostAt, lastError: error });
    if (delayMs === null) {
      this.finish(info.code, info.reason, new VoicewireError({
        code: error.code, message: `Gave up reconnecting after ${this.attempt - 1} attempts. Last failure: ${error.message}`,
        remedy: error.remedy, details: { ...error.details, attempts: this.attempt - 1 }, cause: error, secrets: this.secrets,
      }));
      return;
    }
    this.emit('error', error, false);
    this.setState('reconnecting', { delayMs, error });
    this.retryTimer = setTimeout(() => this.openSocket(), delayMs);
  }

  /** Forgets the current socket and codec (listeners, timers, queued messages). */
  private dropSocket(): VoiceSocket | undefined {
    const socket = this.socket;
    this.socket = undefined;
    socket?.removeAllListeners();
    clearTimeout(this.helloTimer);
    this.outbox.clear();
    this.codec?.close();
    return socket;
  }

  /** Ends the connection for good: closes any socket, reports the error (fatal), `closed`, `close`. */
  private finish(code: number, reason: string, error: VoicewireError | null): void {
    clearTimeout(this.retryTimer);
    this.dropSocket()?.close(code, reason);
    this.codec = undefined;
    if (error) this.emit('error', error, true);
    this.setState('closed', error ? { error } : {});
    this.emit('close', { code, reason: redactText(reason, this.secrets), error });
    this.pending?.reject(error ?? new VoicewireError({ code: ErrorCode.CONNECTION_CLOSED, message: 'The connection was closed before the server greeted.', remedy: 'Call connect() again.' }));
    this.pending = undefined;
  }

  private setState(state: ConnectionState, extra: Partial<Pick<StateChange, 'delayMs' | 'error'>> = {}): void {
    const previous = this.current;
    this.current = state;
    this.emit('state', { state, previous, attempt: this.attempt, ...extra });
  }
}

/** Any thrown value as a VoicewireError with this connection's secrets scrubbed. */
function toError(e: unknown, secrets: readonly string[], code: ErrorCode = ErrorCode.CONNECTION_FAILED): VoicewireError {
  if (isVoicewireError(e)) return scrub(e, secrets);
  return new VoicewireError({ code, message: `Unexpected failure: ${describeError(e)}`, remedy: 'Check the URL and options; report this if it persists.', cause: e, secrets });
}

/** Errors made by codecs don't know the token; a server may still echo it. Rebuilt so construction scrubs it. */
function scrub(error: VoicewireError, secrets: readonly string[]): VoicewireError {
  if (secrets.length === 0) return error;
  return new VoicewireError({ code: error.code, message: error.message, remedy: error.remedy, details: error.details, cause: error.cause, secrets });
}

/** A connection (see ConnectionOptions); nothing is opened until connect(). */
export function createConnection(options: ConnectionOptions): Connection {
  return new Connection(options);
}
