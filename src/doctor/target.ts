import { isIP } from 'node:net';
import { redactUrl } from '../errors/redact.js';

/** The socket URL taken apart once, for every check. http(s) is accepted as the same server's ws(s). */
export interface Target {
  url: URL;
  /** Redacted, for every line a person reads. */
  shown: string;
  secure: boolean;
  /** Without IPv6 brackets, for DNS and sockets. */
  host: string;
  port: number;
  /** Literal secrets in the URL (query values, user info) to scrub from anything the server echoes. */
  secrets: string[];
}

const SCHEMES: Readonly<Record<string, string>> = { 'ws:': 'ws:', 'wss:': 'wss:', 'http:': 'ws:', 'https:': 'wss:' };

/** Parses a socket URL; returns an error sentence instead of throwing so the CLI can print it as a check. */
export function parseTarget(input: string): Target | string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return `"${redactUrl(input)}" is not an absolute URL (expected ws://HOST:PORT/PATH or wss://…).`;
  }
  const scheme = SCHEMES[url.protocol];
  if (scheme === undefined) return `"${redactUrl(input)}" has scheme ${url.protocol}; a WebSocket URL starts with ws:// or wss://.`;
  if (scheme !== url.protocol) url = new URL(scheme + url.href.slice(url.protocol.length));
  const secure = scheme === 'wss:';
  const secrets = [...url.searchParams.values(), decodeURIComponent(url.password), decodeURIComponent(url.username)].filter((s) => s.length >= 4);
  return {
    url,
    shown: redactUrl(url.href),
    secure,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(url.port) || (secure ? 443 : 80),
    secrets,
  };
}

export function isIpLiteral(host: string): boolean {
  return isIP(host) !== 0;
}
