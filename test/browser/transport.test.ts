import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type BrowserSession } from '../support/browser.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { startVoiceServer, until, type VoiceServer } from '../support/voice-server.js';
import type { Sdk } from '../support/sdk.js';

const TOKEN = 'sk-browser-SECRET-0123456789';
const PAGE = '/test/browser/fixtures/sdk.html';

interface PageResult { states: string[]; error: { code: string; message: string; remedy: string } | null; seen: string; audio: number[] }

/** Runs a Connection inside the page (the built dist/browser bundle) and returns plain data. */
async function connectInPage(session: BrowserSession, url: string, opts: { auth?: object; maxMessageBytes?: number; send?: boolean; subprotocols?: string[] }): Promise<PageResult> {
  return session.page.evaluate(async ({ url, opts }) => {
    const vw = (window as unknown as { voicewire: Sdk }).voicewire;
    const states: string[] = [];
    const seen: string[] = [];
    const audio: number[] = [];
    const conn = vw.createConnection({
      url, auth: opts.auth as never, maxMessageBytes: opts.maxMessageBytes, connectTimeoutMs: 5000, helloTimeoutMs: 5000,
      protocol: () => (opts.subprotocols ? Object.assign(vw.voicewire()(), { subprotocols: opts.subprotocols }) : vw.voicewire()()),
    });
    conn.on('state', (c) => { states.push(c.state); seen.push(JSON.stringify(c)); });
    conn.on('error', (e) => seen.push(String(e), JSON.stringify(e), e.stack ?? ''));
    conn.on('close', (i) => seen.push(JSON.stringify(i)));
    conn.on('audio', (e) => audio.push(...e.pcm));
    let error: PageResult['error'] = null;
    try {
      await conn.connect();
      if (opts.send) {
        conn.sendAudio(new Float32Array([0.5, -0.5]));
        await new Promise<void>((r) => { const t = setInterval(() => { if (audio.length > 0 || conn.state === 'closed') { clearInterval(t); r(); } }, 10); });
      }
      await new Promise<void>((r) => { const t = setInterval(() => { if (conn.state === 'closed' || opts.send) { clearInterval(t); r(); } }, 10); });
    } catch (e) {
      const v = e as { code: string; message: string; remedy: string };
      error = { code: v.code, message: v.message, remedy: v.remedy };
    }
    conn.close();
    return { states, error, seen: seen.join('\n'), audio };
  }, { url, opts });
}

describe('Connection in real Chromium (the same code as in Node)', () => {
  let http: TestServer;
  let session: BrowserSession;
  let echo: VoiceServer;
  beforeAll(async () => {
    http = await startTestServer();
    echo = await startVoiceServer({ echo: true });
    session = await launchChromium();
    await session.page.goto(`${http.origin('localhost')}${PAGE}`);
    await session.page.waitForFunction(() => (window as unknown as { voicewireReady?: boolean }).voicewireReady === true);
  });
  afterAll(async () => {
    await session?.close();
    await echo?.close();
    await http?.close();
  });

  it('opens, exchanges binary audio as ArrayBuffer, and puts the token on the query (browsers cannot send headers)', async () => {
    const r = await connectInPage(session, echo.url, { auth: { token: TOKEN }, send: true });
    expect(r.error).toBeNull();
    expect(r.states.slice(0, 3)).toEqual(['connecting', 'waiting', 'connected']);
    expect(r.audio).toEqual([Math.fround(16384 / 32767), -0.5]);
    expect(new URL(echo.upgrades.at(-1)?.url ?? '', 'http://x').searchParams.get('token')).toBe(TOKEN);
    expect(r.seen).not.toContain(TOKEN);
  });

  it('a server that does not echo the subprotocol: Chromium says only 1006, the error lists the causes (no certificate on ws://) and this socket\'s doctor command', async () => {
    const r = await connectInPage(session, `${echo.url}?token=${TOKEN}`, { subprotocols: ['other.v9'] });
    expect(r.error?.code).toBe('CONNECTION_FAILED');
    expect(r.error?.message).toMatch(/1006, no reason given/);
    expect(r.error?.message).toMatch(/server is down or unreachable.*the path has no WebSocket endpoint.*did not echo the subprotocol offered \(other\.v9\)/s);
    expect(r.error?.message).not.toMatch(/certificate/);
    expect(r.error?.remedy).toBe(`Run \`npx voicewire doctor '${echo.url}?token=[redacted]' --page ${http.origin('localhost')}\` ` +
      '(with the real credential in place of [redacted]) from a terminal to see which it is.');
    expect(r.seen).not.toContain(TOKEN);
  });

  it('a wrong path (Chromium: "Unexpected response code: 404") is the same 1006, and the path is among the causes', async () => {
    const paths: string[] = [];
    const app = createServer((_req, res) => res.writeHead(404).end());
    app.on('upgrade', (req: IncomingMessage, socket: Socket) => {
      paths.push(req.url ?? '');
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    try {
      const url = `ws://127.0.0.1:${(app.address() as AddressInfo).port}/no-such-endpoint`;
      const r = await connectInPage(session, url, {});
      expect(paths).toEqual(['/no-such-endpoint']);
      expect(r.error?.code).toBe('CONNECTION_FAILED');
      expect(r.error?.message).toMatch(/1006, no reason given.*the path has no WebSocket endpoint \(the server answers HTTP 404/s);
      expect(r.error?.remedy).toBe(`Run \`npx voicewire doctor ${url} --page ${http.origin('localhost')}\` from a terminal to see which it is.`);
    } finally {
      app.closeAllConnections();
      await new Promise((resolve) => app.close(resolve));
    }
  });

  it('header auth is refused before any socket exists', async () => {
    const before = echo.upgrades.length;
    const r = await connectInPage(session, echo.url, { auth: { token: TOKEN, via: 'header' } });
    expect(r.error?.code).toBe('INVALID_OPTION');
    expect(echo.upgrades.length).toBe(before);
    expect(r.seen).not.toContain(TOKEN);
  });

  it('an oversize message → PROTOCOL_ERROR; the browser closes with 4009 since it may not send 1009', async () => {
    const big = await startVoiceServer({ onConnection: (ws) => ws.on('message', () => setTimeout(() => ws.send(new Uint8Array(4096)), 20)) });
    try {
      const r = await connectInPage(session, big.url, { maxMessageBytes: 1024 });
      expect(r.seen).toMatch(/PROTOCOL_ERROR/);
      expect(r.seen).toMatch(/over the 1024-byte limit/);
      await until(() => big.closeCodes.length === 1);
      expect(big.closeCodes).toEqual([4009]);
    } finally {
      await big.close();
    }
  });
});
