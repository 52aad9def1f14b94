import { ErrorCode, VoicewireError } from '../errors/errors.js';
import { isRfc7230Token } from '../errors/redact.js';

/** How a credential reaches the server. Whatever the route, the token never appears in an error, event or log. */
export interface AuthOptions {
  token: string;
  /**
   * `header` (Node only: browsers cannot set headers), `query` (`?token=…`, the only route every server and browser
   * supports) or `subprotocol` (a bearer token in `Sec-WebSocket-Protocol`, e.g. OpenAI's
   * `openai-insecure-api-key.` prefix). Default: `header` where the socket can send headers, else `query`.
   */
  via?: 'header' | 'query' | 'subprotocol';
  /** Query parameter name. Default `token` (Kyutai's moshi-server wants `auth_id`). */
  queryParam?: string;
  /** Header name. Default `Authorization` (value `Bearer <token>`); any other header carries the bare token. */
  header?: string;
  /** Prepended to the token to make the subprotocol. Default ''. */
  subprotocolPrefix?: string;
}

export interface AuthedRequest {
  url: URL;
  protocols: string[];
  headers: Record<string, string>;
  /** Literal secrets for every error built for this connection. */
  secrets: string[];
}

// What a browser accepts as a subprotocol: one definition, shared with the redaction of subprotocol-shaped values.
export { isRfc7230Token };

/**
 * Places the credential on the request. Validates before any socket exists, so a bad token fails here with a
 * VoicewireError rather than as a browser SyntaxError that would quote it.
 */
export function applyAuth(url: URL, protocols: readonly string[], auth: AuthOptions | undefined, canSendHeaders: boolean): AuthedRequest {
  const out: AuthedRequest = { url: new URL(url.href), protocols: [...protocols], headers: {}, secrets: [] };
  if (auth === undefined) return out;
  const token = auth.token;
  if (typeof token !== 'string' || token.length === 0) throw invalid('The auth token is empty.', 'Pass the token string as `auth.token`, or leave `auth` out.');
  out.secrets.push(token, encodeURIComponent(token));
  const via = auth.via ?? (canSendHeaders ? 'header' : 'query');
  if (via === 'header') {
    if (!canSendHeaders) {
      throw invalid('Browsers cannot send headers on a WebSocket, so `auth.via: "header"` cannot work here.',
        'Use `auth.via: "query"` (e.g. `queryParam: "auth_id"` for Kyutai servers) or `"subprotocol"`, or mint a short-lived token on your backend.');
    }
    if (/[\r\n\0]/.test(token)) throw invalid('The auth token contains a line break or NUL, which no HTTP header may carry.', 'Check how the token was read (a trailing newline from a file or an env var?).');
    const header = auth.header ?? 'Authorization';
    out.headers[header] = /^authorization$/i.test(header) ? `Bearer ${token}` : token;
  } else if (via === 'query') {
    out.url.searchParams.set(auth.queryParam ?? 'token', token);
  } else {
    const protocol = `${auth.subprotocolPrefix ?? ''}${token}`;
    if (!isRfc7230Token(protocol)) {
      throw invalid('The token cannot travel as a WebSocket subprotocol: it has characters outside the RFC 7230 token set (a browser would throw SyntaxError).',
        'Use `auth.via: "query"`, or a token made of letters, digits and !#$%&\'*+-.^_`|~ only (no spaces, no "Bearer " prefix).');
    }
    out.protocols.push(protocol);
  }
  return out;
}

function invalid(message: string, remedy: string): VoicewireError {
  return new VoicewireError({ code: ErrorCode.INVALID_OPTION, message, remedy, details: { option: 'auth' } });
}
