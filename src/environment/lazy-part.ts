import { describeError } from '../errors/describe.js';
import { ErrorCode, VoicewireError, isVoicewireError } from '../errors/errors.js';
import { redactUrl } from '../errors/redact.js';
import { classifyScriptFailure, failedImportUrl, isCspRefusal, preflight, webAssemblyRefusal, type ScriptFailureKind } from './module-load.js';

/** A part of voicewire loaded on first use (a chunk of the browser build, an optional package in Node). */
export interface LazyPart {
  /** For messages: "the Opus decoder (opus-decoder, WebAssembly)". */
  name: string;
  /** The npm package it comes from, for the Node remedy. */
  packageName: string;
  /** It compiles WebAssembly: the page's CSP is checked before anything loads. */
  wasm?: boolean;
  /** The bound on the whole load, in ms. Default {@link LAZY_LOAD_TIMEOUT_MS}. */
  timeoutMs?: number;
}

/** Releases what a load that lost to the timeout still produced (a WebAssembly instance). */
export type Discard<T> = (late: T) => void;

/**
 * How long a lazy part may take to load before the session fails, in ms: a 68 KB gzipped chunk over a slow mobile
 * link plus its WebAssembly compile fits well inside; a stalled request or a promise that never settles does not.
 */
export const LAZY_LOAD_TIMEOUT_MS = 10_000;

/** Also bounds the fetch that explains a failed import. */
const PREFLIGHT_TIMEOUT_MS = 3_000;

type Reason = ScriptFailureKind | 'wasm-refused' | 'timeout' | 'not-installed' | 'unknown';

/**
 * Runs `load` (a dynamic import and whatever it needs before it works) within the part's bound. Every failure
 * becomes CODEC_UNSUPPORTED with `details.reason` and the remedy for it: WebAssembly refused by the page's CSP,
 * the chunk 404 or answered with HTML (an SPA fallback), a timeout, a package not installed (Node).
 * @throws VoicewireError CODEC_UNSUPPORTED; a VoicewireError thrown by `load` passes through unchanged.
 */
export async function loadLazyPart<T>(part: LazyPart, load: () => Promise<T>, discard?: Discard<T>): Promise<T> {
  const refusal = part.wasm ? webAssemblyRefusal() : null;
  if (refusal !== null) throw lazyError(part, 'wasm-refused', { browserError: refusal });
  const timeoutMs = part.timeoutMs ?? LAZY_LOAD_TIMEOUT_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timedOut = false;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(lazyError(part, 'timeout', { timeoutMs }));
    }, timeoutMs);
  });
  const loading = Promise.resolve().then(load);
  try {
    return await Promise.race([loading, timeout]);
  } catch (e) {
    // Too late is too late: what the load still makes is released; its own later failure has nobody to tell.
    if (timedOut) void loading.then(discard, () => undefined);
    if (isVoicewireError(e)) throw e;
    throw await explain(part, e);
  } finally {
    clearTimeout(timer);
  }
}

/** Reads the failure: the import's own words, then (in a browser) what the server answers for the chunk's URL. */
async function explain(part: LazyPart, error: unknown): Promise<VoicewireError> {
  const said = describeError(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return lazyError(part, 'not-installed', { browserError: said }, error);
  if (isCspRefusal(said)) return lazyError(part, 'wasm-refused', { browserError: said }, error);
  const url = failedImportUrl(error);
  if (url === null || typeof fetch !== 'function' || url.startsWith('file:')) return lazyError(part, 'unknown', { browserError: said }, error);
  const reply = await Promise.race([preflight(url), new Promise<null>((done) => setTimeout(done, PREFLIGHT_TIMEOUT_MS, null))]);
  if (reply === null) return lazyError(part, 'timeout', { url: redactUrl(url), browserError: said, timeoutMs: PREFLIGHT_TIMEOUT_MS }, error);
  const failure = classifyScriptFailure(error, reply);
  return lazyError(part, failure.kind, { url: redactUrl(url), answer: failure.answer, ...reply, browserError: said }, error);
}

function lazyError(part: LazyPart, reason: Reason, details: Record<string, unknown>, cause?: unknown): VoicewireError {
  const url = typeof details.url === 'string' ? details.url : 'its chunk';
  const [what, remedy] = TEXT[reason](part, url, details);
  return new VoicewireError({ code: ErrorCode.CODEC_UNSUPPORTED, message: `${part.name} could not be loaded: ${what}`, remedy, details: { part: part.packageName, reason, ...details }, cause });
}

const SERVE = 'Deploy every file of the build next to the entry that imports it (dist/browser/chunks/, or your bundler\'s output folder), from the same deploy.';

/** The sentence and the remedy for each reason: [what happened, what to do]. */
const TEXT: Record<Reason, (part: LazyPart, url: string, details: Record<string, unknown>) => [string, string]> = {
  'wasm-refused': (_, __, d) => [
    `the page's Content-Security-Policy refuses WebAssembly (${String(d.browserError)}).`,
    'Add \'wasm-unsafe-eval\' to script-src in your Content-Security-Policy (e.g. script-src \'self\' \'wasm-unsafe-eval\'): it allows WebAssembly only, not eval().',
  ],
  'not-found': (_, url, d) => [`${url} ${String(d.answer)}.`, `Deploy the chunk: the server has no file at ${url}. ${SERVE}`],
  'not-javascript': (_, url, d) => [
    `the server ${String(d.answer)} for ${url}: a single-page-app fallback answered the missing chunk's URL with index.html.`,
    `Serve the chunk file at ${url} as text/javascript (it is missing from the deploy), and exclude the chunk folder from your SPA and service-worker fallbacks. ${SERVE}`,
  ],
  syntax: (_, url, d) => [`${url} ${String(d.answer)}.`, 'Serve the chunk exactly as built (no truncation, no CDN rewriting), from the same build as the page\'s voicewire.'],
  refused: (_, url, d) => [
    `the server ${String(d.answer)} (${url}); the page's Content-Security-Policy is the usual cause.`,
    'Allow the chunk\'s origin in script-src of your Content-Security-Policy (\'self\' for a same-origin file).',
  ],
  timeout: (part, url, d) => [
    `it did not load within ${String(d.timeoutMs)} ms.`,
    `Look at the request for ${url} in the browser's network panel: a stalled network, CDN, proxy or service worker holds it. Serve it from the same origin as voicewire, or preload it (<link rel="modulepreload">). In Node, check that ${part.packageName} loads on its own.`,
  ],
  'not-installed': (part) => [`the package ${part.packageName} is not installed.`, `Install it: npm install ${part.packageName}.`],
  unknown: (part, _, d) => [
    `${String(d.browserError)}.`,
    `In a browser: check the network panel for its chunk (a 404 means deploy the chunk; an HTML answer means an SPA fallback rewrote its URL: serve the file; a CSP refusal means allow 'wasm-unsafe-eval' and the chunk's origin in script-src). In Node: npm install ${part.packageName}.`,
  ],
};
