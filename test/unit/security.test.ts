import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ErrorCode, type VoicewireError } from '../../src/errors/errors.js';
import { createVoiceSession, type VoiceSession } from '../../src/session/voice-session.js';
import { streamAudio } from '../../src/session/stream-audio.js';
import { CaptureSink, TEST_TOKEN } from '../support/capture.js';
import { startDemoServer, type DemoServer } from '../support/demo-server.js';
import { until } from '../support/voice-server.js';

const sink = new CaptureSink();

/** The local addresses a TCP port listens on, from the kernel's own table (/proc/net/tcp{,6}, state 0A = LISTEN). */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const out: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state === '0A' && local?.endsWith(`:${hexPort}`)) out.push(local.split(':')[0]);
    }
  }
  return out;
}

/** Opens a raw socket and reports how the upgrade ended: an HTTP status, a close code, or open. */
function upgrade(url: string, headers: Record<string, string> = {}): Promise<{ status?: number; closeCode?: number; socket?: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
    ws.on('error', () => {});
    ws.on('open', () => {
      const timer = setTimeout(() => resolve({ socket: ws }), 300);
      ws.on('close', (code) => {
        clearTimeout(timer);
        resolve({ closeCode: code });
      });
    });
  });
}

describe('the local server (npm start) defends itself', () => {
  let server: DemoServer;
  beforeAll(async () => {
    server = await startDemoServer(['--max-sessions', '2', '--max-message-bytes', '4096']);
  });
  afterAll(async () => {
    await server.stop();
    sink.push(...server.lines);
    // Last: nothing any test in this file captured — errors, events, the server's log — holds the token.
    expect(sink.leaks()).toEqual([]);
  });

  it('binds loopback by default: the kernel lists it listening on 127.0.0.1 only', () => {
    expect(listeningAddresses(server.port)).toEqual(['0100007F']);
  });

  it('refuses a cross-origin upgrade with 403 (and logs it without the token in the URL)', async () => {
    const url = `ws://127.0.0.1:${server.port}/ws?token=${TEST_TOKEN}`;
    expect(await upgrade(url, { Origin: 'https://evil.example' })).toEqual({ status: 403 });
    const own = await upgrade(url, { Origin: `http://127.0.0.1:${server.port}` });
    expect(own.socket).toBeDefined();
    own.socket?.close();
    await server.waitForLine(/refused 403/);
  });

  it('caps the message size: a larger message is closed with 1009', async () => {
    const { socket } = await upgrade(`ws://127.0.0.1:${server.port}/ws`);
    const closed = new Promise<number>((r) => socket!.on('close', (code) => r(code)));
    socket!.send(Buffer.alloc(8192));
    expect(await closed).toBe(1009);
  });

  it('caps sessions: past --max-sessions a session gets SERVER_BUSY, and a slot frees when one ends', async () => {
    const url = `ws://127.0.0.1:${server.port}/ws`;
    // The sockets of the tests above must be gone first (the server logs each open and close with its count).
    const lastCount = () => server.lines.filter((l) => /(open|close) \/ws/.test(l)).at(-1) ?? '';
    await until(() => /\(0 sessions\)/.test(lastCount()), 5000, 'no sessions open');
    const sessions: VoiceSession[] = [];
    const errors: VoicewireError[] = [];
    const make = () => {
      const s = createVoiceSession({ url, auth: { token: TEST_TOKEN, via: 'query' }, audio: streamAudio() });
      s.on('error', (e) => errors.push(e));
      s.on('error', sink.listener('error'));
      sessions.push(s);
      return s;
    };
    await make().start();
    await make().start();
    const third = make();
    const refused = await third.start().then(() => null, (e: VoicewireError) => e);
    sink.push(refused);
    expect(refused?.code).toBe(ErrorCode.SERVER_BUSY);
    const mark = server.lines.length;
    await sessions[0].stop();
    await until(() => server.lines.slice(mark).some((l) => /close \/ws 1000 \(1 sessions\)/.test(l)), 5000, 'the slot to free');
    await third.start();
    expect(third.state).toBe('connected');
    for (const s of sessions) await s.stop();
    expect(errors.map((e) => e.code)).toEqual([ErrorCode.SERVER_BUSY]);
  });
});
