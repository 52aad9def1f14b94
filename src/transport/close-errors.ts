import { ErrorCode, VoicewireError } from '../errors/errors.js';
import { redactSubprotocols } from '../errors/redact.js';
import { closeOutcome } from './close-codes.js';

/** What the socket wrapper saw when a socket ended; turned into one typed error (or none for a normal end). */
export interface CloseFacts {
  code: number;
  reason: string;
  /** The socket had opened (the upgrade succeeded). */
  wasOpen: boolean;
  timedOut: boolean;
  connectTimeoutMs: number;
  /** The size of an incoming message over the limit, if that ended it. */
  tooBigBytes?: number;
  maxMessageBytes: number;
  /** HTTP status of a refused upgrade (Node only: browsers never see it). */
  httpStatus?: number;
  /** Its reason phrase, when the server gave one. */
  httpReason?: string;
  /** The socket library's error, when it gave one (Node: ECONNREFUSED, certificate errors, …). */
  cause?: unknown;
  /** Whether the runtime can see failure causes (Node's ws can; a browser page cannot). */
  detailed: boolean;
  /** Redacted URL. */
  url: string;
  /** The origin of the page that opened the socket (`location.origin`), when there is one: the doctor's `--page`. */
  page?: string;
  protocols: readonly string[];
  secrets: readonly string[];
  /** Codes that are this protocol's normal end besides 1000 (see closeOutcome). */
  normalCodes?: readonly number[];
}

/** Maps how a socket ended to a VoicewireError; null for a normal close (1000) with nothing else wrong. */
export function closeError(f: CloseFacts): VoicewireError | null {
  const details = { url: f.url, closeCode: f.code, closeReason: f.reason, protocols: redactSubprotocols(f.protocols, f.secrets), ...(f.httpStatus ? { httpStatus: f.httpStatus } : {}) };
  const make = (code: ErrorCode, message: string, remedy: string): VoicewireError =>
    new VoicewireError({ code, message, remedy, details, cause: f.cause, secrets: f.secrets });
  const reason = f.reason ? ` ("${f.reason}")` : '';

  if (f.timedOut) {
    return make(ErrorCode.CONNECTION_TIMEOUT, `No WebSocket connection to ${f.url} within ${f.connectTimeoutMs} ms: the server did not complete the upgrade.`,
      'Check that the server is running and reachable at this host and port (a firewall or a proxy that drops the upgrade also looks like this; `npx voicewire doctor <url>` tells them apart), or raise `connectTimeoutMs`.');
  }
  if (f.tooBigBytes !== undefined) {
    return make(ErrorCode.PROTOCOL_ERROR, `The server sent a message of ${f.tooBigBytes} bytes, over the ${f.maxMessageBytes}-byte limit; the session was closed (1009).`,
      'Raise `maxMessageBytes` if the server really sends messages this large, or check that the URL points at the voice endpoint.');
  }
  if (f.httpStatus === 403 && /origin/i.test(f.httpReason ?? '')) {
    return make(ErrorCode.CONNECTION_FAILED, `The server refused this page's Origin (HTTP 403 "${f.httpReason}"): it accepts WebSocket upgrades only from origins it allows.`,
      `Serve the page from an origin the server allows, or allow this one on the server (voicewire's local test server takes \`--allow-origin <page origin>\`).`);
  }
  if (f.httpStatus === 401 || f.httpStatus === 403) {
    return make(ErrorCode.AUTH_REJECTED, `The server refused the WebSocket upgrade with HTTP ${f.httpStatus}: the credentials were rejected.`,
      'Check the token (expired? wrong server?) and how it is sent (`auth.via`, `auth.queryParam`, `auth.header`).');
  }
  if (f.httpStatus !== undefined) {
    return make(ErrorCode.CONNECTION_FAILED, `The server answered the WebSocket upgrade with HTTP ${f.httpStatus} instead of 101.`,
      f.httpStatus === 404 ? 'Check the path: this server has no WebSocket endpoint there.' : 'Check the URL and the server logs; a proxy in front of it may not forward WebSocket upgrades.');
  }
  if (f.code === 1006) return f.wasOpen ? lost(make, f) : unreachable(make, f);
  const outcome = closeOutcome(f.code, f.normalCodes);
  if (outcome.outcome === 'normal' || outcome.error === undefined) return null;
  const what = `${f.code}, ${outcome.name}`;
  switch (outcome.error) {
    case ErrorCode.AUTH_REJECTED:
      return make(ErrorCode.AUTH_REJECTED, `The server closed the session (${what}): credentials refused${reason}.`, 'Check the token and how it is sent (`auth`).');
    case ErrorCode.PROTOCOL_ERROR:
      return f.code === 1009
        ? make(ErrorCode.PROTOCOL_ERROR, `The server closed the session with 1009: a message from this client was over its size limit${reason}.`, 'Send smaller audio frames.')
        : make(ErrorCode.PROTOCOL_ERROR, `The server closed the session (${what}): it could not read what this client sent${reason}.`,
          'Check that the client uses the protocol and version this server speaks (see docs/protocol.md for voicewire).');
    case ErrorCode.SERVER_ERROR:
      return make(ErrorCode.SERVER_ERROR, `The server closed the session (${what}): it hit an error or is restarting${reason}.`, 'Look at the server logs; voicewire reconnects on its own for protocols that allow it.');
    case ErrorCode.SERVER_BUSY:
      return make(ErrorCode.SERVER_BUSY, `The server closed the session with ${f.code}: it has no free session slot${reason}.`, 'Wait and try again, or add server capacity.');
    default:
      return make(outcome.error, `The connection to ${f.url} closed (${what})${reason}.`,
        f.code === 1008 ? 'The server refused something by policy (an Origin check, a quota, the payload): its close reason and logs say which.'
          : 'Reconnect; if it keeps happening, look at the server logs for why it ends sessions.');
  }
}

type Make = (code: ErrorCode, message: string, remedy: string) => VoicewireError;

function lost(make: Make, f: CloseFacts): VoicewireError {
  return make(ErrorCode.CONNECTION_CLOSED, `The connection to ${f.url} was lost (1006, no close frame): the server stopped or the network dropped.`,
    'Check that the server is still running; voicewire reconnects on its own for protocols that allow it.');
}

/** A socket that never opened. Node says why; a browser only says 1006, so the error lists what it can be. */
function unreachable(make: Make, f: CloseFacts): VoicewireError {
  const text = f.cause instanceof Error || (typeof f.cause === 'object' && f.cause !== null && 'message' in f.cause) ? String((f.cause as { message: unknown }).message) : '';
  if (f.detailed && text) {
    const hint = /ECONNREFUSED/.test(text) ? 'Nothing is listening there: start the server or fix the port.'
      : /certificate|self[- ]signed|CERT_|SSL|TLS/i.test(text) ? 'The server\'s TLS certificate was refused: use a trusted certificate, or for a local self-signed one pass the CA to Node (NODE_EXTRA_CA_CERTS).'
        : /subprotocol/i.test(text) ? 'The server did not echo the offered subprotocol: configure it to accept one of them (browsers fail such sockets with 1006).'
          : /ENOTFOUND|EAI_AGAIN/.test(text) ? 'The host name does not resolve: check the URL.'
            : 'Check the URL, that the server runs, and the network between.';
    return make(ErrorCode.CONNECTION_FAILED, `Could not open a WebSocket to ${f.url}: ${text}.`, hint);
  }
  // Only wss:// has a certificate to refuse; the https:// address of the same host is where a person can inspect it.
  const site = /^wss:\/\/(?:[^/?#@]*@)?([^/?#]+)/i.exec(f.url)?.[1];
  return make(ErrorCode.CONNECTION_FAILED,
    `Could not open a WebSocket to ${f.url} (1006, no reason given). A browser hides the cause; it is one of: the server is down or unreachable, ` +
    'the path has no WebSocket endpoint (the server answers HTTP 404, or an app server\'s SPA fallback answers with its page), ' +
    (site ? `its TLS certificate was refused (self-signed? open https://${site}/ once in a tab to see), ` : '') +
    'it refused this page\'s Origin (servers that check Origin answer a foreign page with 403; voicewire\'s local server admits one with `--allow-origin <page origin>`), ' +
    `or it did not echo the subprotocol offered (${redactSubprotocols(f.protocols, f.secrets).join(', ') || 'none'}).`,
    `${site ? `Open https://${site}/ in a browser tab to check the certificate; run` : 'Run'} ${doctorCommand(f)} from a terminal to see which it is.`);
}

/** The doctor command for this very socket: the URL is already redacted, so a token's place shows as [redacted]. */
function doctorCommand(f: CloseFacts): string {
  const command = `\`npx voicewire doctor ${shellWord(f.url)}${f.page ? ` --page ${shellWord(f.page)}` : ''}\``;
  return f.url.includes('[redacted]') ? `${command} (with the real credential in place of [redacted])` : command;
}

/** Quotes a word for a POSIX shell when it holds characters the shell would read (`?`, `&`, `[`…). */
function shellWord(word: string): string {
  return /^[\w:/.%@+=,~-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/**
 * No hello within `helloTimeoutMs`. Silence is a busy one-slot server (SERVER_BUSY, Moshi's Python server keeps
 * extra sockets waiting); messages the codec could not read mean another protocol at that URL (PROTOCOL_ERROR).
 */
export function noHelloError(protocol: string, helloTimeoutMs: number, unreadableMessages: number): VoicewireError {
  if (unreadableMessages > 0) {
    return new VoicewireError({
      code: ErrorCode.PROTOCOL_ERROR,
      message: `The server sent ${unreadableMessages} message(s) this client could not read and no ${protocol} hello within ${helloTimeoutMs} ms: it does not seem to speak ${protocol} at this URL.`,
      remedy: "Check the URL and the `protocol` option (e.g. Moshi's endpoint is /api/chat with the moshi() protocol; voicewire's local server has /ws).",
      details: { protocol, helloTimeoutMs, unreadableMessages },
    });
  }
  return new VoicewireError({
    code: ErrorCode.SERVER_BUSY,
    message: `The server accepted the connection but did not greet within ${helloTimeoutMs} ms. A server that runs one session at a time (Moshi's Python server) keeps extra connections waiting for a free slot like this.`,
    remedy: 'Wait for the other session to end (or end it), then connect again; raise `helloTimeoutMs` to wait longer for a slot.',
    details: { protocol, helloTimeoutMs },
  });
}
