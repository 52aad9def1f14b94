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

/** The rows, keyed by code. The codes themselves are this table's keys: written once, not once more in a list. */
const TABLE = {
  INSECURE_CONTEXT: info('session', false, 'Voice needs a secure (https) page. Open this app at its https address.'),
  MIXED_CONTENT: info('session', false, 'The voice service is misconfigured (insecure connection from a secure page).'),
  INVALID_URL: info('session', false, 'The voice service address is invalid.'),
  INVALID_OPTION: info('session', false, 'The voice feature is misconfigured.'),
  WORKLET_UNSUPPORTED: info('worklet', false, 'This browser cannot run voice. Please use a current Chrome, Edge, Firefox or Safari.'),
  WORKLET_NOT_FOUND: info('worklet', false, 'The voice feature could not load. Please reload the page.'),
  WORKLET_NOT_JAVASCRIPT: info('worklet', false, 'The voice feature could not load. Please reload the page.'),
  WORKLET_BLOCKED_BY_CSP: info('worklet', false, "The voice feature is blocked by this site's security settings."),
  WORKLET_SYNTAX_ERROR: info('worklet', false, 'The voice feature could not load. Please reload the page.'),
  WORKLET_PROCESSOR_NOT_REGISTERED: info('worklet', false, 'The voice feature could not load. Please reload the page.'),
  AUDIO_CONTEXT_UNSUPPORTED: info('session', false, 'This browser cannot play voice. Please use a current browser.'),
  AUDIO_CONTEXT_BLOCKED: info('nothing', false, 'Tap or click anywhere to turn on sound.'),
  MICROPHONE_UNAVAILABLE: info('microphone', false, 'This browser cannot use the microphone here.'),
  MICROPHONE_DENIED: info('microphone', false, "Microphone access was denied. Allow it in your browser's address bar, then try again."),
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
};

/** Every stable error code, e.g. `'MICROPHONE_DENIED'`: what `VoicewireError.code` holds. */
export type ErrorCode = keyof typeof TABLE;

export const ERROR_CODES: Readonly<Record<ErrorCode, ErrorCodeInfo>> = Object.freeze(TABLE);

/** The codes by name, for `switch (error.code) { case ErrorCode.MICROPHONE_DENIED: … }`: each value is its key. */
export const ErrorCode = Object.freeze(Object.fromEntries(Object.keys(TABLE).map((code) => [code, code]))) as { readonly [C in ErrorCode]: C };

/** The metadata of `code`. */
export function errorCodeInfo(code: ErrorCode): ErrorCodeInfo {
  return ERROR_CODES[code];
}
