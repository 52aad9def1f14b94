import { EventEmitter } from 'eventemitter3';
import { ErrorCode, VoicewireError } from '../errors/errors.js';
import type { ProtocolEvent, VoiceProtocol, WireMessage } from '../protocols/protocol.js';
import { redactText, redactValue } from '../errors/redact.js';
import { resolveSocketUrl } from '../environment/url.js';
import { applyAuth } from './auth.js';
import { forwardDataEvent, type ConnectionEvents, type ConnectionState, type StateChange } from './connection-events.js';
import type { ConnectionOptions, ConnectionStats } from './connection-options.js';
import { watchSocketLiveness, type LivenessWatchdog } from './liveness.js';
import { waitForHello, type HelloWait } from './hello-wait.js';
import { ExponentialBackoff, type ReconnectPolicy } from './reconnect.js';
import { judgeSocketLoss, nextAttempt } from './socket-loss.js';
import { scrub, toError } from './scrub.js';
import { Sender } from './sender.js';
import { VoiceSocket, socketCanSendHeaders, type SocketCloseInfo } from './socket.js';

export type { ConnectionOptions, ConnectionStats } from './connection-options.js';

/**
 * A voice session over one WebSocket at a time: drives a VoiceProtocol codec, reports typed states and events,
 * bounds outgoing audio, and reconnects where the protocol allows.
 */
export class Connection extends EventEmitter<ConnectionEvents> {
  private readonly options: ConnectionOptions;
  private readonly policy: ReconnectPolicy;
  private readonly sender: Sender;
  private current: ConnectionState = 'closed';
  private url: URL | undefined;
  private socket: VoiceSocket | undefined;
  private codec: VoiceProtocol | undefined;
  private secrets: readonly string[] = [];
  private attempt = 0;
  private everOpen = false;
  /** When the open connection was lost (Date.now()), for the reconnect policy's `elapsedMs`. */
  private lostAt = 0;
  private hello: HelloWait | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private watchdog: LivenessWatchdog | undefined;
  /** Per decode lane (VoiceProtocol.decodeLane), the messages still being decoded, in arrival order. */
  private decodeLanes = new Map<string, Promise<void>>();
  private pending: { promise: Promise<void>; resolve: () => void; reject: (e: VoicewireError) => void } | undefined;
  private counters = { reconnects: 0, framesLost: 0, lostMs: 0, framesLate: 0, framesDuplicate: 0 };

  constructor(options: ConnectionOptions) {
    super();
    this.options = options;
    this.policy = options.reconnectPolicy ?? new ExponentialBackoff();
    this.sender = new Sender({
      socket: () => this.socket,
      codec: () => this.codec,
      state: () => this.current,
      stepFailed: (e) => this.emit('error', toError(e, this.secrets, ErrorCode.CODEC_UNSUPPORTED), false),
      finish: (code, reason, error) => this.finish(code, reason, error),
    }, options.audioBudgetBytes ?? 128 * 1024, options.closeDrainMs ?? 1000);
  }

  /** The current state; `closed` before connect() and after the end. */
  get state(): ConnectionState {
    return this.current;
  }

  /** The codec of the current socket (e.g. to build protocol-specific control messages). */
  get protocol(): VoiceProtocol | undefined {
    return this.codec;
  }

  /** A snapshot of the counters (a fresh object each read). */
  get stats(): ConnectionStats {
    return { ...this.sender.stats, ...this.counters, bufferedAmount: this.socket?.bufferedAmount ?? 0 };
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
    this.sender.reopenInput();
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
    return this.sender.audio(pcm);
  }

  /**
   * Queues already-encoded Opus packets (a pre-encoded input) as the protocol wraps them; no encoder runs. False
   * (and counted) when not `connected`. The protocol must have `encodePackets` (see checkEncodedInput).
   */
  sendEncodedAudio(packets: readonly Uint8Array[], preSkip: number): boolean {
    return this.sender.encodedAudio(packets, preSkip);
  }

  /**
   * Sends protocol messages that are never dropped (control, text to speak), after everything given before them.
   * False when no socket is open. `messages` may be a function, called in turn (for messages built from codec state).
   */
  sendControl(messages: readonly WireMessage[] | ((codec: VoiceProtocol) => readonly WireMessage[])): boolean {
    return this.sender.control(messages);
  }

  /** Asks the server to process everything sent so far (the protocol's flush message), after that audio. */
  flush(): boolean {
    return this.sendControl((codec) => codec.flush());
  }

  /**
   * No more audio follows: the protocol's end of input (its `endInput()`, else its flush), after that audio. Later
   * sendAudio calls return false. A protocol with `endInputSilenceMs` then gets silence until it reports `end`.
   */
  endInput(): boolean {
    return this.sender.endInput();
  }

  /**
   * Closes the session. What was given before still leaves first, then the protocol's goodbye (Moshi's Ogg EOS
   * page), then the close frame; waits at most `closeDrainMs` for encodes still running.
   */
  close(code = 1000, reason = ''): void {
    if (this.current !== 'closed') this.sender.close(code, reason);
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
        normalCloseCodes: codec.normalCloseCodes,
      });
      this.socket = socket;
      socket.on('open', () => this.onOpen(socket, codec));
      socket.on('message', (m) => {
        this.watchdog?.heard();
        const lane = codec.decodeLane?.(m) ?? 'main';
        this.decodeLanes.set(lane, (this.decodeLanes.get(lane) ?? Promise.resolve()).then(() => this.receive(codec, m)));
      });
      socket.on('pong', () => this.watchdog?.heard());
      // Messages that arrived before the close are read first: a server's last words (an error naming the
      // problem, the final audio) explain its close.
      socket.on('close', (info) => {
        const read = Promise.all(this.decodeLanes.values()).then(() => this.onSocketClose(socket, codec, info));
        this.decodeLanes = new Map([['main', read]]);
      });
    } catch (e) {
      // A browser throws synchronously for a URL or subprotocol it refuses (SyntaxError, SecurityError).
      this.finish(1000, '', toError(e, this.secrets, ErrorCode.CONNECTION_FAILED));
    }
  }

  private onOpen(socket: VoiceSocket, codec: VoiceProtocol): void {
    if (socket !== this.socket) return;
    this.setState('waiting');
    this.sender.outbox.control(codec.open());
    this.hello = waitForHello(codec, this.options.helloTimeoutMs ?? 30_000, (code, reason, error) => this.finish(code, reason, error));
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
    if (this.current === 'waiting' && this.hello?.heard(message, events, this.secrets)) return;
    const replies = codec.takeReplies?.() ?? [];
    if (replies.length > 0) this.sender.outbox.control(replies);
    for (const event of events) {
      if (codec !== this.codec) return;
      this.dispatch(event, codec);
    }
  }

  private dispatch(event: ProtocolEvent, codec: VoiceProtocol): void {
    const s = this.secrets;
    switch (event.type) {
      case 'ready':
        if (this.current !== 'waiting') return;
        this.hello?.stop();
        if (this.everOpen) this.counters.reconnects++;
        this.everOpen = true;
        this.attempt = 0;
        this.setState('connected');
        this.watchLiveness(codec);
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
      case 'end':
        this.sender.stopTail();
        this.emit('end', event);
        return;
      default:
        forwardDataEvent(this, event, s, this.counters);
    }
  }

  private onSocketClose(socket: VoiceSocket, codec: VoiceProtocol, info: SocketCloseInfo): void {
    if (socket !== this.socket) return;
    this.dropSocket();
    const loss = judgeSocketLoss(info, codec, { awaitingHello: this.pending !== undefined, everOpen: this.everOpen, reconnect: this.options.reconnect });
    if (!loss.retry) {
      if (loss.normalEnd) this.emit('end', { type: 'end' });
      this.finish(info.code, info.reason, loss.error);
      return;
    }
    if (this.attempt === 0) this.lostAt = Date.now();
    this.attempt++;
    const next = nextAttempt(this.policy, { attempt: this.attempt, elapsedMs: Date.now() - this.lostAt, lastError: loss.error }, loss.minRetryDelayMs, this.secrets);
    if ('gaveUp' in next) {
      this.finish(info.code, info.reason, next.gaveUp);
      return;
    }
    this.emit('error', loss.error, false);
    this.setState('reconnecting', { delayMs: next.delayMs, error: loss.error });
    this.retryTimer = setTimeout(() => this.openSocket(), next.delayMs);
  }

  private watchLiveness(codec: VoiceProtocol): void {
    const socket = this.socket;
    if (socket === undefined) return;
    this.watchdog = watchSocketLiveness(socket, codec, this.options.livenessTimeoutMs, (m) => this.sender.outbox.control(m), (error) => {
      if (socket !== this.socket) return;
      socket.abort();
      this.onSocketClose(socket, codec, { code: 1006, reason: '', wasOpen: true, error });
    });
  }

  /** Forgets the current socket and codec (listeners, timers, queued messages). */
  private dropSocket(): VoiceSocket | undefined {
    const socket = this.socket;
    this.socket = undefined;
    socket?.removeAllListeners();
    this.hello?.stop();
    this.watchdog?.stop();
    this.watchdog = undefined;
    this.sender.dropSocket();
    this.codec?.close();
    return socket;
  }

  /** Ends the connection for good: closes any socket, reports the error (fatal), `closed`, `close`. */
  private finish(code: number, reason: string, error: VoicewireError | null): void {
    clearTimeout(this.retryTimer);
    this.sender.finished();
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

/** A connection (see ConnectionOptions); nothing is opened until connect(). */
export function createConnection(options: ConnectionOptions): Connection {
  return new Connection(options);
}
