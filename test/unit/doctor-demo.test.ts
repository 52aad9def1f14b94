import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { doctor } from '../../src/doctor/index.js';
import { startDemoServer, type DemoServer } from '../support/demo-server.js';

let demo: DemoServer | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await demo?.stop();
  demo = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('doctor against the local demo server (npm start)', () => {
  it('/ws and the demo page: every check passes (voicewire.v1 echoed, hello, both pings), the SDK bundle and its lazy chunks served as JavaScript', async () => {
    demo = await startDemoServer();
    const r = await doctor(`ws://localhost:${demo.port}/ws`, { page: `${demo.url}/`, protocol: 'voicewire', timeoutMs: 10_000 });
    expect(r.checks.filter((c) => !c.ok)).toEqual([]);
    expect(r.detectedProtocol).toBe('voicewire');
    const assets = r.checks.filter((c) => c.id === 'page.asset').map((c) => c.title);
    expect(assets).toContain('Page: module /sdk/voicewire.js answers JavaScript');
    expect(assets.some((t) => /\/sdk\/chunks\/opus-decoder-.*\.js/.test(t))).toBe(true);
    expect(r.checks.find((c) => c.id === 'ping.protocol')?.ok).toBe(true);
    expect(r.checks.find((c) => c.id === 'page.isolation')?.status).toBe('pass');
  });

  it('/api/chat is recognised as Moshi; a foreign page origin gets upgrade.origin with the server\'s own --allow-origin fix, which then works', async () => {
    demo = await startDemoServer();
    const moshi = await doctor(`ws://localhost:${demo.port}/api/chat`, { timeoutMs: 10_000 });
    expect(moshi.ok).toBe(true);
    expect(moshi.detectedProtocol).toBe('moshi');
    const refused = await doctor(`ws://localhost:${demo.port}/ws`, { origin: 'https://app.example.com', timeoutMs: 10_000 });
    expect(refused.checks.filter((c) => !c.ok).map((c) => c.id)).toEqual(['upgrade.origin']);
    const remedy = refused.checks.find((c) => c.id === 'upgrade.origin')!.remedy!;
    expect(remedy).toContain('--allow-origin https://app.example.com');
    await demo.stop();
    demo = await startDemoServer(['--allow-origin', 'https://app.example.com']);
    expect((await doctor(`ws://localhost:${demo.port}/ws`, { origin: 'https://app.example.com', timeoutMs: 10_000 })).ok).toBe(true);
  });

  it('--https: its self-signed certificate is diagnosed as such, and the voicewire server behind it still checked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'voicewire-doctor-tls-'));
    dirs.push(dir);
    demo = await startDemoServer(['--https'], { VOICEWIRE_TLS_DIR: dir });
    const r = await doctor(`wss://localhost:${demo.port}/ws`, { page: `${demo.url}/`, protocol: 'voicewire', timeoutMs: 10_000 });
    expect(r.checks.filter((c) => !c.ok).map((c) => c.id)).toEqual(['tls.self-signed']);
    expect(r.detectedProtocol).toBe('voicewire');
  });
});
