import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface Fetched {
  url: URL;
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface GetOptions {
  timeoutMs: number;
  /** Redirects followed (a page's http→https); assets are requested without following, as a worklet load would see them. */
  redirects?: number;
  maxBytes?: number;
}

/**
 * A GET with node:http(s) rather than fetch: the page's certificate has already been judged, and undici's fetch
 * cannot be told to go on past a self-signed one without a dispatcher package.
 */
export function get(url: URL, options: GetOptions): Promise<Fetched> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const maxBytes = options.maxBytes ?? 2_000_000;
  return new Promise((resolve, reject) => {
    const r = send(url, { method: 'GET', rejectUnauthorized: false, timeout: options.timeoutMs, headers: { Accept: '*/*', 'User-Agent': 'voicewire-doctor' } }, (res) => {
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (status >= 300 && status < 400 && location && (options.redirects ?? 0) > 0) {
        res.resume();
        get(new URL(location, url), { ...options, redirects: (options.redirects ?? 0) - 1 }).then(resolve, reject);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= maxBytes) chunks.push(c);
        else res.destroy();
      });
      const finish = () => resolve({ url, status, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.once('end', finish);
      res.once('close', finish);
    });
    r.once('timeout', () => r.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    r.on('error', reject);
    r.end();
  });
}
