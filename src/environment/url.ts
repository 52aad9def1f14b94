import { ErrorCode, VoicewireError } from '../errors/errors.js';
import { redactUrl } from '../errors/redact.js';

/** The page a relative socket URL resolves against. */
export interface ResolveSocketUrlOptions {
  /**
   * The page the socket is opened from. Defaults to `globalThis.location` in browsers; Node has no page, so
   * relative URLs need it there.
   */
  base?: string | URL;
}

/**
 * Turns what a user wrote (`/api/chat`, `//host/x`, `https://host/x`, `wss://host/x`) into the WebSocket URL the
 * page can really open: the scheme follows the page (https → wss, http → ws), and a `ws://` URL that an https
 * page would be refused is reported as MIXED_CONTENT before any socket exists.
 *
 * @throws VoicewireError `INVALID_URL` for a relative URL without a page or `base`, an unparsable URL, or a scheme
 *   that cannot carry a WebSocket (file:); `MIXED_CONTENT` for `ws://` to a non-loopback host from an https page.
 */
export function resolveSocketUrl(input: string | URL, options: ResolveSocketUrlOptions = {}): URL {
  const text = String(input).trim();
  const base = options.base !== undefined ? String(options.base) : pageHref();
  const hasScheme = /^[a-z][a-z0-9+.-]*:/i.test(text);

  if (!hasScheme && base === undefined) {
    throw invalidUrl(text, `"${redactUrl(text)}" is relative and there is no page to resolve it against.`,
      'Pass an absolute ws:// or wss:// URL, or a `base` (e.g. "http://localhost:8998") when running outside a browser.');
  }
  let url: URL;
  try {
    url = hasScheme ? new URL(text) : new URL(text, base);
  } catch (cause) {
    throw invalidUrl(text, `"${redactUrl(text)}" is not a valid URL.`, 'Pass a URL such as "wss://host/path" or "/path".', cause);
  }

  const scheme = SOCKET_SCHEME[url.protocol];
  if (scheme === undefined) {
    const why = hasScheme
      ? `The scheme "${url.protocol}" cannot carry a WebSocket.`
      : `The page's scheme "${url.protocol}" cannot carry a WebSocket (is the page opened from a file?).`;
    throw invalidUrl(text, `${why} URL: ${redactUrl(url.href)}`,
      'Use ws://, wss://, http:// or https://, or serve the page over http(s) (not from a file://) so a path resolves.');
  }
  url.protocol = scheme;
  url.hash = '';

  // Quirk Q5: Chromium and Firefox throw SecurityError constructing such a socket, WebKit constructs it and fails it
  // later with a bare 'error' event; deciding here gives one MIXED_CONTENT in every engine, before any socket exists.
  const pageIsSecure = base !== undefined && pageProtocol(base) === 'https:';
  if (pageIsSecure && url.protocol === 'ws:' && !isLoopbackHost(url.hostname)) {
    throw new VoicewireError({
      code: ErrorCode.MIXED_CONTENT,
      message: `This page is served over HTTPS, so the browser refuses the insecure WebSocket ${redactUrl(url.href)} (mixed content).`,
      remedy: `Use wss://${url.host}${url.pathname} (the server needs TLS, e.g. behind a reverse proxy), or pass a path such as "${url.pathname}" so voicewire picks wss:// to match the page.`,
      details: { url: url.href, page: redactUrl(String(base)) },
    });
  }
  return url;
}

const SOCKET_SCHEME: Readonly<Record<string, 'ws:' | 'wss:'>> = {
  'ws:': 'ws:',
  'wss:': 'wss:',
  'http:': 'ws:',
  'https:': 'wss:',
};

/**
 * Chromium lets an https page open ws:// to loopback (potentially trustworthy origins, Secure Contexts §3.2) and
 * refuses every other host, its own name included.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The origin of the page this code runs in (`location.origin`); undefined outside a page or for an opaque origin (file://). */
export function pageOrigin(): string | undefined {
  const origin = (globalThis as { location?: { origin?: string } }).location?.origin;
  return typeof origin === 'string' && origin !== 'null' ? origin : undefined;
}

function pageHref(): string | undefined {
  const location = (globalThis as { location?: { href?: string } }).location;
  return typeof location?.href === 'string' ? location.href : undefined;
}

function pageProtocol(base: string): string {
  try {
    return new URL(base).protocol;
  } catch {
    return '';
  }
}

function invalidUrl(input: string, message: string, remedy: string, cause?: unknown): VoicewireError {
  return new VoicewireError({ code: ErrorCode.INVALID_URL, message, remedy, cause, details: { url: input } });
}
