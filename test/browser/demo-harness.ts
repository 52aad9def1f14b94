import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import { encodeWav } from '../../src/codecs/wav.js';
import { launchChromium, type BrowserSession, type LaunchOptions } from '../support/browser.js';
import { startDemoServer, type DemoServer } from '../support/demo-server.js';

/** The frequency of the fake microphone's "voice": the echo is recognised by it (the server's test tone is 440 Hz). */
export const VOICE_HZ = 660;
const MIC_RATE = 48000;
const BURST_S = 0.6;
const GAP_S = 0.9;

/**
 * Speech-like bursts for the fake microphone (which loops the file): 0.6 s of a 660 Hz voice with a syllable-rate
 * tremolo, then 0.9 s of silence — long enough for the server's VAD (400 ms hangover) to report each burst.
 */
function writeVoiceWav(): { dir: string; wav: string } {
  const dir = mkdtempSync(join(tmpdir(), 'voicewire-demo-'));
  const period = Math.round((BURST_S + GAP_S) * MIC_RATE);
  const burst = Math.round(BURST_S * MIC_RATE);
  const samples = new Float32Array(period * 2);
  for (let i = 0; i < samples.length; i++) {
    const at = i % period;
    if (at >= burst) continue;
    const fade = Math.min(1, at / 480, (burst - 1 - at) / 480);
    const tremolo = 0.75 + 0.25 * Math.sin((2 * Math.PI * 5 * at) / MIC_RATE);
    samples[i] = 0.4 * fade * tremolo * Math.sin((2 * Math.PI * VOICE_HZ * i) / MIC_RATE);
  }
  const wav = join(dir, 'voice.wav');
  writeFileSync(wav, encodeWav(samples, MIC_RATE));
  return { dir, wav };
}

export interface DemoRig {
  server: DemoServer;
  browser: BrowserSession;
  /** Closes the browser, stops the server, removes the temporary files. */
  close(): Promise<void>;
}

/**
 * One server process and one Chromium whose fake microphone plays writeVoiceWav(), resources tracked; `open` loads the
 * page from `host` (default: the host the server printed).
 */
export async function startDemoRig(options: { serverArgs?: string[]; env?: Record<string, string>; launch?: LaunchOptions; open?: boolean; host?: string } = {}): Promise<DemoRig> {
  const voice = writeVoiceWav();
  const server = await startDemoServer(options.serverArgs, options.env);
  const browser = await launchChromium({ ...options.launch, fakeMicWav: voice.wav });
  await trackResources(browser);
  if (options.open !== false) {
    const url = new URL(`${server.url}/`);
    if (options.host) url.hostname = options.host;
    await openDemo(browser, url.href);
  }
  return {
    server,
    browser,
    async close() {
      await browser.close();
      await server.stop();
      rmSync(voice.dir, { recursive: true, force: true });
    },
  };
}

/**
 * Installed before the page's own scripts: records every AudioContext, microphone stream and WebSocket the page
 * opens, and every unhandled rejection, so a test can prove Disconnect closed all of them.
 */
export async function trackResources(session: BrowserSession): Promise<void> {
  await session.page.addInitScript(() => {
    const opened = { contexts: [] as AudioContext[], streams: [] as MediaStream[], sockets: [] as WebSocket[], unhandled: [] as string[] };
    (window as unknown as { opened: typeof opened }).opened = opened;
    window.addEventListener('unhandledrejection', (e) => opened.unhandled.push(String((e.reason as Error)?.stack ?? e.reason)));
    const Context = window.AudioContext;
    window.AudioContext = class extends Context {
      constructor(options?: AudioContextOptions) {
        super(options);
        opened.contexts.push(this);
      }
    };
    const Socket = window.WebSocket;
    window.WebSocket = class extends Socket {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        opened.sockets.push(this);
      }
    };
    const devices = navigator.mediaDevices;
    if (devices) {
      const getUserMedia = devices.getUserMedia.bind(devices);
      devices.getUserMedia = async (constraints) => {
        const stream = await getUserMedia(constraints);
        opened.streams.push(stream);
        return stream;
      };
    }
  });
}

export interface OpenedResources {
  contexts: AudioContextState[];
  tracks: MediaStreamTrackState[];
  sockets: { url: string; readyState: number }[];
  unhandled: string[];
}

export function openedResources(session: BrowserSession): Promise<OpenedResources> {
  return session.page.evaluate(() => {
    const o = (window as unknown as { opened: { contexts: AudioContext[]; streams: MediaStream[]; sockets: WebSocket[]; unhandled: string[] } }).opened;
    return {
      contexts: o.contexts.map((c) => c.state),
      tracks: o.streams.flatMap((s) => s.getTracks().map((t) => t.readyState)),
      sockets: o.sockets.map((s) => ({ url: s.url, readyState: s.readyState })),
      unhandled: o.unhandled,
    };
  });
}

/** What window.demo holds (demo/page/app.js). */
export interface DemoWindow {
  demo: {
    ready?: boolean;
    session: {
      state: string;
      playbackNode: AudioNode | null;
      audioContext: AudioContext | null;
    } | null;
    texts: { text: string; source: string }[];
    errors: { code: string; message: string; remedy: string }[];
    states: string[];
    report?: { secureContext: boolean | null; problems: unknown[] };
  };
}

export async function openDemo(session: BrowserSession, url: string): Promise<void> {
  await session.page.goto(url);
  await session.page.waitForFunction(() => (window as unknown as DemoWindow).demo?.ready === true);
}

export function waitForState(session: BrowserSession, state: string): Promise<unknown> {
  return session.page.waitForFunction((s) => (window as unknown as DemoWindow).demo.session?.state === s, state);
}

const TAP_SOURCE = readFileSync(resolve(import.meta.dirname, 'fixtures/tap.processor.js'), 'utf8');

/**
 * Records `seconds` of what the session plays: a tap worklet (loaded from a Blob the server never sees) hung on
 * `session.playbackNode`, ending in a muted gain so the tap is pulled without playing twice.
 */
export function recordPlayback(session: BrowserSession, seconds: number): Promise<{ sampleRate: number; samples: Float32Array }> {
  return session.page
    .evaluate(
      async ([source, seconds]) => {
        const s = (window as unknown as DemoWindow).demo.session!;
        const ctx = s.audioContext!;
        const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
        await ctx.audioWorklet.addModule(url);
        URL.revokeObjectURL(url);
        const tap = new AudioWorkletNode(ctx, 'voicewire-tap', { processorOptions: { length: Math.round(ctx.sampleRate * seconds) } });
        const mute = new GainNode(ctx, { gain: 0 });
        s.playbackNode!.connect(tap).connect(mute).connect(ctx.destination);
        const samples = await new Promise<Float32Array>((r) => (tap.port.onmessage = (e) => r(e.data as Float32Array)));
        tap.disconnect();
        mute.disconnect();
        return { sampleRate: ctx.sampleRate, samples: Array.from(samples) };
      },
      [TAP_SOURCE, seconds] as const,
    )
    .then((r) => ({ sampleRate: r.sampleRate, samples: Float32Array.from(r.samples) }));
}

/** Goertzel window: 50 ms resolves 20 Hz, far finer than the 220 Hz between the test's tones. */
const TONE_WINDOW_S = 0.05;

/**
 * Power of one frequency in a signal, normalised per sample (a sine of amplitude A gives A²/4): Goertzel over 50 ms
 * windows, averaged. Windowed, not one transform over the whole recording, because a jitter buffer that time-stretches
 * or conceals shifts the phase of what follows, and one long transform would let two bursts in opposite phase cancel.
 */
export function toneEnergy(samples: Float32Array, rate: number, hz: number): number {
  const k = 2 * Math.cos((2 * Math.PI * hz) / rate);
  const win = Math.round(rate * TONE_WINDOW_S);
  const windows = Math.floor(samples.length / win);
  let sum = 0;
  for (let w = 0; w < windows; w++) {
    let s1 = 0;
    let s2 = 0;
    for (let i = w * win; i < (w + 1) * win; i++) {
      const s0 = samples[i] + k * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    sum += (s1 * s1 + s2 * s2 - k * s1 * s2) / (win * win);
  }
  return windows > 0 ? sum / windows : 0;
}

/** Lengths (s) of the loud stretches in a recording: 10 ms windows above −30 dBFS. */
export function loudRuns(samples: Float32Array, rate: number): number[] {
  const win = Math.round(rate / 100);
  const runs: number[] = [];
  let run = 0;
  for (let at = 0; at + win <= samples.length; at += win) {
    let sum = 0;
    for (let i = at; i < at + win; i++) sum += samples[i] * samples[i];
    if (Math.sqrt(sum / win) > 0.03) run++;
    else if (run > 0) {
      runs.push(run / 100);
      run = 0;
    }
  }
  if (run > 0) runs.push(run / 100);
  return runs;
}

/** Records `seconds` of playback and proves it is the microphone's voice: bursts at its frequency, with gaps. */
export async function assertEchoed(browser: BrowserSession, seconds: number): Promise<void> {
  const { sampleRate, samples } = await recordPlayback(browser, seconds);
  const voice = toneEnergy(samples, sampleRate, VOICE_HZ);
  const elsewhere = Math.max(toneEnergy(samples, sampleRate, 440), toneEnergy(samples, sampleRate, 1000));
  const runs = loudRuns(samples, sampleRate);
  const playout = await browser.page.evaluate(() => ['playout', 'concealed', 'stretch', 'underruns', 'overruns', 'dropped'].map((id) => `${id} ${document.getElementById(`stat-${id}`)?.textContent}`).join(', '));
  console.log(`echo at ${sampleRate} Hz: ${VOICE_HZ} Hz energy ${voice.toExponential(2)}, elsewhere ${elsewhere.toExponential(2)}, loud runs ${runs.join(', ')} s; page stats: ${playout}`);
  // The voice's own frequency dominates (an amplitude of 0.4 × tremolo gives about 1e-2 here).
  expect(voice).toBeGreaterThan(1e-3);
  expect(voice).toBeGreaterThan(100 * elsewhere);
  // Its shape survived: at least one whole burst (0.6 s, ±0.15 s for the jitter buffer and codec edges) between gaps.
  expect(runs.some((r) => r > 0.45 && r < 0.75)).toBe(true);
}

/** Clicks Disconnect and proves the session released its socket, microphone and AudioContext, here and on the server. */
export async function disconnectAndCheck(browser: BrowserSession, server: DemoServer, path: string): Promise<void> {
  const { page } = browser;
  const from = server.lines.length;
  await page.click('#connect');
  await waitForState(browser, 'closed');
  expect(await page.textContent('#state')).toBe('closed');
  expect(await page.textContent('#connect')).toBe('Connect');
  await page.waitForFunction(() => {
    const o = (window as unknown as { opened: { sockets: WebSocket[] } }).opened;
    return o.sockets.every((s) => s.readyState === WebSocket.CLOSED);
  });
  const opened = await openedResources(browser);
  expect(opened.contexts.length).toBeGreaterThan(0);
  expect(opened.contexts.every((s) => s === 'closed')).toBe(true);
  expect(opened.tracks.length).toBeGreaterThan(0);
  expect(opened.tracks.every((s) => s === 'ended')).toBe(true);
  expect(opened.unhandled).toEqual([]);
  // The server saw the close and has no session left.
  await server.waitForLine(new RegExp(`close ${path} 1000 \\(0 sessions\\)`), from);
  expect(browser.pageErrors).toEqual([]);
  const errors = await page.evaluate(() => (window as unknown as DemoWindow).demo.errors);
  expect(errors).toEqual([]);
  expect(await page.isHidden('#error')).toBe(true);
}

/** The page's transcript list as shown: source column and text of each line. */
export function transcriptLines(browser: BrowserSession): Promise<{ source: string; text: string }[]> {
  return browser.page.$$eval('#transcript li', (items) => items.map((li) => ({ source: li.querySelector('.source')?.textContent ?? '', text: li.lastChild?.textContent ?? '' })));
}
