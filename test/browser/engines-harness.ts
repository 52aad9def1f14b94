import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { expect } from 'vitest';
import { WebSocketServer } from 'ws';
import { moshiEndpoint } from '../../demo/server/moshi-endpoint.js';
import { pcmEndpoint } from '../../demo/server/pcm-endpoint.js';
import type { EndpointHandler } from '../../demo/server/server.js';
import { launchEngine, type EngineName, type EngineOptions, type EnginePage } from '../support/engines/index.js';
import { startTestServer, type TestServer, type TestServerOptions } from '../support/server.js';
import { toneEnergy } from './demo-harness.js';

export const ENGINES_PAGE = '/test/browser/fixtures/engines.html';

/** The local server's echo endpoints (demo/server) on the test server's own origin, counting what arrives. */
export interface EngineRig {
  page: EnginePage;
  server: TestServer;
  /** Binary messages (audio frames or Ogg pages) received per endpoint path, all sessions together. */
  received: Record<string, number>;
  /** Opens the cross-engine page at `host` (default localhost) and waits for the SDK. */
  open(host?: string, path?: string): Promise<void>;
  close(): Promise<void>;
}

export async function startEngineRig(engine: EngineName, launch: EngineOptions = {}, serverOptions: TestServerOptions = {}): Promise<EngineRig> {
  const server = await startTestServer(serverOptions);
  const received: Record<string, number> = { '/ws': 0, '/api/chat': 0 };
  const endpoints: Record<string, EndpointHandler> = {
    '/ws': pcmEndpoint({ echoDelayMs: 100 }),
    '/api/chat': moshiEndpoint({ singleSession: false, log: () => undefined }),
  };
  const wss = new WebSocketServer({ noServer: true });
  const shutdown = new AbortController();
  server.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const handler = endpoints[path];
    if (!handler) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('message', (_data, isBinary) => {
        if (isBinary) received[path]++;
      });
      handler(ws, req, shutdown.signal);
    });
  });
  let page: EnginePage;
  try {
    page = await launchEngine(engine, launch);
  } catch (e) {
    await server.close();
    throw e;
  }
  return {
    page,
    server,
    received,
    async open(host = 'localhost', path = ENGINES_PAGE) {
      await page.goto(`${server.origin(host)}${path}`);
      await page.waitFor(() => (window as unknown as { voicewireReady?: boolean }).voicewireReady === true, undefined, { what: 'the SDK page' });
    },
    async close() {
      shutdown.abort();
      for (const ws of wss.clients) ws.terminate();
      await page.close();
      await server.close();
    },
  };
}

/** Mic options for echo tests: no echo cancellation, which would take a looped-back tone for an echo and remove it. */
export const RAW_MIC = { echoCancellation: false, noiseSuppression: false, autoGainControl: false };

export interface PageEvent {
  name: string;
  state?: string;
  code?: string;
  message?: string;
  remedy?: string;
  fatal?: boolean;
}

export interface PageOutcome {
  ok: boolean;
  error?: { code: string; message: string; remedy: string; details: Record<string, unknown>; cause: string | null };
}

type T = { t: { connect(o: unknown): Promise<PageOutcome>; record(w: string, s: number): Promise<Recording>; events: PageEvent[]; session: { stop(): Promise<void>; state: string } | null; opened(): Opened } };
export interface Recording {
  sampleRate: number;
  samples: number[];
}
export interface Opened {
  contexts: string[];
  tracks: string[];
  sockets: number[];
}

/**
 * Starts a session the way an app does, from a click on #talk (a real gesture in every driver), and resolves with
 * start()'s outcome.
 */
export async function clickConnect(page: EnginePage, options: Record<string, unknown>): Promise<PageOutcome> {
  const count = await page.evaluate((o) => {
    const t = (window as unknown as { t: { options: unknown; outcomes: unknown[] } }).t;
    t.options = o;
    return t.outcomes.length;
  }, options);
  await page.click('#talk');
  await page.waitFor((n) => (window as unknown as { t: { outcomes: unknown[] } }).t.outcomes.length > n, count, { what: 'start() after the click' });
  await page.evaluate(() => {
    (window as unknown as { t: { options: unknown } }).t.options = null;
  });
  return page.evaluate(() => (window as unknown as { t: { outcomes: PageOutcome[] } }).t.outcomes.at(-1)!);
}

export function pageEvents(page: EnginePage): Promise<PageEvent[]> {
  return page.evaluate(() => (window as unknown as T).t.events);
}

export function record(page: EnginePage, which: 'playback' | 'microphone', seconds: number): Promise<Recording> {
  return page.evaluate(([w, s]) => (window as unknown as T).t.record(w, s), [which, seconds] as [string, number]);
}

export function stopInPage(page: EnginePage): Promise<void> {
  return page.evaluate(() => (window as unknown as T).t.session!.stop());
}

export function openedInPage(page: EnginePage): Promise<Opened> {
  return page.evaluate(() => (window as unknown as T).t.opened());
}

/** The strongest frequency (10 Hz grid, 100–2000 Hz) of a recording, and its energy (Goertzel, per sample). */
export function peakOf(r: Recording): { hz: number; energy: number } {
  const samples = Float32Array.from(r.samples);
  let best = { hz: 0, energy: 0 };
  for (let hz = 100; hz <= 2000; hz += 10) {
    const energy = toneEnergy(samples, r.sampleRate, hz);
    if (energy > best.energy) best = { hz, energy };
  }
  return best;
}

/**
 * Proves the played audio is the microphone's, whatever each engine's fake device sends (Chromium: a file, Firefox:
 * a tone, WebKit: "bip-bop" pulses): the microphone's strongest frequency is also the playback's, and loud.
 */
export async function assertEchoesMicrophone(page: EnginePage): Promise<void> {
  const [mic, played] = await Promise.all([record(page, 'microphone', 2), record(page, 'playback', 2)]);
  const m = peakOf(mic);
  const p = peakOf(played);
  console.log(`${page.engine} echo: microphone peak ${m.hz} Hz (${m.energy.toExponential(2)}), playback peak ${p.hz} Hz (${p.energy.toExponential(2)})`);
  expect(m.energy).toBeGreaterThan(1e-5);
  expect(Math.abs(p.hz - m.hz)).toBeLessThanOrEqual(10);
  expect(p.energy).toBeGreaterThan(m.energy / 100);
}
