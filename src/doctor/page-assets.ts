import { htmlAssets, scriptAssets, type AssetRef } from './asset-urls.js';
import { get } from './http-get.js';
import { fail, pass, warn, type CheckResult } from './types.js';

/** HTML's "JavaScript MIME type essence match" (a list kept by the WHATWG MIME Sniffing spec §4.6). */
const JS_MIME = /^(?:text|application)\/(?:javascript|x-javascript|ecmascript|x-ecmascript|jscript|livescript|javascript1\.[0-5])$|^text\/(?:x-)?ecmascript$/;

/** Enough to reach a bundle's lazy chunks (page → app.js → sdk → chunks) without crawling a whole site. */
const MAX_ASSETS = 40;
const MAX_DEPTH = 3;

export interface AssetContext {
  page: URL;
  html: string;
  timeoutMs: number;
}

/**
 * Each script, worklet, chunk and service worker the page names (and the scripts they name, a few levels deep) must
 * answer 200 with a JavaScript MIME type: module scripts, worklets and service workers are refused otherwise
 * ("Failed to load module script: … MIME type of \"text/html\"", "AbortError: … MIME type mismatch").
 */
export async function checkAssets(ctx: AssetContext): Promise<{ results: CheckResult[]; refs: AssetRef[] }> {
  const seen = new Map<string, AssetRef>();
  let frontier = htmlAssets(ctx.html, ctx.page);
  const results: CheckResult[] = [];
  for (let depth = 0; depth < MAX_DEPTH && frontier.length > 0; depth++) {
    const next: AssetRef[] = [];
    for (const ref of frontier) {
      const key = ref.url.href.replace(/#.*$/, '');
      if (seen.has(key) || seen.size >= MAX_ASSETS) continue;
      seen.set(key, ref);
      const { result, code } = await checkAsset(ref, ctx);
      results.push(result);
      if (code !== undefined && ref.url.origin === ctx.page.origin) next.push(...scriptAssets(code, ref.url, ctx.page));
    }
    frontier = next;
  }
  if (seen.size === 0) {
    results.push(warn('page.asset', 'Page: names scripts the doctor can check', `${ctx.page.pathname} names no script, worklet or service worker the doctor can find.`,
      'If the page loads voicewire from a bundle, run the doctor against the deployed page, not a template.'));
  }
  return { results, refs: [...seen.values()] };
}

async function checkAsset(ref: AssetRef, ctx: AssetContext): Promise<{ result: CheckResult; code?: string }> {
  const title = `Page: ${ref.kind} ${ref.url.pathname} answers JavaScript`;
  const data = { url: ref.url.href, kind: ref.kind, from: ref.from };
  let res;
  try {
    res = await get(ref.url, { timeoutMs: ctx.timeoutMs });
  } catch (e) {
    return { result: fail('page.asset', title, `Could not fetch it: ${(e as Error).message}.`, 'Check the URL the page uses and that the server serves it.', data) };
  }
  const type = String(res.headers['content-type'] ?? '');
  const essence = type.split(';')[0].trim().toLowerCase();
  const html = essence === 'text/html' || /^\s*<(?:!doctype|html|head|body)/i.test(res.body);
  const withStatus = { ...data, status: res.status, contentType: type || undefined };
  if (res.status === 200 && JS_MIME.test(essence) && !html) {
    return { result: pass('page.asset', title, `200 ${essence}, ${res.body.length} bytes.`, withStatus), code: res.body };
  }
  if (html) {
    return { result: fail('page.asset.html', title, `${res.status} ${essence || '(no type)'}: an HTML page instead of the script — an SPA/service-worker fallback answers this path with index.html.`,
      `Serve the ${ref.kind} file itself: exclude script paths from the fallback (nginx: \`location ~* \\.m?js$ { try_files $uri =404; }\` before \`try_files $uri /index.html\`; ` +
        'a service worker: do not answer script/worklet requests with the app shell), deploy the file (a stale page may name chunks a new build removed), ' +
        'and let a missing file be a 404. See voicewire\'s docs/deploy.md.', withStatus) };
  }
  if (res.status !== 200) {
    return { result: fail('page.asset.missing', title, `HTTP ${res.status}.`, `Deploy ${ref.url.pathname} (for voicewire's worklets: copy dist/worklets/), or fix the URL the page names.`, withStatus) };
  }
  return { result: fail('page.asset.mime', title, `200 but Content-Type "${type || '(none)'}": browsers refuse module scripts, worklets and service workers without a JavaScript MIME type.`,
    'Serve .js and .mjs as text/javascript (nginx: put `mjs` on the JavaScript line of mime.types; Caddy does it by default), and send `X-Content-Type-Options: nosniff` only with the right type.', withStatus) };
}
