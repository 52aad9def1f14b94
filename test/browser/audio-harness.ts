import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { IncomingMessage } from 'node:http';
import type { BrowserSession } from '../support/browser.js';
import type { Route } from '../support/server.js';

export const AUDIO_PAGE = '/test/browser/fixtures/audio.html';
export const WORKLETS = '/test/browser/fixtures/worklets';

/** A fixture processor's source, for loading from a Blob URL that the server never sees. */
export function fixtureSource(name: string): string {
  return readFileSync(resolve(import.meta.dirname, 'fixtures/worklets', name), 'utf8');
}

/** The outcome test/browser/fixtures/audio-page.js reports. */
export interface StartOutcome {
  ok: boolean;
  state?: AudioContextState;
  sampleRate?: number;
  worklets?: { via: 'blob' | 'url'; url: string };
  error?: { code: string; message: string; remedy: string; details: Record<string, unknown>; cause: string | null };
  events: Array<{ name: string; code?: string; url?: string; reason?: string; message?: string; remedy?: string }>;
  contextLeft?: unknown;
}

export async function openAudioPage(session: BrowserSession, url: string): Promise<void> {
  await session.page.goto(url);
  await session.page.waitForFunction(() => (window as unknown as { voicewireReady?: boolean }).voicewireReady === true);
}

/** Starts an AudioEngine in the page with plain-data options (and creates `nodeName` on it if given). */
export function startInPage(session: BrowserSession, options: Record<string, unknown>, nodeName?: string, nodeOptions?: Record<string, unknown>): Promise<StartOutcome> {
  return session.page.evaluate(
    ([o, n, no]) => (window as unknown as { audioTest: { start(...a: unknown[]): Promise<StartOutcome> } }).audioTest.start(o, n, no),
    [options, nodeName, nodeOptions] as const,
  );
}

/** Unhandled rejections the page saw, plus uncaught errors: every test expects none. */
export async function escaped(session: BrowserSession): Promise<string[]> {
  const unhandled = await session.page.evaluate(() => (window as unknown as { audioTest?: { unhandled: string[] } }).audioTest?.unhandled ?? []);
  return [...unhandled, ...session.pageErrors.filter((e) => e.startsWith('pageerror'))];
}

/** A route that only records request paths, so a test can prove what was (not) fetched. */
export function requestLog(): { route: Route; paths: string[] } {
  const paths: string[] = [];
  return {
    paths,
    route: (req: IncomingMessage) => {
      paths.push(new URL(req.url ?? '/', 'http://x').pathname);
      return false;
    },
  };
}
