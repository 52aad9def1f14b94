import { mkdtempSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { WebSocketServer } from 'ws';
import { moshiEndpoint } from '../../demo/server/moshi-endpoint.js';
import { pcmEndpoint } from '../../demo/server/pcm-endpoint.js';
import type { EndpointHandler } from '../../demo/server/server.js';
import { launchEngine, type EngineName, type EngineOptions, type EnginePage } from '../support/engines/index.js';
import { writeWav16 } from '../support/opus-tools.js';
import { startTestServer, type TestServer, type TestServerOptions } from '../support/server.js';
import { fundamentalOf, rmsOf, shareAt } from './echo-spectrum.js';

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

/** Starts the test server, then `engine`; `launch` may depend on the server (a flag naming its origin). */
export async function startEngineRig(engine: EngineName, launch: EngineOptions | ((server: TestServer) => EngineOptions) = {}, serverOptions: TestServerOptions = {}): Promise<EngineRig> {
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
    page = await launchEngine(engine, typeof launch === 'function' ? launch(server) : launch);
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

/**
 * A 4 s, 440 Hz tone WAV for Chromium's fake microphone: its built-in device sends a beep whose spectrum varied
 * between launches (a 400 Hz share of 10 % in one, 0.1 % in the next). Firefox and WebKit keep their own devices.
 */
export function toneWav(): string {
  const rate = 48000;
  const pcm = new Float32Array(rate * 4);
  for (let i = 0; i < pcm.length; i++) pcm[i] = 0.3 * Math.sin((2 * Math.PI * 440 * i) / rate);
  const path = join(mkdtempSync(join(tmpdir(), 'voicewire-engines-')), 'tone.wav');
  writeWav16(path, pcm, rate);
  return path;
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

/**
 * Proves the played audio is the microphone's, whatever each engine's fake device sends (echo-spectrum.ts): the
 * microphone has a clear fundamental, and the playback carries that same frequency with a comparable share of its
 * power (a share does not depend on the path's gain or codec) and is not much quieter.
 */
export async function assertEchoesMicrophone(page: EnginePage): Promise<void> {
  // 3 s: Chromium's fake device beeps in short bursts, and a 2 s window under load held too few of them (4.6 % share).
  const [mic, played] = await Promise.all([record(page, 'microphone', 3), record(page, 'playback', 3)]);
  const [m, p] = [fundamentalOf(mic), fundamentalOf(played)];
  const playedShare = shareAt(played, m.hz);
  const micShareAtPlayed = shareAt(mic, p.hz);
  const [micRms, playedRms] = [rmsOf(mic), rmsOf(played)];
  console.log(`${page.engine} echo: microphone fundamental ${m.hz} Hz (${pct(m.share)} of its power, rms ${micRms.toFixed(4)}); playback at ${m.hz} Hz ${pct(playedShare)} (rms ${playedRms.toFixed(4)}, its own strongest ${p.hz} Hz: ${pct(p.share)}, ${pct(micShareAtPlayed)} in the microphone)`);
  expect(micRms).toBeGreaterThan(3e-3);
  expect(m.share).toBeGreaterThan(0.05);
  // The playback window lags the microphone's by the round trip, and WebKit's mock device changes its tones within
  // 3 s (150 Hz strongest in one window, 500 Hz in the next): the two strongest lines may differ, so either side's
  // strongest must be carried by the other. Silence, noise or another signal fails both.
  expect(Math.max(playedShare / m.share, micShareAtPlayed / p.share)).toBeGreaterThan(1 / 4);
  expect(playedRms).toBeGreaterThan(micRms / 10);
}

const pct = (share: number) => `${(100 * share).toFixed(1)} %`;
