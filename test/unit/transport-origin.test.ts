import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pcmEndpoint } from '../../demo/server/pcm-endpoint.js';
import { startLocalServer, type LocalServer } from '../../demo/server/server.js';
import { ErrorCode, type VoicewireError } from '../../src/errors/errors.js';
import { voicewire } from '../../src/protocols/voicewire/index.js';
import { closeError } from '../../src/transport/close-errors.js';
import { Connection } from '../../src/transport/connection.js';

/** A refused Origin reads as a refused Origin, not as a dead server (issue 15 case 9). */
describe('a refused Origin', () => {
  let server: LocalServer;
  const log: string[] = [];
  beforeAll(async () => {
    server = await startLocalServer({ host: '127.0.0.1', port: 0, allowedOrigins: [], maxSessions: 8, maxMessageBytes: 1 << 20, log: (l) => log.push(l) }, {
      '/ws': pcmEndpoint({ echoDelayMs: 0 }),
    });
  });
  afterAll(() => server.close());

  it('Node: the local server\'s 403 says Origin → CONNECTION_FAILED naming the Origin check and --allow-origin; the server logs the flag that admits it', async () => {
    const conn = new Connection({ url: `${server.url.replace(/^http/, 'ws')}/ws`, protocol: voicewire(), headers: { Origin: 'http://evil.test' } });
    const error = await conn.connect().then(() => null, (e: VoicewireError) => e);
    expect(error?.code).toBe(ErrorCode.CONNECTION_FAILED);
    expect(error?.message).toBe('The server refused this page\'s Origin (HTTP 403 "Forbidden Origin"): it accepts WebSocket upgrades only from origins it allows.');
    expect(error?.remedy).toMatch(/--allow-origin <page origin>/);
    expect(error?.details).toMatchObject({ httpStatus: 403 });
    expect(log.filter((l) => l.startsWith('refused 403'))).toEqual([
      'refused 403 /ws: Forbidden Origin http://evil.test is not this server\'s origin; start it with --allow-origin http://evil.test to admit that page',
    ]);
  });

  it('a 403 that does not say Origin is still a refused credential', () => {
    const base = { code: 1006, reason: '', wasOpen: false, timedOut: false, connectTimeoutMs: 1, maxMessageBytes: 1, detailed: true, url: 'ws://h/ws', protocols: [], secrets: [] };
    expect(closeError({ ...base, httpStatus: 403, httpReason: 'Forbidden' })?.code).toBe(ErrorCode.AUTH_REJECTED);
  });

  it('a browser (1006, no cause) lists the Origin check and --allow-origin among the causes', () => {
    const error = closeError({ code: 1006, reason: '', wasOpen: false, timedOut: false, connectTimeoutMs: 1, maxMessageBytes: 1, detailed: false, url: 'ws://h/ws', protocols: ['voicewire.v1'], secrets: [] });
    expect(error?.code).toBe(ErrorCode.CONNECTION_FAILED);
    expect(error?.message).toMatch(/server is down or unreachable/);
    expect(error?.message).toMatch(/refused this page's Origin \(servers that check Origin answer a foreign page with 403; voicewire's local server admits one with `--allow-origin <page origin>`\)/);
    expect(error?.message).toMatch(/subprotocol offered \(voicewire\.v1\)/);
  });
});
