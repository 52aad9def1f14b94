import { ErrorCode, VoicewireError } from '../errors/errors.js';
import { redactUrl } from '../errors/redact.js';
import { describeError } from '../errors/describe.js';
import { classifyScriptFailure, isNamed, type ServerReply } from '../environment/module-load.js';

/**
 * Turns a failed `addModule(url)` into the error a person can act on, from the reply and any CSP report.
 * `blobRefused`: this URL is the fallback after the page's CSP refused the built-in Blob module, so the remedy
 * cannot offer dropping moduleUrl.
 */
export function classifyUrlFailure(error: unknown, url: string, reply: ServerReply, cspViolation: string | null, blobRefused = false): VoicewireError {
  const shown = redactUrl(url);
  const details = { url: shown, ...reply, browserError: describeError(error), cspViolation, blobRefused };
  const common = { cause: error, details };
  // Quirk Q12: addModule rejects with one bare AbortError for a 404, an HTML page and a CSP refusal alike, so the
  // reply (shared classifier: environment/module-load.ts) is what tells them apart.
  const failure = classifyScriptFailure(error, reply);
  if (failure.kind === 'not-found') {
    return new VoicewireError({
      ...common,
      code: ErrorCode.WORKLET_NOT_FOUND,
      message: `The AudioWorklet module ${shown} ${failure.answer}.`,
      remedy:
        'Serve the processor file at that URL: copy node_modules/voicewire/dist/worklets/voicewire.processor.js into your static/public folder and point moduleUrl at it (a cross-origin URL also needs CORS headers). ' +
        (blobRefused
          ? "This page's Content-Security-Policy refused the built-in processors (blob:), so this file is the only way in; or add blob: to script-src."
          : 'Or drop moduleUrl: voicewire loads its built-in processors from a Blob URL and needs no file.'),
    });
  }
  if (failure.kind === 'not-javascript') {
    return new VoicewireError({
      ...common,
      code: ErrorCode.WORKLET_NOT_JAVASCRIPT,
      message: `The server ${failure.answer} for ${shown}. A single-page-app fallback that answers unknown paths with index.html does this when the file is missing.`,
      remedy: 'Put the processor file where moduleUrl points and serve it as text/javascript; exclude that path from your index.html/SPA fallback and from a service worker\'s navigation fallback.',
    });
  }
  if (failure.kind === 'syntax') return syntaxError(error, shown, common);
  return new VoicewireError({
    ...common,
    code: ErrorCode.WORKLET_BLOCKED_BY_CSP,
    message: cspViolation
      ? `The page's Content-Security-Policy (${cspViolation}) refused the AudioWorklet module ${shown}.`
      : `The server returned JavaScript for ${shown}, but the browser refused to run it as an AudioWorklet module; a Content-Security-Policy is the usual cause (the browser reported: ${describeError(error)}).`,
    remedy: 'Allow the module\'s origin in script-src of your Content-Security-Policy (\'self\' for a same-origin file), or serve it from an origin the policy already allows.',
  });
}

/**
 * A Blob URL voicewire just made cannot 404 or be HTML, so an AbortError means the page's CSP refused `blob:`.
 * Quirk Q11: Chromium fires no `securitypolicyviolation` event for it, so there is nothing else to wait for.
 */
export function classifyBlobFailure(error: unknown): VoicewireError {
  const details = { url: 'blob:(voicewire processors)', browserError: describeError(error) };
  if (isNamed(error, 'SyntaxError')) return syntaxError(error, 'the built-in processors', { cause: error, details });
  return new VoicewireError({
    code: ErrorCode.WORKLET_BLOCKED_BY_CSP,
    message: `The page's Content-Security-Policy refused the AudioWorklet processors voicewire loads from a blob: URL (the browser reported: ${describeError(error)}).`,
    remedy: 'Add blob: to script-src in your Content-Security-Policy, or self-host the processors: copy node_modules/voicewire/dist/worklets/voicewire.processor.js to your site and pass its URL as moduleUrl (voicewire then falls back to it by itself).',
    cause: error,
    details,
  });
}

function syntaxError(error: unknown, what: string, common: { cause: unknown; details: Record<string, unknown> }): VoicewireError {
  return new VoicewireError({
    ...common,
    code: ErrorCode.WORKLET_SYNTAX_ERROR,
    message: `The AudioWorklet module ${what} is not valid JavaScript: ${describeError(error)}.`,
    remedy: 'Serve the file exactly as voicewire built it (no truncation, no minifier or CDN rewriting it); if it comes from a different voicewire version than the page, rebuild and redeploy both together.',
  });
}
