import { EventEmitter } from 'eventemitter3';
import WebSocketImpl from 'isomorphic-ws';
import type { VoicewireError } from '../errors/errors.js';
import type { WireMessage } from '../protocols/protocol.js';
import { redactText, redactUrl } from '../errors/redact.js';
import { pageOrigin } from '../environment/url.js';
import { closeError } from './close-errors.js';

/** The part of the WebSocket API shared by browsers and Node's `ws` that voicewire uses. */
interface SocketLike {
  binaryType: string;
  readonly readyState: number;
  readonly bufferedAmount: number;
  readonly protocol: string;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: { error?: unknown; message?: unknown }) => void) | null;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
  /** Node's ws only. */
  on?: ((event: 'unexpected-response', listener: (req: { destroy(error?: Error): void }, res: { statusCode?: number; statusMessage?: string; resume(): void }) => void) => void) &
    ((event: 'pong', listener: () => void) => void);
  terminate?: () => void;
  ping?: () => void;
}

type SocketConstructor = new (url: string, protocols?: string[], options?: { headers?: Record<string, string>; maxPayload?: number }) => SocketLike;
const Socket = WebSocketImpl as unknown as SocketConstructor;

/** Node's `ws` can set headers, limit payloads and report HTTP statuses and errno; a browser's WebSocket cannot. */
export const socketCanSendHeaders: boolean = typeof (Socket.prototype as Partial<SocketLike>).on === 'function';

export interface SocketOptions {
  url: URL;
  protocols: readonly string[];
  headers: Readonly<Record<string, string>>;
  connectTimeoutMs: number;
  maxMessageBytes: number;
  secrets: readonly string[];
  /** Close codes that end this protocol's session normally besides 1000 (e.g. 1005 for Kyutai TTS). */
  normalCloseCodes?: readonly number[];
}

export interface SocketCloseInfo {
  code: number;
  reason: string;
  wasOpen: boolean;
  /** Null for a normal close or one this side asked for. */
  error: VoicewireError | null;
}

export interface SocketEvents {
  open: (protocol: string) => void;
  message: (message: WireMessage) => void;
  /** A WebSocket pong arrived (Node's ws only: browsers answer pings themselves and report nothing). */
  pong: () => void;
  close: (info: SocketCloseInfo) => void;
}

const OPEN = 1;

/**
 * One WebSocket, the same code over a browser's WebSocket and Node's `ws`: binary as ArrayBuffer, a connect timeout,
 * an incoming size limit, and every way it can end turned into one `close` event with a typed error.
 */
export class VoiceSocket extends EventEmitter<SocketEvents> {
  readonly #ws: SocketLike;
  readonly #options: SocketOptions;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #wasOpen = false;
  #timedOut = false;
  #closedByUs = false;
  #ended = false;
  #tooBigBytes: number | undefined;
  #httpStatus: number | undefined;
  /** The reason phrase of a refused upgrade ("Forbidden Origin" from voicewire's local server). */
  #httpReason: string | undefined;
  #cause: unknown;

  constructor(options: SocketOptions) {
    super();
    this.#options = options;
    // ws enforces maxPayload before buffering a message; browsers ignore the third argument and we check on arrival.
    this.#ws = new Socket(options.url.href, [...options.protocols], { headers: { ...options.headers }, maxPayload: options.maxMessageBytes });
    this.#ws.binaryType = 'arraybuffer';
    this.#ws.on?.('unexpected-response', (req, res) => {
      this.#httpStatus = res.statusCode;
      this.#httpReason = res.statusMessage;
      res.resume();
      req.destroy(new Error(`HTTP ${res.statusCode ?? '?'} on upgrade`));
    });
    this.#ws.on?.('pong', () => this.emit('pong'));
    this.#ws.onopen = () => this.#onOpen();
    this.#ws.onmessage = (event) => this.#onMessage(event.data);
    this.#ws.onerror = (event) => this.#onError(event);
    this.#ws.onclose = (event) => this.#onClose(event.code, event.reason);
    this.#timer = setTimeout(() => this.#onTimeout(), options.connectTimeoutMs);
  }

  /** Bytes accepted by `send` and not yet handed to the network (browser `bufferedAmount`, or ws's). */
  get bufferedAmount(): number {
    return this.#ws.bufferedAmount;
  }

  get isOpen(): boolean {
    return this.#ws.readyState === OPEN;
  }

  send(message: WireMessage): boolean {
    if (this.#ws.readyState !== OPEN) return false;
    this.#ws.send(message);
    return true;
  }

  /** Sends a WebSocket ping (RFC 6455 §5.5.2); false where the runtime has no ping API (browsers). */
  ping(): boolean {
    if (this.#ws.readyState !== OPEN || this.#ws.ping === undefined) return false;
    this.#ws.ping();
    return true;
  }

  /**
   * Drops the connection without waiting for the peer: on a dead link a close handshake would wait for an answer
   * that never comes (ws waits 30 s). Browsers have no such call: their close() is the best there is.
   */
  abort(): void {
    this.#closedByUs = true;
    if (this.#ws.terminate) this.#ws.terminate();
    else this.#shut(1000, '');
  }

  /** Closes from this side; the `close` event follows with no error unless something else already went wrong. */
  close(code = 1000, reason = ''): void {
    this.#closedByUs = true;
    this.#shut(code, reason);
  }

  #shut(code: number, reason: string): void {
    try {
      this.#ws.close(code, reason);
    } catch {
      // Browsers may only send 1000 or 3000–4999 (1009 throws InvalidAccessError): 4000 + the code says the same.
      try {
        this.#ws.close(code >= 1000 && code < 2000 ? 4000 + (code % 1000) : 1000, reason);
      } catch {
        this.#ws.terminate?.();
      }
    }
  }

  #onOpen(): void {
    clearTimeout(this.#timer);
    this.#wasOpen = true;
    this.emit('open', this.#ws.protocol);
  }

  #onMessage(data: unknown): void {
    if (this.#ended || this.#tooBigBytes !== undefined) return;
    const message: WireMessage | null = typeof data === 'string' ? data
      : data instanceof ArrayBuffer ? new Uint8Array(data)
        : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
    if (message === null) return; // binaryType is arraybuffer: nothing else arrives
    const size = typeof message === 'string' ? message.length : message.byteLength;
    if (size > this.#options.maxMessageBytes) {
      this.#tooBigBytes = size;
      this.#shut(1009, 'message too big');
      return;
    }
    this.emit('message', message);
  }

  #onError(event: { error?: unknown; message?: unknown }): void {
    const error = event.error;
    // ws reports an oversize frame as an error and closes with 1009 itself.
    if (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
      this.#tooBigBytes ??= this.#options.maxMessageBytes + 1;
      return;
    }
    this.#cause ??= error ?? (typeof event.message === 'string' && event.message ? new Error(event.message) : undefined);
  }

  #onTimeout(): void {
    if (this.#wasOpen || this.#ended) return;
    this.#timedOut = true;
    this.#shut(1000, 'connect timeout');
    // Some runtimes deliver no close event for a socket that never connected: end it ourselves.
    this.#onClose(1006, '');
  }

  #onClose(code: number, rawReason: string): void {
    if (this.#ended) return;
    const reason = redactText(rawReason, this.#options.secrets);
    this.#ended = true;
    clearTimeout(this.#timer);
    const o = this.#options;
    const error = this.#closedByUs && this.#tooBigBytes === undefined ? null : closeError({
      code, reason, wasOpen: this.#wasOpen, timedOut: this.#timedOut, connectTimeoutMs: o.connectTimeoutMs,
      tooBigBytes: this.#tooBigBytes, maxMessageBytes: o.maxMessageBytes, httpStatus: this.#httpStatus, httpReason: this.#httpReason, cause: this.#cause,
      detailed: socketCanSendHeaders, url: redactUrl(o.url.href), page: pageOrigin(), protocols: o.protocols, secrets: o.secrets, normalCodes: o.normalCloseCodes,
    });
    this.emit('close', { code, reason, wasOpen: this.#wasOpen, error });
  }
}
