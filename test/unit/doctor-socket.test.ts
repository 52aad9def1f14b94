import { encode } from '@msgpack/msgpack';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { doctor } from '../../src/doctor/index.js';
import { voicewire } from '../../src/protocols/voicewire/index.js';
import type { CheckResult, DoctorReport } from '../../src/doctor/types.js';
import { startFaultServer, type FaultServer, type FaultServerOptions } from '../support/doctor-servers.js';

let server: FaultServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
const start = async (options: FaultServerOptions) => (server = await startFaultServer(options));
const byId = (r: DoctorReport, id: string): CheckResult | undefined => r.checks.find((c) => c.id === id);
const failedIds = (r: DoctorReport) => r.checks.filter((c) => !c.ok).map((c) => c.id);

/** A minimal voicewire server: answers the client hello and pings (docs/protocol.md). */
function voicewireServer(ws: WebSocket): void {
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    const m = JSON.parse(data.toString()) as { type: string; id?: number; t?: number };
    if (m.type === 'hello') ws.send(JSON.stringify({ type: 'hello', protocol: 'voicewire', version: 1, role: 'server', audio: { sampleRate: 24000, channels: 1, format: 's16le', frameMs: 20 } }));
    if (m.type === 'ping') ws.send(JSON.stringify({ type: 'pong', id: m.id, t: m.t }));
  });
}

describe('doctor: the socket', () => {
  it('a plain ws voicewire server passes every check: hello sniffed, subprotocol echoed, both pings answered', async () => {
    await start({ connection: voicewireServer });
    const r = await doctor(server!.wsUrl('/ws'), { protocol: 'voicewire', timeoutMs: 3000 });
    expect(failedIds(r)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.checks.map((c) => c.id)).toEqual(['dns', 'tcp', 'upgrade', 'subprotocol', 'first-message', 'ping.frame', 'ping.protocol']);
    expect(byId(r, 'subprotocol')?.detail).toBe('Offered voicewire.v1; the server chose "voicewire.v1".');
    expect(byId(r, 'first-message')?.detail).toMatch(/^voicewire hello \(version 1\) after \d+ ms in answer to the voicewire client hello/);
    expect(r.detectedProtocol).toBe('voicewire');
  });

  it('nothing listening: tcp fails with ECONNREFUSED and the fix says start the server or bind 0.0.0.0', async () => {
    await start({});
    const port = server!.port;
    await server!.close();
    server = undefined;
    const r = await doctor(`ws://127.0.0.1:${port}/ws`, { timeoutMs: 2000 });
    expect(failedIds(r)).toEqual(['tcp']);
    expect(byId(r, 'tcp')?.detail).toMatch(/ECONNREFUSED/);
    expect(byId(r, 'tcp')?.remedy).toMatch(/--host 0\.0\.0\.0/);
  });

  it('a proxy that drops Upgrade (answers 200 HTML): upgrade.proxy with the nginx and Caddy lines', async () => {
    await start({
      ignoreUpgrade: true,
      request: (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/html', Server: 'nginx' });
        res.end('<!doctype html><html><body>app</body></html>');
      },
    });
    const r = await doctor(server!.wsUrl('/ws'), { timeoutMs: 3000 });
    expect(failedIds(r)).toEqual(['upgrade.proxy']);
    const proxy = byId(r, 'upgrade.proxy')!;
    expect(proxy.detail).toMatch(/^HTTP 200 \(text\/html\) from nginx instead of 101: an HTML page/);
    expect(proxy.remedy).toContain('proxy_set_header Upgrade $http_upgrade;');
    expect(proxy.remedy).toContain('proxy_set_header Connection "upgrade";');
    expect(proxy.remedy).toContain('proxy_read_timeout 3600s;');
    expect(proxy.remedy).toContain('location /ws {');
    expect(proxy.remedy).toMatch(/handle \/ws\* \{\n {12}reverse_proxy 127\.0\.0\.1:8998/);
  });

  it('an Origin-checking server (403): upgrade.origin names the origin and the local server\'s --allow-origin', async () => {
    await start({ refuse: (req) => (req.headers.origin === 'https://app.example.com' ? 403 : undefined), connection: voicewireServer });
    const r = await doctor(server!.wsUrl('/ws'), { origin: 'https://app.example.com', timeoutMs: 3000 });
    expect(failedIds(r)).toEqual(['upgrade.origin']);
    expect(byId(r, 'upgrade.origin')?.detail).toMatch(/HTTP 403 for Origin https:\/\/app\.example\.com/);
    expect(byId(r, 'upgrade.origin')?.remedy).toContain('--allow-origin https://app.example.com');
    // The control: without the Origin the same server lets the socket through.
    expect((await doctor(server!.wsUrl('/ws'), { timeoutMs: 3000, protocol: 'voicewire' })).ok).toBe(true);
  });

  it('a 401 server: upgrade.auth says which credential was sent (never its value) and how tokens travel', async () => {
    await start({ refuse: () => 401 });
    const r = await doctor(server!.wsUrl('/ws?token=sk-live-4242secret'), { headers: { Authorization: 'Bearer hdr-9999secret' }, timeoutMs: 3000 });
    expect(failedIds(r)).toEqual(['upgrade.auth']);
    const auth = byId(r, 'upgrade.auth')!;
    expect(auth.detail).toMatch(/refused what this request carried \(query parameter token; header Authorization; values redacted\)/);
    expect(auth.remedy).toMatch(/\?token=…/);
    expect(auth.remedy).toMatch(/via: 'subprotocol'/);
    expect(auth.remedy).toMatch(/Authorization: Bearer/);
    const text = JSON.stringify(r);
    expect(text).not.toContain('4242secret');
    expect(text).not.toContain('9999secret');
    expect(r.url).toBe(`ws://localhost:${server!.port}/ws?token=[redacted]`);
  });

  it('a subprotocol not echoed: the subprotocol check fails with the 1006 explanation; the rest is still checked', async () => {
    await start({ handleProtocols: () => false, connection: voicewireServer });
    const r = await doctor(server!.wsUrl('/ws'), { protocol: 'voicewire', timeoutMs: 3000 });
    expect(failedIds(r)).toEqual(['subprotocol']);
    expect(byId(r, 'subprotocol')?.detail).toBe('Offered voicewire.v1; the server chose none.');
    expect(byId(r, 'subprotocol')?.remedy).toMatch(/Browsers close such a socket at once with 1006/);
    expect(byId(r, 'first-message')?.ok).toBe(true);
  });

  it('no --protocol: /ws is guessed as voicewire and an unknown path defaults to it, so both offer voicewire.v1 and catch the missing echo', async () => {
    await start({ handleProtocols: () => false, connection: voicewireServer });
    for (const path of ['/ws', '/voice']) {
      const r = await doctor(server!.wsUrl(path), { timeoutMs: 3000 });
      expect(failedIds(r)).toEqual(['subprotocol']);
      expect(byId(r, 'subprotocol')?.detail).toBe(`Offered ${voicewire()().subprotocols.join(', ')}; the server chose none.`);
      expect(byId(r, 'first-message')?.ok).toBe(true);
      expect(r.detectedProtocol).toBe('voicewire');
    }
  });

  it('no --protocol, an unknown path, a Moshi server (no subprotocol): judged by Moshi\'s offer (none), not by the default\'s', async () => {
    await start({ handleProtocols: () => false, connection: (ws) => ws.send(Buffer.from([0x00])) });
    const r = await doctor(server!.wsUrl('/voice'), { timeoutMs: 3000 });
    expect(failedIds(r)).toEqual([]);
    expect(byId(r, 'subprotocol')?.detail).toBe('None offered, none chosen.');
    expect(r.detectedProtocol).toBe('moshi');
  });

  it('a server that never greets: first-message.silent after the timeout, naming the busy Moshi server and the Realtime wait', async () => {
    await start({ connection: () => {} });
    const r = await doctor(server!.wsUrl('/api/chat'), { timeoutMs: 800 });
    expect(failedIds(r)).toEqual(['first-message.silent']);
    expect(byId(r, 'first-message.silent')?.detail).toBe('The socket opened but the server sent nothing within 800 ms.');
    expect(byId(r, 'first-message.silent')?.remedy).toMatch(/one session at a time/);
    expect(byId(r, 'first-message.silent')?.remedy).toMatch(/session\.update/);
  });

  it('a server that speaks another protocol than expected: first-message.protocol names both and the import to use', async () => {
    await start({ connection: (ws) => ws.send(Buffer.from([0x00])) });
    const r = await doctor(server!.wsUrl('/ws'), { protocol: 'voicewire', subprotocols: [], timeoutMs: 3000 });
    expect(failedIds(r)).toEqual(['first-message.protocol']);
    expect(byId(r, 'first-message.protocol')?.detail).toMatch(/speaks moshi \(Moshi handshake .*\), the client expects voicewire/);
    expect(byId(r, 'first-message.protocol')?.remedy).toContain('voicewire/protocols/moshi');
  });

  it('Kyutai\'s MessagePack Ready and a Realtime session.updated are recognised without --protocol', async () => {
    await start({ connection: (ws) => ws.send(encode({ type: 'Ready' })) });
    const kyutai = await doctor(server!.wsUrl('/api/asr-streaming'), { timeoutMs: 3000 });
    expect(kyutai.detectedProtocol).toBe('kyutai');
    expect(byId(kyutai, 'first-message')?.detail).toMatch(/^MessagePack Ready after/);
    await server!.close();
    await start({ connection: (ws) => ws.on('message', () => ws.send(JSON.stringify({ type: 'session.updated', session: {} }))) });
    const realtime = await doctor(server!.wsUrl('/v1/realtime'), { timeoutMs: 4000 });
    expect(realtime.detectedProtocol).toBe('realtime');
    expect(byId(realtime, 'first-message')?.detail).toMatch(/Realtime session\.updated event .* in answer to a Realtime session\.update/);
  });

  it('a server that says busy first: first-message.error quotes it and advises retry', async () => {
    await start({ connection: (ws) => ws.send(encode({ type: 'Error', message: 'no free channels' })) });
    const r = await doctor(server!.wsUrl('/api/asr-streaming'), { timeoutMs: 3000 });
    expect(failedIds(r)).toEqual(['first-message.error']);
    expect(byId(r, 'first-message.error')?.detail).toMatch(/"no free channels"/);
    expect(byId(r, 'first-message.error')?.remedy).toMatch(/no free session/);
  });

  it('a server that closes with 4429 before greeting: first-message.closed with the busy fix', async () => {
    await start({ connection: (ws) => ws.close(4429, 'server busy') });
    const r = await doctor(server!.wsUrl('/api/chat'), { timeoutMs: 3000 });
    expect(failedIds(r)).toEqual(['first-message.closed']);
    expect(byId(r, 'first-message.closed')?.detail).toMatch(/closed the socket \(4429 "server busy"\)/);
  });

  it('a URL that is not a socket URL is one failed check, not an exception', async () => {
    const r = await doctor('ftp://x/?token=abcdef123');
    expect(r.ok).toBe(false);
    expect(r.checks.map((c) => c.id)).toEqual(['url']);
    expect(JSON.stringify(r)).not.toContain('abcdef123');
  });
});
