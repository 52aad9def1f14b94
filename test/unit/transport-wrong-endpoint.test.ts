import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moshiEndpoint } from '../../demo/server/moshi-endpoint.js';
import { pcmEndpoint } from '../../demo/server/pcm-endpoint.js';
import { startLocalServer, type LocalServer } from '../../demo/server/server.js';
import { ErrorCode, type VoicewireError } from '../../src/errors/errors.js';
import { identifyProtocol } from '../../src/protocols/identify.js';
import { kyutaiStt } from '../../src/protocols/kyutai/index.js';
import { moshi } from '../../src/protocols/moshi/index.js';
import type { ProtocolFactory } from '../../src/protocols/protocol.js';
import { realtime } from '../../src/protocols/realtime/index.js';
import { voicewire } from '../../src/protocols/voicewire/index.js';
import { createVoiceSession, type SessionState } from '../../src/session/voice-session.js';
import { streamAudio } from '../../src/session/stream-audio.js';
import { startKyutaiStt } from '../support/kyutai-server.js';
import { startVoiceServer } from '../support/voice-server.js';

/**
 * A client pointed at another protocol's endpoint is told so from the server's first message, at once, and the
 * session ends (issue 15 case 8); SERVER_BUSY stays for a server that says nothing at all.
 */
const FACTORIES: Record<string, ProtocolFactory> = { voicewire: voicewire(), moshi: moshi(), realtime: realtime(), 'kyutai-stt': kyutaiStt() };

describe('wrong protocol at an endpoint', () => {
  let server: LocalServer;
  let base: string;
  beforeAll(async () => {
    server = await startLocalServer({ host: '127.0.0.1', port: 0, allowedOrigins: [], maxSessions: 8, maxMessageBytes: 1 << 20, log: () => {} }, {
      '/ws': pcmEndpoint({ echoDelayMs: 0, clientHelloTimeoutMs: 300 }),
      '/api/chat': moshiEndpoint({ singleSession: false, log: () => {} }),
    });
    base = server.url.replace(/^http/, 'ws');
  });
  afterAll(() => server.close());

  async function run(url: string, name: 'voicewire' | 'moshi' | 'realtime' | 'kyutai-stt', helloTimeoutMs = 20_000) {
    const session = createVoiceSession({ url, protocol: FACTORIES[name], helloTimeoutMs, audio: streamAudio() });
    const states: SessionState[] = [];
    session.on('state', (s) => states.push(s));
    const started = Date.now();
    const error = await session.start().then(() => null, (e: VoicewireError) => e);
    return { error, states, ms: Date.now() - started, session };
  }

  it('a voicewire client at /api/chat: PROTOCOL_ERROR naming Moshi, at once, and closed', async () => {
    const { error, states, ms, session } = await run(`${base}/api/chat`, 'voicewire');
    expect(error?.code).toBe(ErrorCode.PROTOCOL_ERROR);
    expect(error?.message).toMatch(/speaks Moshi/);
    expect(error?.details).toMatchObject({ protocol: 'voicewire', endpointSpeaks: 'Moshi (/api/chat, kind-byte frames)' });
    expect(ms).toBeLessThan(10_000); // not the 20 s hello timeout
    expect(states.at(-1)).toBe('closed');
    expect(session.state).toBe('closed');
  });

  it('a Moshi client at /ws: the voicewire server\'s error names voicewire; not SERVER_BUSY', async () => {
    const { error, ms } = await run(`${base}/ws`, 'moshi');
    expect(error?.code).toBe(ErrorCode.PROTOCOL_ERROR);
    expect(error?.details.endpointSpeaks).toMatch(/^voicewire/);
    expect(ms).toBeLessThan(10_000);
  });

  it('a Realtime client at /api/chat and a Kyutai STT client at /ws are told too', async () => {
    expect((await run(`${base}/api/chat`, 'realtime')).error?.details.endpointSpeaks).toMatch(/^Moshi/);
    expect((await run(`${base}/ws`, 'kyutai-stt')).error?.details.endpointSpeaks).toMatch(/^voicewire/);
  });

  it('a voicewire client at a Kyutai STT server: named MessagePack at once', async () => {
    const stt = await startKyutaiStt({ words: [] });
    try {
      const { error } = await run(stt.url, 'voicewire');
      expect(error?.details.endpointSpeaks).toBe('Kyutai MessagePack (STT/TTS)');
    } finally {
      await stt.close();
    }
  });

  it('a server that says nothing is still SERVER_BUSY after the hello timeout, naming the protocol', async () => {
    const silent = await startVoiceServer({ hello: false });
    try {
      const { error } = await run(silent.url, 'voicewire', 300);
      expect(error?.code).toBe(ErrorCode.SERVER_BUSY);
      expect(error?.details.protocol).toBe('voicewire'); // not "[redacted]" (issue 15 case 11)
    } finally {
      await silent.close();
    }
  });

  it('identifyProtocol: each server\'s first message, and null for what it cannot tell', () => {
    expect(identifyProtocol('{"type":"hello","protocol":"voicewire","version":1}')).toMatch(/^voicewire/);
    expect(identifyProtocol('{"type":"session.created","session":{}}')).toBe('Realtime JSON');
    expect(identifyProtocol(new Uint8Array([0]))).toMatch(/^Moshi/);
    expect(identifyProtocol(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0]))).toMatch(/^Moshi/);
    expect(identifyProtocol(new Uint8Array([0x04, 0x7b, 0x7d]))).toMatch(/^Moshi/);
    expect(identifyProtocol(new Uint8Array([0x81, 0xa4, 0x74, 0x79, 0x70, 0x65, 0xa5, 0x52, 0x65, 0x61, 0x64, 0x79]))).toMatch(/^Kyutai/);
    expect(identifyProtocol(new Uint8Array([1, 2, 3]))).toBeNull();
    expect(identifyProtocol('not json')).toBeNull();
  });
});
