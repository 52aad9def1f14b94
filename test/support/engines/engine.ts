/** The three browser engines the browser suite runs every shared scenario in. */
export type EngineName = 'chromium' | 'firefox' | 'webkit';

export const ENGINES: readonly EngineName[] = ['chromium', 'firefox', 'webkit'];

export interface EngineOptions {
  /** Let Web Audio start without a user gesture (default true). Off only where the blocked path is tested. */
  autoplay?: boolean;
  /**
   * 'fake' (default): the engine's fake capture device, granted without a prompt; 'denied': getUserMedia is refused;
   * 'absent': no capture device at all.
   */
  microphone?: 'fake' | 'denied' | 'absent';
  /** Chromium only: a 16-bit PCM WAV its fake microphone loops (Firefox plays a tone, WebKit a "bip-bop"). */
  fakeMicWav?: string;
  /** Host names resolved to 127.0.0.1, e.g. 'voice.test' for an insecure origin that still reaches loopback. */
  mapHosts?: string[];
  /** Accept the test servers' self-signed certificates. */
  acceptInsecureCerts?: boolean;
  /** Engine-specific extras: Chromium flags, Firefox prefs, MiniBrowser arguments. */
  extra?: { chromiumArgs?: string[]; firefoxPrefs?: Record<string, unknown>; webkitArgs?: string[] };
}

/**
 * What a scenario may do with a page, identical in every engine. `evaluate` takes a self-contained function (it is
 * serialised: no closures) and one JSON-able argument, and returns JSON-able data (a returned promise is awaited).
 */
export interface EnginePage {
  readonly engine: EngineName;
  goto(url: string): Promise<void>;
  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R>;
  /** A real (trusted) click on the first element matching `selector`: it is a user gesture. */
  click(selector: string): Promise<void>;
  /** Polls `fn(arg)` in the page until it returns something truthy; rejects with `what` after `timeoutMs`. */
  waitFor<A = undefined>(fn: (arg: A) => unknown, arg?: A, options?: { timeoutMs?: number; what?: string }): Promise<void>;
  /** Console errors and uncaught exceptions the page reported so far (those the driver sees plus test/browser/fixtures/page-errors.js). */
  errors(): Promise<string[]>;
  close(): Promise<void>;
}

/** Shared by the drivers: polling works the same in every engine (WebDriver has no waitForFunction). */
export async function pollUntil(check: () => Promise<unknown>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Errors recorded in the page by test/browser/fixtures/page-errors.js (absent on pages that do not load it). */
export const PAGE_ERRORS = (): string[] => (window as unknown as { pageErrors?: string[] }).pageErrors ?? [];

/** What playwright-core's and puppeteer-core's pages have in common: enough to drive a scenario. */
export interface DevtoolsPage {
  goto(url: string): Promise<unknown>;
  evaluate: unknown;
  click(selector: string): Promise<void>;
  /** `pageerror` gives an Error, `console` a message with type() and text(); the two libraries type `on` apart. */
  on: unknown;
}

/** One EnginePage over a Chromium (playwright) or Firefox (puppeteer) page: errors seen, evaluate, wait, close. */
export function devtoolsEnginePage(engine: EngineName, page: DevtoolsPage, close: () => Promise<void>): EnginePage {
  const seen: string[] = [];
  const on = <T>(event: 'pageerror' | 'console', listener: (arg: T) => void) => (page.on as (e: string, l: (arg: T) => void) => unknown).call(page, event, listener);
  on('pageerror', (e: Error) => seen.push(`pageerror: ${e.message ?? String(e)}`));
  on('console', (m: { type(): string; text(): string }) => {
    if (m.type() === 'error') seen.push(`console.error: ${m.text()}`);
  });
  const evaluate = <R, A>(fn: (arg: A) => R | Promise<R>, arg?: A) => (page.evaluate as (f: unknown, a: unknown) => Promise<R>).call(page, fn, arg);
  return {
    engine,
    goto: async (url) => {
      await page.goto(url);
    },
    evaluate,
    click: (selector) => page.click(selector),
    waitFor: (fn, arg, o = {}) => pollUntil(() => evaluate(fn, arg), o.timeoutMs ?? 20_000, o.what ?? fn.toString()),
    errors: async () => [...seen, ...(await evaluate(PAGE_ERRORS).catch(() => []))],
    close,
  };
}
