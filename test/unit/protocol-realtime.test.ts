import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors/errors.js';
import { decodeBase64, encodeBase64 } from '../../src/protocols/realtime/base64.js';
import { encodePcm } from '../../src/dsp/pcm.js';
import type { ProtocolEvent } from '../../src/protocols/protocol.js';
import { RealtimeProtocol } from '../../src/protocols/realtime/realtime.js';
import type { RealtimeAudioCodec } from '../../src/protocols/realtime/realtime-audio.js';

function only(events: ProtocolEvent[]): ProtocolEvent {
  expect(events).toHaveLength(1);
  return events[0];
}

describe('base64', () => {
  it('matches Node\'s encoder on every length and rejects bad characters with their offset', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
      const text = encodeBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect(decodeBase64(text)).toEqual(bytes);
      expect(decodeBase64(text.replace(/=+$/, ''))).toEqual(bytes);
    }
    expect(decodeBase64('AA*A')).toEqual({ badAt: 2 });
    expect(decodeBase64('A')).toEqual({ badAt: 1 });
  });
});

describe('Realtime protocol: client → server golden messages', () => {
  it('session.update first (pcm16 by default, user session merged), base64 pcm16 appends, commit on flush', async () => {
    const p = new RealtimeProtocol({ session: { instructions: 'be brief', voice: 'x' } });
    expect(p.subprotocols).toEqual(['realtime']);
    expect(p.reconnectable).toBe(false);
    expect(p.open()).toEqual(['{"type":"session.update","session":{"input_audio_format":"pcm16","output_audio_format":"pcm16","instructions":"be brief","voice":"x"}}']);
    expect(await p.encodeAudio(new Float32Array([0.5, -0.5, 1]))).toEqual(['{"type":"input_audio_buffer.append","audio":"AEAAwP9/"}']);
    expect(p.flush()).toEqual(['{"type":"input_audio_buffer.commit"}']);
  });

  it('a plugged audio codec (e.g. Ogg Opus for unmute) decides the bytes and the session fields', async () => {
    const codec: RealtimeAudioCodec = {
      name: 'fake-ogg',
      sessionFields: { input_audio_format: 'ogg' },
      encode: async (pcm) => [new Uint8Array([0x4f, 0x67, 0x67, pcm.length])],
      decode: async (bytes) => (bytes[0] === 0x4f ? new Float32Array([bytes.length]) : 'not an Ogg page'),
      close: () => {},
    };
    const p = new RealtimeProtocol({ audio: codec });
    expect(p.open()).toEqual(['{"type":"session.update","session":{"input_audio_format":"ogg"}}']);
    expect(await p.encodeAudio(new Float32Array(2))).toEqual(['{"type":"input_audio_buffer.append","audio":"T2dnAg=="}']);
    expect(await p.decode('{"type":"response.audio.delta","delta":"T2dnAg=="}')).toEqual([{ type: 'audio', pcm: new Float32Array([4]), sampleRate: 24000 }]);
    const bad = only(await p.decode('{"type":"response.audio.delta","delta":"AAAA"}'));
    expect(bad.type === 'error' && bad.error.message).toMatch(/not fake-ogg: not an Ogg page/);
  });
});

describe('Realtime protocol: server → client golden messages', () => {
  it('every event kind', async () => {
    const p = new RealtimeProtocol();
    expect(p.ready).toBe(false);
    expect(await p.decode('{"type":"session.updated","session":{"voice":"x"}}')).toEqual([{ type: 'ready', info: { protocol: 'realtime', event: 'session.updated', session: { voice: 'x' } } }]);
    expect(p.ready).toBe(true);
    expect(await p.decode('{"type":"session.created","session":{}}')).toEqual([]);
    expect(await p.decode('{"type":"response.audio.delta","delta":"AEAAwP9/"}')).toEqual([{ type: 'audio', pcm: new Float32Array([16384 / 32767, -0.5, 1]), sampleRate: 24000 }]);
    expect(await p.decode('{"type":"response.output_audio.delta","delta":""}')).toEqual([]);
    expect(await p.decode('{"type":"response.text.delta","delta":"Hel"}')).toEqual([{ type: 'text', text: 'Hel', source: 'response', final: false }]);
    expect(await p.decode('{"type":"response.audio_transcript.delta","delta":"lo"}')).toEqual([{ type: 'text', text: 'lo', source: 'response', final: false }]);
    expect(await p.decode('{"type":"conversation.item.input_audio_transcription.delta","delta":"hi"}')).toEqual([{ type: 'text', text: 'hi', source: 'transcript', final: false }]);
    expect(await p.decode('{"type":"conversation.item.input_audio_transcription.completed","transcript":"hi there"}')).toEqual([{ type: 'text', text: 'hi there', source: 'transcript', final: true }]);
    expect(await p.decode('{"type":"input_audio_buffer.speech_started","audio_start_ms":1200}')).toEqual([{ type: 'speech', state: 'started', atS: 1.2 }]);
    expect(await p.decode('{"type":"input_audio_buffer.speech_stopped","audio_end_ms":2000}')).toEqual([{ type: 'speech', state: 'stopped', atS: 2 }]);
    expect(await p.decode('{"type":"response.done","response":{"id":"r"}}')).toEqual([{ type: 'metadata', data: { event: 'response.done', response: { id: 'r' } } }]);
    expect(await p.decode('{"type":"rate_limits.updated"}')).toEqual([]);
    const err = only(await p.decode('{"type":"error","error":{"type":"invalid_request_error","message":"bad"}}'));
    expect(err).toMatchObject({ type: 'error', fatal: false });
    expect(err.type === 'error' && [err.error.code, err.error.message]).toEqual([ErrorCode.SERVER_ERROR, 'The realtime server reported an error: invalid_request_error: bad']);
    const auth = only(await p.decode('{"type":"error","error":{"type":"invalid_request_error","code":"invalid_api_key","message":"no"}}'));
    expect(auth.type === 'error' && auth.error.code).toBe(ErrorCode.AUTH_REJECTED);
  });

  it('bad input → PROTOCOL_ERROR events with the reason and position', async () => {
    const p = new RealtimeProtocol();
    for (const [input, reason] of [
      [new Uint8Array([1, 2]), 'a 2-byte binary frame (Realtime is JSON text only)'],
      ['{', 'a text frame is not JSON'],
      ['{"x":1}', 'a message without a string "type"'],
      ['{"type":"response.audio.delta"}', 'a message without a string "delta"'],
    ] as const) {
      const e = only(await p.decode(input));
      expect(e.type === 'error' && [e.error.code, e.error.details.reason, e.fatal]).toEqual([ErrorCode.PROTOCOL_ERROR, reason, false]);
    }
    const b64 = only(await p.decode('{"type":"response.audio.delta","delta":"AA!A"}'));
    expect(b64.type === 'error' && b64.error.details.position).toBe(2);
  });
});

describe('Realtime pcm16 deltas are one byte stream (issue 15 case 5)', () => {
  it('50 deltas of 481/479 bytes play all 12 000 samples of the source tone within 16-bit rounding', async () => {
    const tone = Float32Array.from({ length: 12000 }, (_, i) => 0.6 * Math.sin((2 * Math.PI * 440 * i) / 24000));
    const bytes = encodePcm(tone, 'int16');
    const p = new RealtimeProtocol();
    const played: number[] = [];
    let offset = 0;
    for (let d = 0; d < 50; d++) {
      const size = d % 2 === 0 ? 481 : 479;
      const events = await p.decode(JSON.stringify({ type: 'response.audio.delta', delta: encodeBase64(bytes.subarray(offset, offset + size)) }));
      offset += size;
      for (const e of events) {
        expect(e.type).toBe('audio');
        if (e.type === 'audio') played.push(...e.pcm);
      }
    }
    expect(offset).toBe(24000);
    expect(played).toHaveLength(12000);
    // One 16-bit step is 1/32767; rounding costs at most half of it.
    let worst = 0;
    for (let i = 0; i < 12000; i++) worst = Math.max(worst, Math.abs(played[i] - tone[i]));
    expect(worst).toBeLessThanOrEqual(0.5 / 32767 + 1e-9);
  });

  it('a one-byte delta yields nothing and its byte completes the next sample; a new session starts aligned', async () => {
    const p = new RealtimeProtocol();
    expect(await p.decode('{"type":"response.audio.delta","delta":"AA=="}')).toEqual([]); // 0x00
    expect(await p.decode('{"type":"response.audio.delta","delta":"QA=="}')).toEqual([{ type: 'audio', pcm: new Float32Array([0x4000 / 0x7fff]), sampleRate: 24000 }]);
    const fresh = new RealtimeProtocol();
    expect(await fresh.decode('{"type":"response.audio.delta","delta":"AEA="}')).toEqual([{ type: 'audio', pcm: new Float32Array([0x4000 / 0x7fff]), sampleRate: 24000 }]);
  });
});
