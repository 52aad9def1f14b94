import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { doctor } from '../../src/doctor/index.js';
import { htmlAssets, scriptAssets } from '../../src/doctor/asset-urls.js';
import { checkMixedContent } from '../../src/doctor/page-origin.js';
import type { CheckResult, DoctorReport } from '../../src/doctor/types.js';
import { makeCert, startFaultServer, type FaultServer } from '../support/doctor-servers.js';

const servers: FaultServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const failed = (r: DoctorReport): CheckResult[] => r.checks.filter((c) => !c.ok);
const byId = (r: DoctorReport, id: string): CheckResult[] => r.checks.filter((c) => c.id === id);

const PAGE = `<!doctype html><html><head>
<link rel="modulepreload" href="/assets/vendor.js">
<script type="module" src="/assets/app.js"></script>
<script>navigator.serviceWorker.register('/sw.js');</script>
</head><body></body></html>`;
const APP = `import './chunk.js';\nconst w = new URL('./voicewire.processor.js', import.meta.url);\nawait ctx.audioWorklet.addModule(w);`;
/** What Vite makes of the README's strict-CSP recipe (`import moduleUrl from '…/voicewire.processor.js?url'`). */
const VITE_APP = `import './chunk.js';\nconst moduleUrl = "/assets/voicewire.processor-D8xKq1Zb.js";\ncreateVoiceSession({ url: '/ws', engine: { moduleUrl } });`;

/** Serves PAGE and its scripts; `fallback` answers every other path with the page (an SPA's index.html rewrite). */
function site(options: { fallback: boolean; headers?: Record<string, string>; files?: Record<string, string> }) {
  const files: Record<string, string> = { '/assets/app.js': APP, '/assets/vendor.js': 'export {};', '/assets/chunk.js': 'export {};', '/assets/voicewire.processor.js': 'registerProcessor("c", class {});', '/sw.js': 'self.onfetch = null;', ...options.files };
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const body = path === '/' ? PAGE : files[path];
    if (path !== '/' && body !== undefined) {
      res.writeHead(200, { 'Content-Type': 'text/javascript' });
      return res.end(body);
    }
    if (path === '/' || options.fallback) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', ...options.headers });
      return res.end(PAGE);
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found');
  };
}

async function socketServer(): Promise<FaultServer> {
  const s = await startFaultServer({ connection: (ws) => ws.send(Buffer.from([0])) });
  servers.push(s);
  return s;
}

describe('doctor: the page', () => {
  it('finds the scripts a page names: tags, modulepreload, imports, new URL(…, import.meta.url), register, addModule, *.processor.js', () => {
    const page = new URL('https://app.example.com/voice/');
    const fromHtml = htmlAssets(PAGE, page).map((a) => `${a.kind} ${a.url.pathname}`);
    expect(fromHtml).toEqual(['module /assets/vendor.js', 'module /assets/app.js', 'service-worker /sw.js']);
    const fromJs = scriptAssets(APP + "\nimport('./lazy.js'); import x from 'bare-package'; new Worker('/w.js');", new URL('https://app.example.com/assets/app.js'), page)
      .map((a) => `${a.kind} ${a.url.pathname}`);
    expect(fromJs).toEqual(expect.arrayContaining(['module /assets/chunk.js', 'module /assets/voicewire.processor.js', 'module /assets/lazy.js', 'worker /w.js']));
    expect(fromJs.join()).not.toContain('bare-package');
    const fromVite = scriptAssets(VITE_APP, new URL('https://app.example.com/assets/index-Q1.js'), page).map((a) => `${a.kind} ${a.url.pathname}`);
    expect(fromVite).toEqual(['module /assets/chunk.js', 'worklet /assets/voicewire.processor-D8xKq1Zb.js']);
  });

  it('a healthy site: every script answers JavaScript, a missing one is a 404, COOP/COEP present', async () => {
    const socket = await socketServer();
    const web = await startFaultServer({ request: site({ fallback: false, headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } }) });
    servers.push(web);
    const r = await doctor(socket.wsUrl('/api/chat'), { page: web.httpUrl('/'), timeoutMs: 3000 });
    expect(failed(r)).toEqual([]);
    expect(byId(r, 'page.asset').map((c) => c.title)).toEqual(expect.arrayContaining([
      'Page: module /assets/app.js answers JavaScript', 'Page: service-worker /sw.js answers JavaScript',
      'Page: module /assets/chunk.js answers JavaScript', 'Page: module /assets/voicewire.processor.js answers JavaScript',
    ]));
    expect(byId(r, 'page.isolation')[0].status).toBe('pass');
    expect(byId(r, 'page.fallback')[0].detail).toMatch(/answered 404/);
  });

  it('an SPA server answering HTML for every path: each missing script is page.asset.html, and the fallback is flagged', async () => {
    const socket = await socketServer();
    const web = await startFaultServer({ request: site({ fallback: true, files: { '/sw.js': undefined as unknown as string, '/assets/voicewire.processor.js': undefined as unknown as string } }) });
    servers.push(web);
    const r = await doctor(socket.wsUrl('/api/chat'), { page: web.httpUrl('/'), timeoutMs: 3000 });
    const html = byId(r, 'page.asset.html');
    expect(html.map((c) => c.title)).toEqual(['Page: service-worker /sw.js answers JavaScript', 'Page: module /assets/voicewire.processor.js answers JavaScript']);
    expect(html[0].detail).toMatch(/200 text\/html: an HTML page instead of the script — an SPA\/service-worker fallback/);
    expect(html[0].remedy).toContain('try_files $uri =404;');
    expect(byId(r, 'page.fallback')[0].status).toBe('warn');
    expect(byId(r, 'page.fallback')[0].remedy).toMatch(/request\.mode === "navigate"/);
    expect(byId(r, 'page.isolation')[0].status).toBe('warn');
    expect(r.ok).toBe(false);
  });

  it('a CSP without wasm-unsafe-eval or the socket host fails those two with the source to add; self-hosted processors excuse a missing blob:', async () => {
    const socket = await socketServer();
    const web = await startFaultServer({ request: site({ fallback: false, headers: { 'Content-Security-Policy': "default-src 'self'; script-src 'self'" } }) });
    servers.push(web);
    const r = await doctor(socket.wsUrl('/api/chat'), { page: web.httpUrl('/'), timeoutMs: 3000 });
    const ids = failed(r).map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining(['page.csp.wasm', 'page.csp.connect']));
    expect(byId(r, 'page.csp.wasm')[0].remedy).toMatch(/Add 'wasm-unsafe-eval' to script-src/);
    expect(byId(r, 'page.csp.connect')[0].remedy).toBe(`Add ws://localhost:${socket.port} to connect-src.`);
    // The page self-hosts *.processor.js, so a CSP without blob: has a fallback.
    expect(byId(r, 'page.csp.blob')[0].detail).toMatch(/self-hosted \*\.processor\.js/);
    // The same when the bundler hashed the file's name (Vite's `?url`).
    const vite = await startFaultServer({ request: site({ fallback: false, files: { '/assets/app.js': VITE_APP, '/assets/voicewire.processor-D8xKq1Zb.js': 'registerProcessor("c", class {});' }, headers: { 'Content-Security-Policy': "default-src 'self'; script-src 'self'" } }) });
    servers.push(vite);
    const hashed = await doctor(socket.wsUrl('/api/chat'), { page: vite.httpUrl('/'), timeoutMs: 3000 });
    expect(byId(hashed, 'page.csp.blob')[0]).toMatchObject({ status: 'pass', detail: expect.stringMatching(/self-hosted \*\.processor\.js/) });
  });

  it('a CSP without blob: on a page that has no self-hosted processors fails page.csp.blob; the example CSP passes all three', async () => {
    const socket = await socketServer();
    const bare = { '/assets/app.js': "import './chunk.js';" };
    const strict = await startFaultServer({ request: site({ fallback: false, files: bare, headers: { 'Content-Security-Policy': "script-src 'self' 'wasm-unsafe-eval'" } }) });
    servers.push(strict);
    const r = await doctor(socket.wsUrl('/api/chat'), { page: strict.httpUrl('/'), timeoutMs: 3000 });
    expect(failed(r).map((c) => c.id)).toEqual(['page.csp.blob']);
    expect(byId(r, 'page.csp.blob')[0].remedy).toMatch(/Add blob: to script-src, or self-host the processors/);
    const good = await startFaultServer({ request: site({ fallback: false, files: bare, headers: { 'Content-Security-Policy': `default-src 'self'; script-src 'self' blob: 'wasm-unsafe-eval'; connect-src 'self' ws://localhost:${socket.port}` } }) });
    servers.push(good);
    const ok = await doctor(socket.wsUrl('/api/chat'), { page: good.httpUrl('/'), timeoutMs: 3000 });
    expect(ok.checks.filter((c) => c.id.startsWith('page.csp')).map((c) => c.status)).toEqual(['pass', 'pass', 'pass']);
  });

  it('an http page on a non-loopback host: page.secure fails with the ssh tunnel for that host and port and the https fix', async () => {
    const socket = await socketServer();
    const r = await doctor(socket.wsUrl('/api/chat'), { page: 'http://voice.test:8998/', timeoutMs: 2000 });
    const secure = byId(r, 'page.secure')[0];
    expect(secure.ok).toBe(false);
    expect(secure.detail).toMatch(/no microphone/);
    expect(secure.remedy).toContain('ssh -L 8998:localhost:8998 voice.test');
    expect(secure.remedy).toMatch(/https with a certificate the browser trusts for "voice\.test"/);
  });

  it('a page on another https server with a self-signed certificate: page.tls.self-signed; its scripts are still checked', async () => {
    const socket = await socketServer();
    const web = await startFaultServer({ tls: await makeCert(), request: site({ fallback: false }) });
    servers.push(web);
    const r = await doctor(socket.wsUrl('/api/chat'), { page: web.httpUrl('/'), timeoutMs: 3000 });
    expect(failed(r).map((c) => c.id)).toEqual(['page.tls.self-signed']);
    expect(byId(r, 'page.tls.self-signed')[0].title).toBe('Page TLS: the certificate is one a browser trusts');
    expect(byId(r, 'page.asset').length).toBeGreaterThanOrEqual(4);
  });

  it('an https page opening ws:// to another host is mixed content; loopback is allowed', () => {
    const page = new URL('https://app.example.com/');
    expect(checkMixedContent(page, new URL('ws://voice.example.com/ws')).remedy).toBe('Serve the socket over TLS and use wss://voice.example.com/ws (a reverse proxy in front of the voice server does it; see voicewire\'s docs/deploy.md).');
    expect(checkMixedContent(page, new URL('ws://localhost:8998/ws')).ok).toBe(true);
  });
});
