/** A script the page will load, and how it is loaded (which decides what a wrong answer breaks). */
export interface AssetRef {
  url: URL;
  kind: 'script' | 'module' | 'worklet' | 'service-worker' | 'worker';
  /** Where it was named (redacted later by the caller). */
  from: string;
}

/** `src`/`href` of script tags and script preloads. Attribute order varies, so each tag is read whole. */
const TAG = /<(script|link)\b([^>]*)>/gi;
const ATTR = (name: string) => new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i');

/** JavaScript forms that name another script, each with the loader it implies. */
const JS_FORMS: ReadonlyArray<readonly [RegExp, AssetRef['kind']]> = [
  [/serviceWorker\s*\.\s*register\(\s*(['"`])([^'"`]+)\1/g, 'service-worker'],
  [/\.addModule\(\s*(['"`])([^'"`]+)\1/g, 'worklet'],
  [/new\s+(?:Shared)?Worker\(\s*(['"`])([^'"`]+)\1/g, 'worker'],
  [/new\s+URL\(\s*(['"`])([^'"`]+\.m?js)\1\s*,\s*import\.meta\.url\s*\)/g, 'module'],
  [/\bimport\s*\(\s*(['"`])([^'"`]+)\1\s*\)/g, 'module'],
  [/\b(?:import|export)\b[^'"`;]*?\bfrom\s*(['"`])([^'"`]+)\1/g, 'module'],
  [/\bimport\s*(['"`])([^'"`]+)\1/g, 'module'],
];
/**
 * voicewire's self-hosted processor module (dist/worklets/voicewire.processor.js; any *.processor.js), however the
 * page passes it (`moduleUrl`), also as a bundler renames it (Vite's `?url`: assets/voicewire.processor-[hash].js).
 */
const PROCESSOR_LITERAL = /(['"`])([^'"`\s]+\.processor(?:-[\w-]+)?\.js)\1/g;

/** The path names a processor file (see PROCESSOR_LITERAL), so a page that refuses `blob:` has a fallback. */
export function isProcessorFile(pathname: string): boolean {
  return /\.processor(?:-[\w-]+)?\.js$/.test(pathname);
}

/** Relative or absolute URLs only: a bare specifier (`'voicewire'`) is the bundler's business, not the server's. */
function resolveRef(spec: string, base: URL): URL | null {
  if (!/^(?:\.{0,2}\/|https?:\/\/)/.test(spec)) return null;
  try {
    const url = new URL(spec, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/** Scripts an HTML page names in its tags and inline scripts. */
export function htmlAssets(html: string, page: URL): AssetRef[] {
  const out: AssetRef[] = [];
  for (const [, tag, attrs] of html.matchAll(TAG)) {
    const pick = (name: string) => {
      const m = ATTR(name).exec(attrs);
      return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
    };
    if (tag.toLowerCase() === 'script') {
      const src = pick('src');
      const url = src === undefined ? null : resolveRef(src.startsWith('/') || src.startsWith('.') || /^https?:/.test(src) ? src : `./${src}`, page);
      if (url) out.push({ url, kind: pick('type') === 'module' ? 'module' : 'script', from: `<script src> in ${page.pathname}` });
    } else {
      const rel = (pick('rel') ?? '').toLowerCase();
      const as = (pick('as') ?? '').toLowerCase();
      const href = pick('href');
      if (href && (rel === 'modulepreload' || (rel === 'preload' && (as === 'script' || as === 'worker')))) {
        const url = resolveRef(href.startsWith('/') || href.startsWith('.') || /^https?:/.test(href) ? href : `./${href}`, page);
        if (url) out.push({ url, kind: 'module', from: `<link rel=${rel}> in ${page.pathname}` });
      }
    }
  }
  for (const [, body] of html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)) out.push(...scriptAssets(body, page, page));
  return out;
}

/**
 * Scripts a script names. Module specifiers and `new URL(…, import.meta.url)` resolve against the script itself;
 * `register`, `addModule` and `new Worker` resolve against the page, as the browser does.
 */
export function scriptAssets(code: string, script: URL, page: URL): AssetRef[] {
  const out: AssetRef[] = [];
  const named = new Set<string>();
  for (const [pattern, kind] of JS_FORMS) {
    for (const m of code.matchAll(pattern)) {
      named.add(m[2]);
      const url = resolveRef(m[2], kind === 'module' ? script : page);
      if (url) out.push({ url, kind, from: script.pathname });
    }
  }
  // A bare literal: only when no form above already placed it (`new URL('./x.processor.js', import.meta.url)`).
  for (const m of code.matchAll(PROCESSOR_LITERAL)) {
    const url = named.has(m[2]) ? null : resolveRef(m[2], page);
    if (url) out.push({ url, kind: 'worklet', from: script.pathname });
  }
  return out;
}
