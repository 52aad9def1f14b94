import type { IncomingHttpHeaders } from 'node:http';
import { redactSubprotocols } from '../errors/redact.js';
import { caddyWebSocket, nginxWebSocket } from './remedies.js';
import type { Target } from './target.js';
import { fail, type CheckResult } from './types.js';
import type { UpgradeRequest } from './upgrade.js';

const TITLE = 'Upgrade: the server switches to WebSocket (101)';

/** Turns a non-101 answer to the upgrade into the fault behind it and its fix. */
export function classifyRefusal(target: Target, req: UpgradeRequest, status: number, headers: IncomingHttpHeaders, body: string): CheckResult {
  const type = String(headers['content-type'] ?? '');
  const html = /html/i.test(type) || /^\s*<(?:!doctype|html)/i.test(body);
  const data = { status, contentType: type || undefined, server: headers.server, body: body.slice(0, 200) || undefined };
  const path = target.url.pathname;
  const seen = `HTTP ${status}${type ? ` (${type.split(';')[0]})` : ''}${headers.server ? ` from ${headers.server}` : ''}`;

  if ((status >= 200 && status < 300) || status === 426) {
    return fail('upgrade.proxy', TITLE,
      `${seen} instead of 101: ${html ? 'an HTML page' : 'a plain response'} — the request reached an HTTP handler, not the WebSocket server. ` +
        'This is what a reverse proxy that does not forward the Upgrade header, or an SPA fallback catching the socket path, answers.',
      `Make the proxy pass the upgrade to the voice server, before any try_files/index.html fallback.\n  nginx:\n${nginxWebSocket(path)}\n` +
        `  Caddy (v2 forwards upgrades by itself; the path must reach reverse_proxy):\n${caddyWebSocket(target.url.hostname, path)}\n  See voicewire's docs/deploy.md.`, data);
  }
  if (status >= 300 && status < 400) {
    const location = String(headers.location ?? '');
    return fail('upgrade.redirect', TITLE, `${seen} to ${location || '(no Location)'}: browsers do not follow redirects on a WebSocket upgrade.`,
      `Use the final URL directly${location ? ` (${location.replace(/^http/, 'ws')})` : ''}; an http→https redirect means the socket URL should be wss://.`, data);
  }
  if (status === 401) return fail('upgrade.auth', TITLE, `${seen}: the server wants credentials and ${describeCredentials(target, req)}.`, AUTH_REMEDY, data);
  if (status === 403 && req.origin) {
    return fail('upgrade.origin', TITLE, `${seen} for Origin ${req.origin}: the server's Origin check refuses pages from that origin (or the credentials).`,
      `Add ${req.origin} to the server's allowed origins (voicewire's local test server takes \`--allow-origin ${req.origin}\`; ` +
        'other servers: their allowed-origins / CORS setting), or serve the page from the same origin as the socket. ' +
        'A browser always sends Origin, so this refusal shows in the page only as 1006. If no Origin check applies, see the 401 advice: the token may be refused.', data);
  }
  if (status === 403) return fail('upgrade.forbidden', TITLE, `${seen} (no Origin sent): the credentials or this client's address are refused.`, AUTH_REMEDY, data);
  if (status === 404) {
    return fail('upgrade.path', TITLE, `${seen}: no WebSocket endpoint at ${path}.`,
      'Check the path (voicewire\'s local server: /ws; Moshi: /api/chat; Kyutai STT: /api/asr-streaming; TTS: /api/tts_streaming; realtime: /v1/realtime), ' +
        'and that a proxy forwards that path to the voice server.', data);
  }
  if (status === 502 || status === 504) {
    return fail('upgrade.upstream', TITLE, `${seen}: the proxy could not reach the voice server behind it.`,
      'Start the voice server, and check the proxy\'s upstream address and port (proxy_pass / reverse_proxy).', data);
  }
  if (status === 503 || status === 429) {
    return fail('upgrade.busy', TITLE, `${seen}: the server is overloaded or has no free session.`, 'Wait and retry, or add capacity.', data);
  }
  return fail('upgrade', TITLE, `${seen} instead of 101.`, 'Read the server\'s log for why it refused the upgrade; check the URL and any proxy in front of it.', data);
}

const AUTH_REMEDY = 'Check the token (expired? issued for another server?) and how it travels. Browsers cannot set headers, so from a page ' +
  'a token rides on the URL query (`?token=…`; Kyutai moshi-server: `?auth_id=…`), a cookie, or a subprotocol (voicewire: `auth: { token, via: \'subprotocol\' }`); ' +
  'Node clients may also send `Authorization: Bearer …` (doctor: `--header "Authorization: Bearer …"`). The server must look for the token where the client puts it.';

function describeCredentials(target: Target, req: UpgradeRequest): string {
  const query = [...target.url.searchParams.keys()].filter((k) => /token|auth|key|secret|jwt|session|sig/i.test(k));
  const headers = Object.keys(req.headers).filter((h) => /authorization|api-key|cookie/i.test(h));
  const parts = [
    ...(query.length > 0 ? [`query parameter ${query.join(', ')}`] : []),
    ...(headers.length > 0 ? [`header ${headers.join(', ')}`] : []),
    ...(redactSubprotocols(req.subprotocols).includes('[redacted]') ? ['a subprotocol'] : []),
  ];
  return parts.length > 0 ? `refused what this request carried (${parts.join('; ')}; values redacted)` : 'this request carried none (no token in the query, no Authorization header)';
}
