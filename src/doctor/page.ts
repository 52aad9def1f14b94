import { randomBytes } from 'node:crypto';
import { isProcessorFile } from './asset-urls.js';
import { get } from './http-get.js';
import { checkAssets } from './page-assets.js';
import { checkCsp, checkIsolation } from './page-headers.js';
import { checkMixedContent, checkPageOrigin } from './page-origin.js';
import { checkTls } from './tls.js';
import { fail, pass, warn, type CheckResult } from './types.js';

export interface PageRequest {
  page: URL;
  socket: URL;
  pcmOnly: boolean;
  timeoutMs: number;
  ca?: string;
  onProgress?: (step: string) => void;
}

/** The page side: where it is served from, what it loads, and the headers that decide what it may do. */
export async function checkPage(req: PageRequest): Promise<CheckResult[]> {
  const out: CheckResult[] = [checkPageOrigin(req.page), checkMixedContent(req.page, req.socket), ...await pageTls(req)];
  req.onProgress?.(`fetching ${req.page.origin}${req.page.pathname}`);
  const title = 'Page: answers HTML';
  let res;
  try {
    res = await get(req.page, { timeoutMs: req.timeoutMs, redirects: 3 });
  } catch (e) {
    return [...out, fail('page.fetch', title, `Could not fetch the page: ${(e as Error).message}.`, 'Check the page URL and that its server runs.')];
  }
  if (res.status !== 200) return [...out, fail('page.fetch', title, `HTTP ${res.status}.`, 'Check the page URL.', { status: res.status })];
  out.push(pass('page.fetch', title, `200 ${String(res.headers['content-type'] ?? '(no type)')}, ${res.body.length} bytes.`));
  out.push(checkIsolation(res.headers));
  req.onProgress?.('checking the scripts the page names');
  const assets = await checkAssets({ page: res.url, html: res.body, timeoutMs: req.timeoutMs });
  out.push(...checkCsp(res.headers, res.body, {
    socket: req.socket, page: res.url, pcmOnly: req.pcmOnly,
    selfHostedWorklets: assets.refs.some((r) => isProcessorFile(r.url.pathname)),
  }));
  out.push(...assets.results, await probeFallback(res.url, req));
  return out;
}

/** The page's own certificate, when it is not the socket's server (already checked): same judgement, `page.` ids. */
async function pageTls(req: PageRequest): Promise<CheckResult[]> {
  const port = (u: URL) => Number(u.port) || (u.protocol === 'https:' || u.protocol === 'wss:' ? 443 : 80);
  if (req.page.protocol !== 'https:' || (req.page.hostname === req.socket.hostname && port(req.page) === port(req.socket))) return [];
  req.onProgress?.(`TLS handshake with ${req.page.host}`);
  const { results } = await checkTls(req.page.hostname.replace(/^\[|\]$/g, ''), port(req.page), req.timeoutMs, req.ca);
  return results.map((r) => ({ ...r, id: `page.${r.id}`, title: r.title.replace(/^TLS:/, 'Page TLS:') }));
}

/**
 * Asks for a script that does not exist. A 404 is right; a 200 HTML page means an SPA fallback, which turns every
 * missing or stale chunk or worklet into "MIME type mismatch" instead of an honest 404.
 */
async function probeFallback(page: URL, req: PageRequest): Promise<CheckResult> {
  const title = 'Page: a missing script is a 404, not the app shell';
  const probe = new URL(`/voicewire-doctor-${randomBytes(4).toString('hex')}.processor.js`, page);
  try {
    const res = await get(probe, { timeoutMs: req.timeoutMs });
    const type = String(res.headers['content-type'] ?? '');
    if (res.status >= 200 && res.status < 300 && (/html/i.test(type) || /^\s*</.test(res.body))) {
      return warn('page.fallback', title, `${probe.pathname} (which does not exist) answered ${res.status} ${type.split(';')[0]}: an SPA fallback serves index.html for any path.`,
        'Scope the fallback to navigations: nginx `location ~* \\.(m?js|wasm|map)$ { try_files $uri =404; }` before `try_files $uri /index.html`; ' +
          'in a service worker, answer only `request.mode === "navigate"` with the shell. Then a missing worklet or chunk is a clear 404.', { status: res.status });
    }
    return pass('page.fallback', title, `${probe.pathname} answered ${res.status}.`);
  } catch (e) {
    return pass('page.fallback', title, `The probe got no answer (${(e as Error).message}); not an HTML fallback.`);
  }
}
