/**
 * The one table of error codes. What the runtime reads lives here: the transport asks whether to reconnect,
 * `assertAudioCapable()` asks what a problem blocks, `VoicewireError.userMessage` reads the end-user text. The
 * docs-only columns of the same rows (source, what happened, raised by, typical fix) sit in code-docs.ts, which
 * only the docs renderer and the tests import, so no app bundle carries them. docs/errors.md is rendered from both
 * (`npm run docs:errors`; a test fails when the page differs).
 */

/**
 * What a failure stops. `session`: nothing can start. `worklet` / `microphone`: only what needs them (playback-only
 * or receive-only sessions still run). `connection`: this socket, which may reconnect. `nothing`: reported, goes on.
 */
export type ErrorBlocks = 'session' | 'worklet' | 'microphone' | 'connection' | 'nothing';

export interface ErrorCodeInfo {
  blocks: ErrorBlocks;
  /** Whether an open session may reconnect after it (the transport retries only these). */
  retryable: boolean;
  /** A short sentence an app can show its end user as it is: no jargon, no commands. */
  userMessage: string;
}

const info = (blocks: ErrorBlocks, retryable: boolean, userMessage: string): ErrorCodeInfo => Object.freeze({ blocks, retryable, userMessage });

/**
 * Every stable error code, e.g. `'MICROPHONE_DENIED'`: what `VoicewireError.code` holds. A type only (no bytes in a
 * bundle); the table below must have exactly these rows, and the runtime `ErrorCode` object is made from its keys.
 */
export type ErrorCode =
  | 'INSECURE_CONTEXT'
  | 'MIXED_CONTENT'
  | 'INVALID_URL'
  | 'INVALID_OPTION'
  | 'WORKLET_UNSUPPORTED'
  | 'WORKLET_NOT_FOUND'
  | 'WORKLET_NOT_JAVASCRIPT'
  | 'WORKLET_BLOCKED_BY_CSP'
  | 'WORKLET_SYNTAX_ERROR'
  | 'WORKLET_PROCESSOR_NOT_REGISTERED'
  | 'AUDIO_CONTEXT_UNSUPPORTED'
  | 'AUDIO_CONTEXT_BLOCKED'
  | 'MICROPHONE_UNAVAILABLE'
  | 'MICROPHONE_DENIED'
  | 'MICROPHONE_BLOCKED_BY_POLICY'
  | 'MICROPHONE_NOT_FOUND'
  | 'MICROPHONE_IN_USE'
  | 'MICROPHONE_ENDED'
  | 'OUTPUT_DEVICE_UNSUPPORTED'
  | 'OUTPUT_DEVICE_NOT_FOUND'
  | 'CONNECTION_FAILED'
  | 'CONNECTION_TIMEOUT'
  | 'CONNECTION_CLOSED'
  | 'AUTH_REJECTED'
  | 'SERVER_BUSY'
  | 'SERVER_ERROR'
  | 'PROTOCOL_ERROR'
  | 'CODEC_UNSUPPORTED';

export const ERROR_CODES: Readonly<Record<ErrorCode, ErrorCodeInfo>> = Object.freeze({
  INSECURE_CONTEXT: info('session', false, 'Voice needs a secure (https) page. Open this app at its https address.'),
  MIXED_CONTENT: info('session', false, 'The voice service is misconfigured (insecure connection from a secure page).'),
  INVALID_URL: info('session', false, 'The voice service address is invalid.'),
  INVALID_OPTION: info('session', false, 'The voice feature is misconfigured.'),
  WORKLET_UNSUPPORTED: info('worklet', false, 'This browser cannot run voice. Please use a current Chrome, Edge, Firefox or Safari.'),
  WORKLET_NOT_FOUND: info('worklet', false, "Voice could not load. Reload the page; if that doesn't help, voice is unavailable here for now."),
  WORKLET_NOT_JAVASCRIPT: info('worklet', false, "Voice could not load. Reload the page; if that doesn't help, voice is unavailable here for now."),
  WORKLET_BLOCKED_BY_CSP: info('worklet', false, "The voice feature is blocked by this site's security settings."),
  WORKLET_SYNTAX_ERROR: info('worklet', false, "Voice could not load. Reload the page; if that doesn't help, voice is unavailable here for now."),
  WORKLET_PROCESSOR_NOT_REGISTERED: info('worklet', false, "Voice could not load. Reload the page; if that doesn't help, voice is unavailable here for now."),
  AUDIO_CONTEXT_UNSUPPORTED: info('session', false, 'This browser cannot play voice. Please use a current browser.'),
  AUDIO_CONTEXT_BLOCKED: info('nothing', false, 'Tap or click anywhere to turn on sound.'),
  MICROPHONE_UNAVAILABLE: info('microphone', false, 'This browser cannot use the microphone here.'),
  MICROPHONE_DENIED: info('microphone', false, "Microphone access was denied. Allow it in your browser's address bar, then try again."),
  MICROPHONE_BLOCKED_BY_POLICY: info('microphone', false, "This page can't use your microphone while embedded here. Open it in its own tab."),
  MICROPHONE_NOT_FOUND: info('microphone', false, 'No microphone was found. Connect one and try again.'),
  MICROPHONE_IN_USE: info('microphone', false, 'The microphone is in use by another application.'),
  MICROPHONE_ENDED: info('microphone', false, 'The microphone was disconnected.'),
  OUTPUT_DEVICE_UNSUPPORTED: info('nothing', false, 'This browser cannot choose the speaker; audio plays on the default one.'),
  OUTPUT_DEVICE_NOT_FOUND: info('nothing', false, 'That speaker is not available; choose another one.'),
  CONNECTION_FAILED: info('connection', true, 'Could not reach the voice service. Check your connection and try again.'),
  CONNECTION_TIMEOUT: info('connection', true, 'The voice service is not responding. Check your connection and try again.'),
  CONNECTION_CLOSED: info('connection', true, 'The connection was lost.'),
  AUTH_REJECTED: info('session', false, 'You are not allowed to use the voice service. Sign in again.'),
  SERVER_BUSY: info('session', false, 'The voice service is busy. Please try again in a moment.'),
  SERVER_ERROR: info('connection', true, 'The voice service had a problem. Please try again.'),
  PROTOCOL_ERROR: info('nothing', false, 'The voice service sent something this app does not understand.'),
  CODEC_UNSUPPORTED: info('session', false, 'This browser cannot decode the voice stream.'),
} satisfies Record<ErrorCode, ErrorCodeInfo>);

/**
 * The codes by name, for `switch (error.code) { case ErrorCode.MICROPHONE_DENIED: … }`: each value is its key. Made
 * from the table's keys rather than written out a second time.
 */
export const ErrorCode = Object.freeze(Object.fromEntries(Object.keys(ERROR_CODES).map((code) => [code, code]))) as { readonly [C in ErrorCode]: C };

/** The metadata of `code`. */
export function errorCodeInfo(code: ErrorCode): ErrorCodeInfo {
  return ERROR_CODES[code];
}
