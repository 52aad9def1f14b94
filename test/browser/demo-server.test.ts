import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { WebSocket } from 'ws';
import { startDemoServer, type DemoServer } from '../support/demo-server.js';

/** A raw GET (no URL normalisation by a client), for paths a browser would tidy up first. */
function get(url: string, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a ws client; resolves with how the upgrade went: open, or the HTTP status it was refused with. */
function upgrade(url: string, origin?: string): Promise<{ ws: WebSocket; status: 101 } | { status: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { origin });
    ws.once('open', () => resolve({ ws, status: 101 }));
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
    });
    ws.once('error', reject);
  });
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

describe('the npm start server over HTTP and WebSocket', () => {
  let server: DemoServer;
  let wsUrl: string;

  beforeAll(async () => {
    server = await startDemoServer(['--max-message-bytes', '4096']);
    wsUrl = `ws://localhost:${server.port}/ws`;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('prints its help', async () => {
    const { execFileSync } = await import('node:child_process');
    const help = execFileSync('node_modules/.bin/tsx', ['demo/server/main.ts', '--help'], { encoding: 'utf8' });
    expect(help).toContain('--https');
    expect(help).toContain('--max-message-bytes N');
  });

  it('answers a missing file with a plain-text 404, never the page', async () => {
    // The last ones try to climb out of the served folders to the repository's package.json.
    for (const path of ['/nope.js', '/worklets/nope.processor.js', '/sdk/nope.js', '/nope', '/sdk/..%2f..%2fpackage.json', '/%2e%2e/package.json']) {
      const res = await get(server.url, path);
      expect(res, path).toMatchObject({ status: 404, type: 'text/plain; charset=utf-8', body: 'not found' });
    }
    expect(await get(server.url, '/%E0%A4%A.js')).toMatchObject({ status: 400, type: 'text/plain; charset=utf-8', body: 'bad path' });
  });

  it('serves the page as HTML and the SDK, its chunks and the page script as JavaScript', async () => {
    expect(await get(server.url, '/')).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
    const sdk = await get(server.url, '/sdk/voicewire.js');
    expect(sdk).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8' });
    expect(sdk.body).toContain('export');
    expect(await get(server.url, '/app.js')).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8' });
    expect(await get(server.url, '/worklets/voicewire.processor.js')).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8' });
    const chunk = /from\s*"\.\/(chunks\/[^"]+\.js)"|import\(\s*"\.\/(chunks\/[^"]+\.js)"\)/.exec(sdk.body);
    expect(chunk).not.toBeNull();
    expect(await get(server.url, `/sdk/${chunk![1] ?? chunk![2]}`)).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8' });
  });

  it('refuses a WebSocket upgrade from a foreign Origin with 403 and accepts its own origin', async () => {
    const from = server.lines.length;
    expect(await upgrade(wsUrl, 'http://evil.test')).toEqual({ status: 403 });
    await server.waitForLine(/refused 403 \/ws: Forbidden/, from);
    const own = await upgrade(wsUrl, `http://localhost:${server.port}`);
    expect(own.status).toBe(101);
    if ('ws' in own) {
      own.ws.close(1000);
      await closed(own.ws);
    }
  });

  it('closes a socket whose message is over --max-message-bytes with 1009', async () => {
    const opened = await upgrade(wsUrl);
    if (!('ws' in opened)) throw new Error(`upgrade refused: ${opened.status}`);
    const end = closed(opened.ws);
    opened.ws.send(new Uint8Array(4097));
    expect((await end).code).toBe(1009);
  });
});

describe('npm start server shutdown', () => {
  it('SIGTERM closes open sessions with 1001 and exits 0', async () => {
    const server = await startDemoServer();
    const sockets = await Promise.all(['/ws', '/api/chat'].map((path) => upgrade(`ws://localhost:${server.port}${path}`)));
    const ends = sockets.map((s) => {
      if (!('ws' in s)) throw new Error(`upgrade refused: ${s.status}`);
      return closed(s.ws);
    });
    expect(await server.stop('SIGTERM')).toBe(0);
    expect((await Promise.all(ends)).map((e) => e.code)).toEqual([1001, 1001]);
    expect(server.lines.some((l) => /SIGTERM: closing 2 session\(s\)/.test(l))).toBe(true);
  });
});
