import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * A TCP proxy on loopback between a client and a real server, driven by the test: it forwards bytes untouched
 * until told to delay, throttle, blackhole or cut. The WebSocket above it sees a real network fault: a blackhole
 * sends no FIN and no RST (the peers' kernels keep the connection), a cut closes both sockets at once.
 */
export interface FaultProxy {
  port: number;
  /** e.g. ws://127.0.0.1:PORT/ws */
  url(path: string, scheme?: 'ws' | 'http'): string;
  /** Holds every chunk this long before forwarding it (each direction, order kept). */
  delay(ms: number): void;
  /** Forwards at most this many bytes per second in each direction; reading pauses while 64 KiB wait. */
  throttle(bytesPerSecond: number): void;
  /** Stops forwarding both ways and stops reading, so TCP backpressure builds like on a dead path. New connections hang too. */
  blackhole(): void;
  /** Destroys both sockets of every connection open now. */
  cut(): void;
  /** Back to plain forwarding: no delay, no throttle, no blackhole (held bytes flow again). */
  heal(): void;
  /** Connections opened through the proxy so far, and those still open. */
  readonly opened: number;
  readonly open: number;
  /** Bytes forwarded client → server and server → client. */
  readonly bytes: { up: number; down: number };
  close(): Promise<void>;
}

interface Link {
  from: Socket;
  to: Socket;
  queue: { chunk: Buffer; at: number }[];
  queued: number;
  direction: 'up' | 'down';
  /** Bytes this direction may still forward now (a token bucket holding at most 100 ms of the rate). */
  allowance: number;
}

const HIGH_WATER = 64 * 1024;

export async function startFaultProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<FaultProxy> {
  let delayMs = 0;
  let rate = Infinity;
  let holding = false;
  let lastTick = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const links = new Set<Link>();
  const pairs = new Set<[Socket, Socket]>();
  const bytes = { up: 0, down: 0 };
  let opened = 0;

  const pump = () => {
    timer = undefined;
    const now = performance.now();
    const earned = ((now - lastTick) / 1000) * rate;
    lastTick = now;
    let waiting = false;
    for (const link of links) {
      link.allowance = Math.min(rate / 10, link.allowance + earned);
      while (!holding && link.queue.length > 0 && link.queue[0].at + delayMs <= now && link.allowance >= 1) {
        const head = link.queue[0];
        const n = Math.min(head.chunk.length, Math.floor(link.allowance));
        const part = n === head.chunk.length ? head.chunk : head.chunk.subarray(0, n);
        if (n === head.chunk.length) link.queue.shift();
        else head.chunk = head.chunk.subarray(n);
        link.allowance -= n;
        link.queued -= n;
        bytes[link.direction] += n;
        if (!link.to.destroyed) link.to.write(part);
      }
      if (!holding && link.queued < HIGH_WATER && link.from.isPaused()) link.from.resume();
      if (link.queue.length > 0) waiting = true;
    }
    if (waiting && !holding) timer = setTimeout(pump, 5);
  };
  const kick = () => {
    if (timer === undefined && !holding) timer = setTimeout(pump, 0);
  };

  const wire = (from: Socket, to: Socket, direction: 'up' | 'down') => {
    const link: Link = { from, to, queue: [], queued: 0, direction, allowance: 0 };
    links.add(link);
    from.on('data', (chunk: Buffer) => {
      link.queue.push({ chunk, at: performance.now() });
      link.queued += chunk.length;
      if (holding || link.queued >= HIGH_WATER) from.pause();
      kick();
    });
    // A FIN from one side is passed on only when nothing is held back (a blackhole delivers no FIN either).
    from.on('end', () => {
      const finish = () => (link.queue.length === 0 && !holding ? to.end() : setTimeout(finish, 5));
      finish();
    });
    from.on('close', () => {
      links.delete(link);
      to.destroy();
    });
    from.on('error', () => to.destroy());
  };

  const server = createServer({ pauseOnConnect: true }, (client) => {
    opened++;
    const upstream = createConnection({ port: targetPort, host: targetHost });
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.on('close', () => pairs.delete(pair));
    wire(client, upstream, 'up');
    wire(upstream, client, 'down');
    if (holding) upstream.pause();
    else client.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    url: (path, scheme = 'ws') => `${scheme}://127.0.0.1:${port}${path}`,
    delay(ms) {
      delayMs = ms;
    },
    throttle(bytesPerSecond) {
      rate = bytesPerSecond;
      for (const link of links) link.allowance = 0;
      lastTick = performance.now();
    },
    blackhole() {
      holding = true;
      clearTimeout(timer);
      timer = undefined;
      for (const link of links) link.from.pause();
    },
    cut() {
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
    },
    heal() {
      delayMs = 0;
      rate = Infinity;
      holding = false;
      for (const link of links) link.from.resume();
      kick();
    },
    get opened() {
      return opened;
    },
    get open() {
      return pairs.size;
    },
    bytes,
    close: () => new Promise<void>((resolve) => {
      clearTimeout(timer);
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      server.close(() => resolve());
    }),
  };
}
