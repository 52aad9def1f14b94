/**
 * Just enough of CSP Level 3 to answer three questions about a page's policy: may a worklet load from `blob:`, may
 * WebAssembly compile (`'wasm-unsafe-eval'`), and may the page connect to the socket URL. Every policy must allow
 * it (§ 4.2: multiple policies are all enforced).
 */
export type Policy = ReadonlyMap<string, readonly string[]>;

export function parsePolicies(headerValues: readonly string[]): Policy[] {
  return headerValues.flatMap((v) => v.split(',')).map((text) => {
    const map = new Map<string, string[]>();
    for (const part of text.split(';')) {
      const [name, ...values] = part.trim().split(/\s+/);
      if (name && !map.has(name.toLowerCase())) map.set(name.toLowerCase(), values);
    }
    return map;
  }).filter((p) => p.size > 0);
}

/** The directive that governs a fetch kind, with its fallback chain (§ 6.8.3, "directive fallback list"). */
const FALLBACK: Readonly<Record<string, readonly string[]>> = {
  'script-src': ['script-src', 'default-src'],
  'connect-src': ['connect-src', 'default-src'],
  'worker-src': ['worker-src', 'child-src', 'script-src', 'default-src'],
};

export function sourcesFor(policy: Policy, directive: string): readonly string[] | undefined {
  for (const name of FALLBACK[directive] ?? [directive]) {
    const values = policy.get(name);
    if (values) return values;
  }
  return undefined;
}

/** Whether a source list allows a keyword or scheme source such as `blob:` or `'wasm-unsafe-eval'`. */
export function allowsKeyword(sources: readonly string[] | undefined, ...accepted: string[]): boolean {
  return sources === undefined || sources.some((s) => accepted.includes(s.toLowerCase()));
}

/** Whether a source list allows a request to `target` from a page at `page` (§ 6.7.2.5–6.7.2.8, simplified: no paths). */
export function allowsUrl(sources: readonly string[] | undefined, target: URL, page: URL): boolean {
  if (sources === undefined) return true;
  const scheme = target.protocol.slice(0, -1);
  const port = target.port || (scheme === 'wss' || scheme === 'https' ? '443' : '80');
  return sources.some((raw) => {
    const s = raw.toLowerCase();
    // '*' matches every network scheme, ws(s) included (CSP3 § 6.7.2.6); 'self' matches ws(s) of the page's host.
    if (s === '*') return true;
    if (s === "'self'") return target.hostname === page.hostname && port === (page.port || (page.protocol === 'https:' ? '443' : '80')) && (scheme === 'wss' || page.protocol === 'http:');
    if (/^[a-z][a-z0-9+.-]*:$/.test(s)) return s === `${scheme}:` || (s === 'https:' && scheme === 'wss') || (s === 'http:' && scheme === 'ws');
    const m = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\*\.)?([^:/]+|\*)(?::(\d+|\*))?/.exec(s);
    if (!m || s.startsWith("'")) return false;
    const [, srcScheme, wildcard, host, srcPort] = m;
    if (srcScheme && srcScheme !== scheme && !(srcScheme === 'https' && scheme === 'wss') && !(srcScheme === 'http' && (scheme === 'ws' || scheme === 'wss'))) return false;
    const hostOk = host === '*' || (wildcard ? target.hostname.endsWith(`.${host}`) : target.hostname === host);
    const defaultPort = srcScheme === undefined || srcScheme === scheme || srcScheme === 'http' || srcScheme === 'https';
    const portOk = srcPort === '*' || (srcPort ? srcPort === port : defaultPort && (port === '443' || port === '80'));
    return hostOk && portOk;
  });
}
