import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { doctor } from '../../src/doctor/index.js';
import { launchChromium, type BrowserSession } from '../support/browser.js';
import { startFaultServer, type FaultServer, type FaultServerOptions } from '../support/doctor-servers.js';

/**
 * docs/troubleshooting.md maps the lines users paste from Chromium's console to doctor checks. Each case here makes
 * Chromium print its line against a real server, then runs the doctor against the same server: if Chromium rewords
 * a message, or the doctor stops seeing the fault, the table is wrong and this fails.
 */
let session: BrowserSession;
const servers: FaultServer[] = [];
beforeAll(async () => {
  session = await launchChromium();
});
afterAll(async () => {
  await session?.close();
});
afterEach(async () => {
  session.pageErrors.length = 0;
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(options: FaultServerOptions): Promise<FaultServer> {
  const s = await startFaultServer(options);
  servers.push(s);
  return s;
}

/** A blank page (with optional headers) for the browser to stand on. */
function blankPage(headers: Record<string, string> = {}) {
  return (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'Content-Type': 'text/html', ...headers });
    res.end('<!doctype html><title>doctor</title>');
  };
}

/**
 * Opens a socket from the page and waits for it to end, or for Chromium's console line (a socket refused by CSP
 * never closes in Chromium 156); returns the page's console errors.
 */
async function consoleOf(url: string, protocols: string[] = []): Promise<string> {
  const logged = session.page.waitForEvent('console', { predicate: (m) => m.type() === 'error', timeout: 20_000 });
  const closed = session.page.evaluate(([u, p]) => {
    const ws = new WebSocket(u as string, p as string[]);
    return new Promise<void>((done) => (ws.onclose = () => done()));
  }, [url, protocols] as const);
  await Promise.race([closed, logged]);
  await logged;
  return session.pageErrors.join('\n');
}

describe('the browser messages of docs/troubleshooting.md, and the doctor check for each', () => {
  it('"Unexpected response code: 200" ↔ upgrade.proxy', async () => {
    const proxy = await serve({ ignoreUpgrade: true, request: blankPage() });
    await session.page.goto(proxy.httpUrl('/'));
    expect(await consoleOf(proxy.wsUrl('/ws'))).toContain('Error during WebSocket handshake: Unexpected response code: 200');
    expect((await doctor(proxy.wsUrl('/ws'), { timeoutMs: 3000 })).checks.map((c) => c.id)).toContain('upgrade.proxy');
  });

  it('"Unexpected response code: 403" for the page\'s Origin ↔ upgrade.origin', async () => {
    const server = await serve({ request: blankPage(), refuse: (req) => (req.headers.origin ? 403 : undefined) });
    await session.page.goto(server.httpUrl('/'));
    expect(await consoleOf(server.wsUrl('/ws'))).toContain('Error during WebSocket handshake: Unexpected response code: 403');
    const r = await doctor(server.wsUrl('/ws'), { page: server.httpUrl('/'), timeoutMs: 3000 });
    expect(r.checks.find((c) => c.id === 'upgrade.origin')?.detail).toContain(`for Origin http://localhost:${server.port}`);
  });

  it('"Sent non-empty \'Sec-WebSocket-Protocol\' header but no response was received" ↔ subprotocol', async () => {
    const server = await serve({ request: blankPage(), handleProtocols: () => false, connection: (ws) => ws.send(Buffer.from([0])) });
    await session.page.goto(server.httpUrl('/'));
    expect(await consoleOf(server.wsUrl('/ws'), ['voicewire.v1'])).toContain("Error during WebSocket handshake: Sent non-empty 'Sec-WebSocket-Protocol' header but no response was received");
    const r = await doctor(server.wsUrl('/ws'), { protocol: 'voicewire', timeoutMs: 3000 });
    expect(r.checks.find((c) => c.id === 'subprotocol')?.ok).toBe(false);
  });

  it('a CSP without \'wasm-unsafe-eval\' refuses WebAssembly ↔ page.csp.wasm; without the socket in connect-src ↔ page.csp.connect', async () => {
    const socket = await serve({ connection: (ws) => ws.send(Buffer.from([0])) });
    const csp = "default-src 'self'; script-src 'self' 'unsafe-inline' blob:";
    const web = await serve({ request: blankPage({ 'Content-Security-Policy': csp }) });
    await session.page.goto(web.httpUrl('/'));
    // The smallest module: "\0asm" and version 1 (WebAssembly core spec §5.5.16).
    const wasm = await session.page.evaluate(() => WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])).then(() => 'compiled', (e: Error) => `${e.name}: ${e.message}`));
    expect(wasm).toMatch(/^CompileError: WebAssembly\.compile\(\): Compiling or instantiating WebAssembly module violates the following Content Security policy directive because 'unsafe-eval' is not an allowed source of script/);
    expect(await consoleOf(socket.wsUrl('/ws'))).toMatch(/Connecting to 'ws:\/\/localhost:\d+\/ws' violates the following Content Security Policy directive: "default-src 'self'"\. Note that 'connect-src' was not explicitly set/);
    const r = await doctor(socket.wsUrl('/api/chat'), { page: web.httpUrl('/'), timeoutMs: 3000 });
    expect(r.checks.filter((c) => !c.ok).map((c) => c.id)).toEqual(expect.arrayContaining(['page.csp.wasm', 'page.csp.connect']));
  });
});
