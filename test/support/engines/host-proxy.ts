import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface HostProxy {
  /** e.g. http://127.0.0.1:PORT, for MiniBrowser's --proxy. */
  url: string;
  close(): Promise<void>;
}

/**
 * A forward proxy that resolves `hosts` to 127.0.0.1 and every other name as usual. WebKitGTK has no host-resolver
 * flag (Chromium's --host-resolver-rules, Firefox's network.dns.localDomains), so an insecure test origin such as
 * http://voice.test:PORT reaches the loopback test server through this. Handles plain requests (absolute URI),
 * CONNECT (https, wss) and upgrades (ws:// sent as an absolute-URI GET with Upgrade).
 */
export async function startHostProxy(hosts: string[]): Promise<HostProxy> {
  const mapped = new Set(hosts.map((h) => h.toLowerCase()));
  const resolveHost = (host: string) => (mapped.has(host.toLowerCase()) ? '127.0.0.1' : host);
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const target = new URL(req.url ?? '/');
    const upstream = request(
      { host: resolveHost(target.hostname), port: target.port || 80, method: req.method, path: target.pathname + target.search, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  const tunnel = (client: Socket, host: string, port: number, head: Buffer, preamble?: string) => {
    const upstream = connect(port, resolveHost(host), () => {
      if (preamble === undefined) client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      else upstream.write(preamble);
      if (head.length) upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
  };
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const [host, port] = (req.url ?? '').split(':');
    tunnel(client, host, Number(port) || 443, head);
  });
  server.on('upgrade', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = new URL(req.url ?? '/');
    const lines = [`${req.method} ${target.pathname}${target.search} HTTP/1.1`];
    for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
    tunnel(client, target.hostname, Number(target.port) || 80, head, `${lines.join('\r\n')}\r\n\r\n`);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((done) => {
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
