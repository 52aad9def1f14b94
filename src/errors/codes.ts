/**
 * The one table of error codes. Each code's metadata lives here and nowhere else: the transport asks it whether to
 * reconnect, `assertAudioCapable()` asks what a problem blocks, `VoicewireError.userMessage` reads the end-user
 * text, and docs/errors.md is rendered from it (`npm run docs:errors`; a test fails when the two differ).
 */
export const ErrorCode = {
  INSECURE_CONTEXT: 'INSECURE_CONTEXT',
  MIXED_CONTENT: 'MIXED_CONTENT',
  INVALID_URL: 'INVALID_URL',
  INVALID_OPTION: 'INVALID_OPTION',
  WORKLET_UNSUPPORTED: 'WORKLET_UNSUPPORTED',
  WORKLET_NOT_FOUND: 'WORKLET_NOT_FOUND',
  WORKLET_NOT_JAVASCRIPT: 'WORKLET_NOT_JAVASCRIPT',
  WORKLET_BLOCKED_BY_CSP: 'WORKLET_BLOCKED_BY_CSP',
  WORKLET_SYNTAX_ERROR: 'WORKLET_SYNTAX_ERROR',
  WORKLET_PROCESSOR_NOT_REGISTERED: 'WORKLET_PROCESSOR_NOT_REGISTERED',
  AUDIO_CONTEXT_UNSUPPORTED: 'AUDIO_CONTEXT_UNSUPPORTED',
  AUDIO_CONTEXT_BLOCKED: 'AUDIO_CONTEXT_BLOCKED',
  MICROPHONE_UNAVAILABLE: 'MICROPHONE_UNAVAILABLE',
  MICROPHONE_DENIED: 'MICROPHONE_DENIED',
  MICROPHONE_NOT_FOUND: 'MICROPHONE_NOT_FOUND',
  MICROPHONE_IN_USE: 'MICROPHONE_IN_USE',
  MICROPHONE_ENDED: 'MICROPHONE_ENDED',
  OUTPUT_DEVICE_UNSUPPORTED: 'OUTPUT_DEVICE_UNSUPPORTED',
  OUTPUT_DEVICE_NOT_FOUND: 'OUTPUT_DEVICE_NOT_FOUND',
  CONNECTION_FAILED: 'CONNECTION_FAILED',
  CONNECTION_TIMEOUT: 'CONNECTION_TIMEOUT',
  CONNECTION_CLOSED: 'CONNECTION_CLOSED',
  AUTH_REJECTED: 'AUTH_REJECTED',
  SERVER_BUSY: 'SERVER_BUSY',
  SERVER_ERROR: 'SERVER_ERROR',
  PROTOCOL_ERROR: 'PROTOCOL_ERROR',
  CODEC_UNSUPPORTED: 'CODEC_UNSUPPORTED',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Where a failure comes from: the page and browser, the app's own call, the network, the server, or the bytes. */
export type ErrorSource = 'environment' | 'app' | 'audio' | 'network' | 'server' | 'protocol';

/**
 * What a failure stops. `session`: nothing can start. `worklet` / `microphone`: only what needs them (playback-only
 * or receive-only sessions still run). `connection`: this socket, which may reconnect. `nothing`: reported, goes on.
 */
export type ErrorBlocks = 'session' | 'worklet' | 'microphone' | 'connection' | 'nothing';

export interface ErrorCodeInfo {
  source: ErrorSource;
  blocks: ErrorBlocks;
  /** Whether an open session may reconnect after it (the transport retries only these). */
  retryable: boolean;
  /** What happened, for the docs table. */
  summary: string;
  /** What raises it, for the docs table. */
  raisedBy: string;
  /** The usual fix, for the app's developer (each error's own `remedy` is more specific). */
  fix: string;
  /** A short sentence an app can show its end user as it is: no jargon, no commands. */
  userMessage: string;
}

const info = (source: ErrorSource, blocks: ErrorBlocks, retryable: boolean, summary: string, raisedBy: string, fix: string, userMessage: string): ErrorCodeInfo =>
  Object.freeze({ source, blocks, retryable, summary, raisedBy, fix, userMessage });

export const ERROR_CODES: Readonly<Record<ErrorCode, ErrorCodeInfo>> = Object.freeze({
  INSECURE_CONTEXT: info('environment', 'session', false,
    'the page is not a secure context: no `audioWorklet`, no `navigator.mediaDevices`, no WebCodecs',
    '`diagnose()`, `assertAudioCapable()`, before any `addModule`/`getUserMedia`',
    'serve the page over HTTPS, or open it at `http://localhost` through an ssh tunnel; the remedy names the page\'s host and port and, in Chromium, the development flag',
    'Voice needs a secure (https) page. Open this app at its https address.'),
  MIXED_CONTENT: info('app', 'session', false,
    'an https page would open `ws://` to a non-loopback host, which browsers refuse',
    '`createVoiceSession()` / `start()`, before any socket',
    'use `wss://`, or pass a path so the scheme follows the page',
    'The voice service is misconfigured (insecure connection from a secure page).'),
  INVALID_URL: info('app', 'session', false,
    'not ws/wss/http/https, malformed, or relative with no page to resolve against (Node)',
    '`start()`',
    'pass an absolute URL, a path on a page, or `base`',
    'The voice service address is invalid.'),
  INVALID_OPTION: info('app', 'session', false,
    'an option out of range or a call in the wrong state (a rate a protocol cannot carry, start while started)',
    'factories, `start()`, session methods',
    'the message names the option and what is allowed',
    'The voice feature is misconfigured.'),
  WORKLET_UNSUPPORTED: info('environment', 'worklet', false,
    'a secure page whose browser has no `AudioWorklet`',
    '`diagnose()`, the worklet loader',
    'a current browser; playback only: `insecurePlaybackFallback`',
    'This browser cannot run voice. Please use a current Chrome, Edge, Firefox or Safari.'),
  WORKLET_NOT_FOUND: info('environment', 'worklet', false,
    'a self-hosted processor URL answers 404 or not at all',
    'the worklet loader\'s preflight after a failed `addModule`',
    'serve both `*.processor.js` files at those URLs, or drop `worklets` to load them from a Blob',
    'The voice feature could not load. Please reload the page.'),
  WORKLET_NOT_JAVASCRIPT: info('environment', 'worklet', false,
    'HTML (an SPA or service-worker fallback) or a non-JavaScript MIME type came back for a processor file',
    'the worklet loader\'s preflight',
    'serve the file as `text/javascript` and exclude its path from SPA and service-worker fallbacks',
    'The voice feature could not load. Please reload the page.'),
  WORKLET_BLOCKED_BY_CSP: info('environment', 'worklet', false,
    'the page\'s Content-Security-Policy refused the Blob (or URL) module; Chromium fires no `securitypolicyviolation`',
    'the worklet loader',
    'add `blob:` to `script-src`, or self-host the processor files (automatic fallback, reported as an event)',
    'The voice feature is blocked by this site\'s security settings.'),
  WORKLET_SYNTAX_ERROR: info('environment', 'worklet', false,
    'a processor module does not parse',
    'the worklet loader',
    'serve the built files untouched, of the same version as the page',
    'The voice feature could not load. Please reload the page.'),
  WORKLET_PROCESSOR_NOT_REGISTERED: info('environment', 'worklet', false,
    'a module loaded but registered no processor of that name',
    'node construction',
    'load both processor files of the same voicewire version',
    'The voice feature could not load. Please reload the page.'),
  AUDIO_CONTEXT_UNSUPPORTED: info('environment', 'session', false,
    'no Web Audio at all (Node, very old browsers)',
    '`diagnose()`, `start()`',
    'in Node use the stream session (async iterable in, callback out)',
    'This browser cannot play voice. Please use a current browser.'),
  AUDIO_CONTEXT_BLOCKED: info('audio', 'nothing', false,
    'autoplay policy: the context stays `suspended` until a user gesture',
    'the audio engine, `start()` outside a gesture',
    'call `start()` from a click or tap; voicewire resumes on the next gesture and reports `audio: running`',
    'Tap or click anywhere to turn on sound.'),
  MICROPHONE_UNAVAILABLE: info('environment', 'microphone', false,
    'no `getUserMedia` on a secure page, or an unclassified failure',
    '`diagnose()`, opening the microphone',
    'a browser with microphone support; an iframe needs `allow="microphone"`',
    'This browser cannot use the microphone here.'),
  MICROPHONE_DENIED: info('audio', 'microphone', false,
    '`NotAllowedError` / `SecurityError`: the user or a policy refused',
    'opening the microphone',
    'ask the user to allow the microphone (address-bar icon) and check OS privacy settings',
    'Microphone access was denied. Allow it in your browser\'s address bar, then try again.'),
  MICROPHONE_NOT_FOUND: info('audio', 'microphone', false,
    '`NotFoundError`, or `OverconstrainedError` for a `deviceId` that is gone (WebKit: with an empty constraint)',
    'opening the microphone',
    'plug one in, or offer the list of devices to choose from',
    'No microphone was found. Connect one and try again.'),
  MICROPHONE_IN_USE: info('audio', 'microphone', false,
    '`NotReadableError` / `AbortError`: the OS or another app holds the device',
    'opening the microphone',
    'close the other application using it',
    'The microphone is in use by another application.'),
  MICROPHONE_ENDED: info('audio', 'microphone', false,
    'the track ended mid-session (unplugged, revoked)',
    'the session (`error` event)',
    'offer the device list again, or start again',
    'The microphone was disconnected.'),
  OUTPUT_DEVICE_UNSUPPORTED: info('environment', 'nothing', false,
    'an output device was chosen but the browser has no `AudioContext.setSinkId` (Firefox, Safari as of 2026)',
    '`session.output.setDevice()`, session `start()` with `outputDeviceId`',
    'leave `outputDeviceId` out (the system default plays); offer a speaker picker only where `outputDeviceSupported()`',
    'This browser cannot choose the speaker; audio plays on the default one.'),
  OUTPUT_DEVICE_NOT_FOUND: info('audio', 'nothing', false,
    '`setSinkId` refused the id (`NotFoundError`: unplugged, or an id from another origin or profile)',
    '`session.output.setDevice()`, session `start()` with `outputDeviceId`',
    "pick an id from `listDevices().speakers` again; `''` is the default device",
    'That speaker is not available; choose another one.'),
  CONNECTION_FAILED: info('network', 'connection', true,
    'the socket never opened: refused, certificate refused, Origin refused, subprotocol not echoed (a browser sees only 1006) or an HTTP status',
    'the transport',
    'run `npx voicewire doctor URL` to tell these apart; `details.httpStatus` when known',
    'Could not reach the voice service. Check your connection and try again.'),
  CONNECTION_TIMEOUT: info('network', 'connection', true,
    'no WebSocket upgrade within `connectTimeoutMs`, or a link that went silent past the liveness bound',
    'the transport',
    'check the address, firewalls and proxies (`npx voicewire doctor URL`)',
    'The voice service is not responding. Check your connection and try again.'),
  CONNECTION_CLOSED: info('network', 'connection', true,
    'the socket dropped after opening',
    'the transport',
    'nothing: it reconnects by itself where the protocol allows',
    'The connection was lost.'),
  AUTH_REJECTED: info('server', 'session', false,
    'HTTP 401/403 on upgrade, or close 4401/4403',
    'the transport',
    'check the token and how it travels (`auth.via`)',
    'You are not allowed to use the voice service. Sign in again.'),
  SERVER_BUSY: info('server', 'session', false,
    'no hello within `helloTimeoutMs` (a one-slot server keeps later sockets waiting), close 1013/4429',
    'the transport',
    'wait and retry, or run more server capacity',
    'The voice service is busy. Please try again in a moment.'),
  SERVER_ERROR: info('server', 'connection', true,
    'the server said so (Moshi 0x05, a voicewire `error`, close 1011)',
    'protocols, the transport',
    'read the server\'s message in `details`',
    'The voice service had a problem. Please try again.'),
  PROTOCOL_ERROR: info('protocol', 'nothing', false,
    'bytes we cannot read, a message over `maxMessageBytes` (close 1009), a bad hello, the wrong protocol at an endpoint',
    'every decoder (never throws), the transport',
    'usually a client/server protocol or version mismatch; `details` say where',
    'The voice service sent something this app does not understand.'),
  CODEC_UNSUPPORTED: info('environment', 'session', false,
    'a codec cannot load or run: no Opus encoder (every implementation tried is listed), a lazy part (Opus decoder, MessagePack reader) refused by CSP, 404, answered with HTML or not loaded within 10 s (`details.reason`), a WAV we cannot read',
    'codecs, protocols (the lazy-part loader)',
    'by `details.reason`: `wasm-refused` → add `\'wasm-unsafe-eval\'` to `script-src`; `not-javascript` → an SPA fallback rewrote the chunk URL, serve the file; `not-found` → deploy the chunk; `timeout` → check its request; `not-installed` → npm install it',
    'This browser cannot decode the voice stream.'),
});

/** The metadata of `code`. */
export function errorCodeInfo(code: ErrorCode): ErrorCodeInfo {
  return ERROR_CODES[code];
}
