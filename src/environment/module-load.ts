import { describeError } from '../errors/describe.js';

/**
 * Why a script the page asked for (an AudioWorklet module, a lazily imported chunk) did not run, read from what the
 * server answers when we fetch it ourselves. Shared by the worklet loader and the lazy-part loader: browsers say
 * the same few words for every cause (Quirk Q12, Q15), the reply tells them apart.
 */

/** What the server answered when we fetched the script ourselves after the browser refused it. */
export interface ServerReply {
  /** HTTP status, or null when the fetch itself failed (network, CORS). */
  status: number | null;
  contentType: string | null;
  /** The start of the body, so an HTML page served instead of JavaScript is recognisable in a log. */
  firstBytes: string | null;
  /** Why the fetch failed, when it did. */
  fetchError: string | null;
}

/**
 * `not-found`: no 2xx answer (404, or no answer at all); `not-javascript`: HTML or another MIME type came back (an
 * SPA fallback's index.html); `syntax`: JavaScript that does not parse; `refused`: JavaScript the browser would not
 * run (a Content-Security-Policy is the usual cause).
 */
export type ScriptFailureKind = 'not-found' | 'not-javascript' | 'syntax' | 'refused';

export interface ScriptFailure {
  kind: ScriptFailureKind;
  /** What the server did, as a phrase: "got HTTP 404", "answered with text/html (an HTML page)". */
  answer: string;
}

const FIRST_BYTES = 120;

/** HTML's JavaScript MIME type essences (text/javascript and its legacy aliases). */
const JAVASCRIPT_MIME = /^(?:text|application)\/(?:x-)?(?:javascript|ecmascript|jscript|livescript)$|^text\/javascript1\.[0-5]$/i;

/** Fetches the script the way the browser did (same origin credentials, no cache), never throwing. */
export async function preflight(url: string): Promise<ServerReply> {
  try {
    const res = await fetch(url, { cache: 'no-store', credentials: 'same-origin' });
    const text = await res.text().catch(() => '');
    return { status: res.status, contentType: res.headers.get('content-type'), firstBytes: text.slice(0, FIRST_BYTES), fetchError: null };
  } catch (e) {
    return { status: null, contentType: null, firstBytes: null, fetchError: describeError(e) };
  }
}

/** Classifies a refused script from the server's reply and the browser's error (a SyntaxError names itself). */
export function classifyScriptFailure(error: unknown, reply: ServerReply): ScriptFailure {
  if (reply.status === null || reply.status < 200 || reply.status > 299) {
    return { kind: 'not-found', answer: reply.status === null ? `could not be fetched (${reply.fetchError ?? 'network error'})` : `got HTTP ${reply.status}` };
  }
  const essence = (reply.contentType ?? '').split(';')[0].trim();
  const looksHtml = /^\s*</.test(reply.firstBytes ?? '');
  if (looksHtml || !JAVASCRIPT_MIME.test(essence)) {
    return { kind: 'not-javascript', answer: `answered with ${essence || 'no Content-Type'}${looksHtml ? ' (an HTML page)' : ''} instead of JavaScript` };
  }
  if (isNamed(error, 'SyntaxError')) return { kind: 'syntax', answer: `returned JavaScript that does not parse (${describeError(error)})` };
  return { kind: 'refused', answer: `returned JavaScript the browser refused to run (${describeError(error)})` };
}

/**
 * The script URL a failed dynamic `import()` names: Chromium "Failed to fetch dynamically imported module: URL",
 * Firefox "error loading dynamically imported module: URL". Quirk Q15: WebKit names none ("Importing a module
 * script failed."), so null there and the caller explains every cause.
 */
export function failedImportUrl(error: unknown): string | null {
  const match = /\b(?:https?|file):\/\/[^\s'"`]+/.exec(describeError(error));
  return match ? match[0].replace(/[.,;)]+$/, '') : null;
}

/** The smallest valid WebAssembly module: the magic number and version 1 (WebAssembly core spec §5.5.16). */
const EMPTY_WASM = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

/**
 * Why this page cannot compile WebAssembly, or null when it can. Compiling an empty module synchronously is the
 * check: a CSP without `'wasm-unsafe-eval'` (or `'unsafe-eval'`) throws a CompileError/EvalError naming the policy
 * at once, where a library's own asynchronous compile may reject somewhere nobody listens (opus-decoder's does).
 */
export function webAssemblyRefusal(): string | null {
  const wasm = (globalThis as { WebAssembly?: typeof WebAssembly }).WebAssembly;
  if (wasm === undefined) return 'this runtime has no WebAssembly';
  try {
    new wasm.Module(EMPTY_WASM);
    return null;
  } catch (e) {
    return describeError(e);
  }
}

/** Whether a WebAssembly failure message names a Content-Security-Policy (Chromium, Firefox and WebKit wordings). */
export function isCspRefusal(reason: string): boolean {
  return /Content.Security.Policy|\bCSP\b|unsafe-eval/i.test(reason);
}

export function isNamed(error: unknown, name: string): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;
}
