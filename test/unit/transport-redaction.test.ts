import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ErrorCode, VoicewireError } from '../../src/errors/errors.js';
import { voicewire } from '../../src/protocols/voicewire/voicewire.js';
import { applyAuth, isRfc7230Token, type AuthOptions } from '../../src/transport/auth.js';
import { Connection, type ConnectionOptions } from '../../src/transport/connection.js';
import { startVoiceServer, until } from '../support/voice-server.js';
import { cleanupAfterEach } from '../support/cleanup.js';

const TOKEN = 'sk-live-SECRET-0123456789abcdef';
const { cleanup } = cleanupAfterEach();

/** Every payload a connection emitted, deeply stringified (errors with message, remedy, stack, details, cause). */
function record(conn: Connection): string[] {
  const seen: string[] = [];
  const dump = (v: unknown): void => {
    if (v instanceof VoicewireError) {
      seen.push(String(v), JSON.stringify(v), v.stack ?? '', JSON.stringify(v.details));
      if (v.cause !== undefined) dump(v.cause);
    } else if (v instanceof Error) seen.push(v.name, v.message, v.stack ?? '');
    else seen.push(JSON.stringify(v, (_k, x: unknown) => (x instanceof VoicewireError ? x.toJSON() : x)) ?? String(v));
  };
  for (const name of ['state', 'ready', 'text', 'metadata', 'error', 'close', 'end', 'marker', 'speech'] as const) {
    conn.on(name, (...args: unknown[]) => args.forEach(dump));
  }
  return seen;
}

async function run(options: Partial<ConnectionOptions> & { url: string }): Promise<{ error: VoicewireError | undefined; seen: string[] }> {
  const conn = new Connection({ protocol: voicewire(), connectTimeoutMs: 300, helloTimeoutMs: 300, ...options });
  cleanup(() => conn.close());
  const seen = record(conn);
  let error: VoicewireError | undefined;
  await conn.connect().catch((e: VoicewireError) => { error = e; });
  if (error) seen.push(String(error), JSON.stringify(error), error.stack ?? '');
  return { error, seen };
}

describe('auth placement', () => {
  it('Node sends the token as a header by default; query and subprotocol on request — and it reaches the server', async () => {
    const s = await startVoiceServer({ onConnection: () => {} });
    cleanup(() => s.close());
    await run({ url: s.url, auth: { token: TOKEN } });
    await run({ url: s.url, auth: { token: TOKEN, header: 'kyutai-api-key' } });
    await run({ url: s.url, auth: { token: TOKEN, via: 'query', queryParam: 'auth_id' } });
    await run({ url: s.url, auth: { token: TOKEN, via: 'subprotocol', subprotocolPrefix: 'bearer.' } });
    const [h, k, q, p] = s.upgrades;
    expect(h.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(k.headers['kyutai-api-key']).toBe(TOKEN);
    expect(new URL(q.url ?? '', 'http://x').searchParams.get('auth_id')).toBe(TOKEN);
    expect(p.headers['sec-websocket-protocol']).toBe(`voicewire.v1,bearer.${TOKEN}`);
  });

  it('refuses a token that is not an RFC 7230 token before any socket exists (a browser would throw SyntaxError quoting it)', async () => {
    const s = await startVoiceServer();
    cleanup(() => s.close());
    const { error, seen } = await run({ url: s.url, auth: { token: `Bearer ${TOKEN}`, via: 'subprotocol' } });
    expect(error?.code).toBe(ErrorCode.INVALID_OPTION);
    expect(error?.message).toMatch(/RFC 7230/);
    expect(s.upgrades).toHaveLength(0);
    expect(seen.join('\n')).not.toContain(TOKEN);
    expect(isRfc7230Token('openai-insecure-api-key.abc_123')).toBe(true);
    for (const bad of ['a b', 'a,b', 'a/b', '', 'é', 'a"b']) expect(isRfc7230Token(bad)).toBe(false);
  });

  it('refuses header auth where headers cannot be sent (browsers)', () => {
    const auth: AuthOptions = { token: TOKEN, via: 'header' };
    expect(() => applyAuth(new URL('ws://h/x'), [], auth, false)).toThrow(/Browsers cannot send headers/);
    expect(applyAuth(new URL('ws://h/x'), [], { token: TOKEN }, false).url.searchParams.get('token')).toBe(TOKEN);
  });
});

describe('the token never appears in an error, event or state payload', () => {
  const routes: AuthOptions[] = [
    { token: TOKEN, via: 'query' }, { token: TOKEN, via: 'header' }, { token: TOKEN, via: 'subprotocol', subprotocolPrefix: 'k.' },
  ];

  it.each(routes)('HTTP 401 on upgrade, via %o', async (auth) => {
    const s = await startVoiceServer({ refuseWith: 401 });
    cleanup(() => s.close());
    const { error, seen } = await run({ url: `${s.url}?model=x`, auth });
    expect(error?.code).toBe(ErrorCode.AUTH_REJECTED);
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.join('\n')).not.toContain(TOKEN);
  });

  it.each(routes)('connection refused, timeout, no hello and a close reason echoing the token, via %o', async (auth) => {
    const s = await startVoiceServer();
    await s.close();
    const refused = await run({ url: s.url, auth });
    expect(refused.error?.code).toBe(ErrorCode.CONNECTION_FAILED);

    const held: Socket[] = [];
    const tcp = createServer((sock) => held.push(sock));
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
    cleanup(() => new Promise<void>((r) => { held.forEach((h) => h.destroy()); tcp.close(() => r()); }));
    const timeout = await run({ url: `ws://127.0.0.1:${(tcp.address() as AddressInfo).port}/`, auth });
    expect(timeout.error?.code).toBe(ErrorCode.CONNECTION_TIMEOUT);

    const silent = await startVoiceServer({ hello: false });
    cleanup(() => silent.close());
    const busy = await run({ url: silent.url, auth });
    expect(busy.error?.code).toBe(ErrorCode.SERVER_BUSY);

    const echo = await startVoiceServer({ hello: false, onConnection: (ws) => ws.close(4401, `bad token ${TOKEN}`) });
    cleanup(() => echo.close());
    const rejected = await run({ url: echo.url, auth });
    expect(rejected.error?.code).toBe(ErrorCode.AUTH_REJECTED);

    const all = [...refused.seen, ...timeout.seen, ...busy.seen, ...rejected.seen].join('\n');
    expect(all).toContain('[redacted]');
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain(encodeURIComponent(TOKEN));
  });

  it('server text, metadata and error messages that echo the token are scrubbed', async () => {
    const s = await startVoiceServer({
      onConnection: (ws) => ws.on('message', (d, bin) => {
        if (bin || !/hello/.test(String(d))) return;
        ws.send(JSON.stringify({ type: 'text', text: `you said ${TOKEN}`, source: 'transcript', final: true }));
        ws.send(JSON.stringify({ type: 'error', code: 'X', message: `token ${TOKEN} expired`, fatal: true }));
      }),
    });
    cleanup(() => s.close());
    const conn = new Connection({ url: s.url, protocol: voicewire(), auth: { token: TOKEN, via: 'query' } });
    cleanup(() => conn.close());
    const seen = record(conn);
    await conn.connect();
    await until(() => conn.state === 'closed', 5000, 'fatal server error');
    expect(seen.join('\n')).toMatch(/you said \[redacted\]/);
    expect(seen.join('\n')).not.toContain(TOKEN);
  });
});
