import type { IncomingHttpHeaders } from 'node:http';
import { allowsKeyword, allowsUrl, parsePolicies, sourcesFor } from './csp.js';
import { fail, pass, warn, type CheckResult } from './types.js';

/**
 * COOP/COEP: without both, `crossOriginIsolated` is false and there is no SharedArrayBuffer, so the SDK moves
 * audio to the worklet through port messages instead of a shared ring (it works, with more copies and jitter).
 */
export function checkIsolation(headers: IncomingHttpHeaders): CheckResult {
  const title = 'Page: cross-origin isolated (COOP/COEP) for the shared-memory ring';
  const coop = String(headers['cross-origin-opener-policy'] ?? '').split(';')[0].trim();
  const coep = String(headers['cross-origin-embedder-policy'] ?? '').split(';')[0].trim();
  if (coop === 'same-origin' && (coep === 'require-corp' || coep === 'credentialless')) {
    return pass('page.isolation', title, `Cross-Origin-Opener-Policy: ${coop}, Cross-Origin-Embedder-Policy: ${coep}.`);
  }
  return warn('page.isolation', title,
    `Cross-Origin-Opener-Policy: ${coop || '(none)'}, Cross-Origin-Embedder-Policy: ${coep || '(none)'}: no SharedArrayBuffer; audio reaches the worklet by port messages.`,
    'Send both on the page (and serve every subresource same-origin or with Cross-Origin-Resource-Policy):\n' +
      '  nginx:  add_header Cross-Origin-Opener-Policy same-origin always;  add_header Cross-Origin-Embedder-Policy require-corp always;\n' +
      '  Caddy:  header { Cross-Origin-Opener-Policy same-origin  Cross-Origin-Embedder-Policy require-corp }\n' +
      '  Browsers honour them only on https or localhost.');
}

export interface CspContext {
  /** The socket the page will open. */
  socket: URL;
  page: URL;
  /** The page self-hosts voicewire's processors (it names a *.processor.js file), so a Blob refusal has a fallback. */
  selfHostedWorklets: boolean;
  /** The session speaks PCM (voicewire): no Opus decoder, so no WebAssembly. */
  pcmOnly: boolean;
}

const CSP_EXAMPLE = "Content-Security-Policy: default-src 'self'; script-src 'self' blob: 'wasm-unsafe-eval'; connect-src 'self' wss://VOICE-HOST; worker-src 'self' blob:";

/** The page's CSP (headers and `<meta http-equiv>`) against what voicewire needs from it. */
export function checkCsp(headers: IncomingHttpHeaders, html: string, ctx: CspContext): CheckResult[] {
  const values = [headers['content-security-policy']].flat().filter((v): v is string => typeof v === 'string');
  for (const m of html.matchAll(/<meta\b[^>]*http-equiv\s*=\s*["']?content-security-policy["']?[^>]*>/gi)) {
    const content = /content\s*=\s*"([^"]*)"|content\s*=\s*'([^']*)'/i.exec(m[0]);
    if (content) values.push(content[1] ?? content[2]);
  }
  const policies = parsePolicies(values);
  if (policies.length === 0) return [pass('page.csp', 'Page: Content-Security-Policy allows voicewire', 'No CSP: nothing is restricted.')];
  const out: CheckResult[] = [];
  const every = (test: (p: (typeof policies)[number]) => boolean) => policies.every(test);

  const blobTitle = 'Page: CSP allows blob: worklets';
  if (every((p) => allowsKeyword(sourcesFor(p, 'script-src'), 'blob:'))) out.push(pass('page.csp.blob', blobTitle, 'script-src allows blob:.'));
  else if (ctx.selfHostedWorklets) out.push(pass('page.csp.blob', blobTitle, 'script-src has no blob:, and the page names a self-hosted *.processor.js file (the SDK falls back to it).'));
  else {
    out.push(fail('page.csp.blob', blobTitle, 'script-src (or default-src) has no blob:. voicewire loads its AudioWorklet processors from a Blob URL; Chromium then fails with "AbortError: … a dependency or cross-origin script failed to load" and reports no CSP violation.',
      `Add blob: to script-src, or self-host the processors (copy node_modules/voicewire/dist/worklets/voicewire.processor.js next to the page and pass its URL as \`moduleUrl\`). Example: ${CSP_EXAMPLE}`));
  }

  const wasmTitle = "Page: CSP allows WebAssembly ('wasm-unsafe-eval') for the Opus decoder";
  if (every((p) => allowsKeyword(sourcesFor(p, 'script-src'), "'wasm-unsafe-eval'", "'unsafe-eval'"))) out.push(pass('page.csp.wasm', wasmTitle, "script-src allows 'wasm-unsafe-eval'."));
  else {
    const detail = `script-src has neither 'wasm-unsafe-eval' nor 'unsafe-eval': WebAssembly.compile is refused ("CompileError: … Compiling or instantiating WebAssembly module violates the following Content Security policy directive"), so Opus (Moshi, Kyutai, Realtime audio) cannot be decoded.`;
    const remedy = `Add 'wasm-unsafe-eval' to script-src (it allows WebAssembly only, not JavaScript eval). Example: ${CSP_EXAMPLE}`;
    out.push(ctx.pcmOnly ? warn('page.csp.wasm', wasmTitle, `${detail} The voicewire PCM protocol needs no decoder.`, remedy) : fail('page.csp.wasm', wasmTitle, detail, remedy));
  }

  const connectTitle = 'Page: CSP allows connecting to the socket';
  if (every((p) => allowsUrl(sourcesFor(p, 'connect-src'), ctx.socket, ctx.page))) out.push(pass('page.csp.connect', connectTitle, `connect-src allows ${ctx.socket.protocol}//${ctx.socket.host}.`));
  else {
    out.push(fail('page.csp.connect', connectTitle, `connect-src (or default-src) does not allow ${ctx.socket.protocol}//${ctx.socket.host}: the browser blocks the socket ("Connecting to '…' violates the following Content Security Policy directive …").`,
      `Add ${ctx.socket.protocol}//${ctx.socket.host} to connect-src.`));
  }
  return out;
}
