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

/** Hides every subprotocol but well-known protocol names: browsers carry bearer tokens as subprotocols. */
export function redactSubprotocols(protocols: readonly string[]): string[] {
  return protocols.map((p) => (KNOWN_SUBPROTOCOLS.has(p) ? p : REDACTED));
}

const KNOWN_SUBPROTOCOLS = new Set(['realtime', 'voicewire.v1', 'json', 'msgpack']);

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

/** Deep-redacts plain data (error details): strings by {@link redactText}, keys that name credentials wholesale. */
export function redactValue<T>(value: T, secrets: readonly string[] = []): T {
  return redactAny(value, secrets, 0) as T;
}

function redactAny(value: unknown, secrets: readonly string[], depth: number): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactAny(v, secrets, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_HEADER.test(k) || SECRET_PARAM.test(k) || /^(?:protocols?|subprotocols?|headers)$/i.test(k)
      ? redactField(k, v)
      : redactAny(v, secrets, depth + 1);
  }
  return out;
}

function redactField(key: string, value: unknown): unknown {
  if (/^(?:protocols?|subprotocols?)$/i.test(key)) {
    if (Array.isArray(value)) return redactSubprotocols(value.map(String));
    if (typeof value === 'string') return redactSubprotocols([value])[0];
  }
  if (/^headers$/i.test(key) && value !== null && typeof value === 'object') {
    return redactHeaders(value as Record<string, string>);
  }
  return REDACTED;
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
