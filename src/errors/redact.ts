/**
 * Secrets must never reach an error message, an event or a log line. Everything that turns a URL, a header or a
 * subprotocol into text for a person goes through here.
 */

const REDACTED = '[redacted]';

/** Query parameters whose value is a credential in the servers we talk to (Kyutai, Moshi backends, OpenAI-style). */
const SECRET_PARAM = /^(?:token|access_token|auth|auth_id|authorization|api[_-]?key|key|secret|password|pass|sig|signature|jwt|session|worker_auth_id|email|client_secret)$/i;

/** Header names that carry credentials. */
const SECRET_HEADER = /^(?:authorization|proxy-authorization|cookie|set-cookie|x-api-key|kyutai-api-key|api-key|openai-insecure-api-key)$/i;

/**
 * Replaces credentials in a URL: user info, secret query parameters and a fragment (some SDKs carry tokens there).
 * Works on absolute and relative URLs and never throws: text that is not a URL is returned unchanged.
 */
export function redactUrl(url: string): string {
  let out = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@?#]*@/i, `$1${REDACTED}@`);
  out = out.replace(/([?&])([^=&#]+)=([^&#]*)/g, (whole, sep: string, name: string) =>
    SECRET_PARAM.test(decodeSafe(name)) ? `${sep}${name}=${REDACTED}` : whole,
  );
  return out.replace(/#.+$/, `#${REDACTED}`);
}

/**
 * Subprotocols that carry a credential by construction (RFC 6455 §1.9 allows any token there, and browsers cannot
 * send headers, so bearer tokens ride here): OpenAI's `openai-insecure-api-key.<key>`, the `bearer.<token>` and
 * `token.<token>` conventions. Protocols add their own with {@link registerSecretSubprotocol}.
 */
const SECRET_SUBPROTOCOL_PREFIXES = new Set(['openai-insecure-api-key.', 'bearer.', 'token.', 'auth.', 'base64url.bearer.authorization.']);

/** Declares a subprotocol prefix whose remainder is a credential (a protocol module names its own). */
export function registerSecretSubprotocol(prefix: string): void {
  SECRET_SUBPROTOCOL_PREFIXES.add(prefix.toLowerCase());
}

/** Whether a subprotocol carries a secret: it contains a known token, or starts with a credential-carrying prefix. */
export function isSecretSubprotocol(protocol: string, secrets: readonly string[] = []): boolean {
  const lower = protocol.toLowerCase();
  for (const prefix of SECRET_SUBPROTOCOL_PREFIXES) if (lower.startsWith(prefix)) return true;
  return secrets.some((secret) => secret.length >= 4 && protocol.includes(secret));
}

/** Hides the subprotocols that carry credentials; protocol names (`realtime`, `voicewire.v1`) stay readable. */
export function redactSubprotocols(protocols: readonly string[], secrets: readonly string[] = []): string[] {
  return protocols.map((p) => (isSecretSubprotocol(p, secrets) ? REDACTED : p));
}

export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = SECRET_HEADER.test(name) ? REDACTED : value;
  return out;
}

/**
 * Scrubs free text (a browser message, a server's close reason) of URLs with secrets and of the given literal
 * secrets, which callers register once they know them (the token they were handed).
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(/\b(?:wss?|https?):\/\/[^\s'"<>)]+/gi, (u) => redactUrl(u));
  out = out.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, `$1 ${REDACTED}`);
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  return out;
}

/**
 * Field names whose value is a credential wherever they appear. Deliberately narrow: names that also mean something
 * harmless (`protocol`, `session`, `key`, `email`) are judged by their value, not their name.
 */
const SECRET_FIELD = /^(?:token|access_?token|refresh_?token|api_?key|apikey|client_?secret|secret|password|authorization|jwt|auth_?id|worker_?auth_?id|cookie)$/i;

/**
 * Deep-redacts plain data (error details, event payloads) by what is secret: strings by {@link redactText} (URLs
 * with credentials, bearer tokens, the known secrets), subprotocol lists by {@link redactSubprotocols}, header maps
 * by header name, and fields whose name can only mean a credential.
 */
export function redactValue<T>(value: T, secrets: readonly string[] = []): T {
  return redactAny(value, secrets, 0) as T;
}

/** RFC 7230 §3.2.6 `token`: the shape of a subprotocol (a browser throws SyntaxError for anything else). */
const RFC7230_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function isRfc7230Token(value: string): boolean {
  return RFC7230_TOKEN.test(value);
}

function redactAny(value: unknown, secrets: readonly string[], depth: number, key = ''): unknown {
  if (typeof value === 'string') {
    // A single token (no spaces) that is a credential-carrying subprotocol goes whole; free text only loses the secret.
    if (SECRET_FIELD.test(key) || SECRET_HEADER.test(key) || (isRfc7230Token(value) && isSecretSubprotocol(value, secrets))) return REDACTED;
    return redactText(value, secrets);
  }
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactAny(v, secrets, depth + 1, key));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  if (/^headers$/i.test(key)) return redactAny(redactHeaders(value as Record<string, string>), secrets, depth + 1);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = redactAny(v, secrets, depth + 1, k);
  return out;
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
