import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors/errors.js';
import type { ProtocolEvent } from '../../src/protocols/protocol.js';
import { VoicewireProtocol } from '../../src/protocols/voicewire/voicewire.js';

const SERVER_HELLO = '{"type":"hello","protocol":"voicewire","version":1,"role":"server","audio":{"sampleRate":16000,"channels":1,"format":"f32le","frameMs":20}}';

async function ready(options = {}): Promise<VoicewireProtocol> {
  const p = new VoicewireProtocol(options);
  expect(await p.decode(SERVER_HELLO)).toEqual([{ type: 'ready', info: { protocol: 'voicewire', version: 1, audio: { sampleRate: 16000, channels: 1, format: 'float32', frameMs: 20 } } }]);
  return p;
}

function errorOf(events: ProtocolEvent[]): { code: string; fatal: boolean; reason: unknown } {
  expect(events).toHaveLength(1);
  const e = events[0];
  if (e.type !== 'error') throw new Error(`expected an error event, got ${e.type}`);
  return { code: e.error.code, fatal: e.fatal, reason: e.error.details.reason };
}

describe('voicewire protocol: client → server golden bytes', () => {
  it('hello (docs/protocol.md verbatim), audio only after the server hello, s16le and f32le frames', async () => {
    const p = new VoicewireProtocol();
    expect(p.subprotocols).toEqual(['voicewire.v1']);
    expect(p.open()).toEqual(['{"type":"hello","protocol":"voicewire","versions":[1,2],"role":"client","audio":{"sampleRate":24000,"channels":1,"format":"s16le","frameMs":20}}']);
    expect(await p.encodeAudio(new Float32Array([0.5]))).toEqual([]);
    await p.decode(SERVER_HELLO);
    const [s16] = await p.encodeAudio(new Float32Array([0, 1, -1, 0.5, -0.5, 2, Number.NaN]));
    expect([...(s16 as Uint8Array)]).toEqual([0, 0, 0xff, 0x7f, 0x00, 0x80, 0x00, 0x40, 0x00, 0xc0, 0xff, 0x7f, 0, 0]);
    const f = await ready({ format: 'float32' });
    const [f32] = await f.encodeAudio(new Float32Array([1, -0.5]));
    expect([...(f32 as Uint8Array)]).toEqual([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xbf]);
  });

  it('end, ping, control and error messages', () => {
    const p = new VoicewireProtocol();
    expect(p.flush()).toEqual(['{"type":"end"}']);
    expect(p.message({ type: 'ping', id: 1, t: 5 })).toBe('{"type":"ping","id":1,"t":5}');
    expect(p.message({ type: 'control', action: 'tone', frequency: 440, durationMs: 200 })).toBe('{"type":"control","action":"tone","frequency":440,"durationMs":200}');
    expect(p.message({ type: 'error', code: 'X', message: 'm', fatal: false })).toBe('{"type":"error","code":"X","message":"m","fatal":false}');
  });
});

describe('voicewire protocol: server → client golden bytes', () => {
  it('audio in the server\'s announced format and rate', async () => {
    const p = await ready();
    expect(await p.decode(new Uint8Array([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xbf]))).toEqual([{ type: 'audio', pcm: new Float32Array([1, -0.5]), sampleRate: 16000 }]);
    const s = new VoicewireProtocol();
    await s.decode(SERVER_HELLO.replace('f32le', 's16le'));
    expect(await s.decode(new Uint8Array([0xff, 0x7f, 0x00, 0x80]))).toEqual([{ type: 'audio', pcm: new Float32Array([1, -1]), sampleRate: 16000 }]);
  });

  it('text, speech, pong, end, error, ping (answered by a pong reply), unknown types ignored', async () => {
    const p = await ready();
    expect(await p.decode('{"type":"text","text":"hi","source":"transcript","final":true}')).toEqual([{ type: 'text', text: 'hi', source: 'transcript', final: true }]);
    expect(await p.decode('{"type":"text","text":"yo","source":"response","final":false}')).toEqual([{ type: 'text', text: 'yo', source: 'response', final: false }]);
    expect(await p.decode('{"type":"speech","state":"started","atMs":1500}')).toEqual([{ type: 'speech', state: 'started', atS: 1.5 }]);
    expect(await p.decode('{"type":"speech","state":"stopped","atMs":2500,"durationMs":1000}')).toEqual([{ type: 'speech', state: 'stopped', atS: 2.5, durationS: 1 }]);
    expect(await p.decode('{"type":"pong","id":4,"t":10}')).toEqual([{ type: 'metadata', data: { pong: { id: 4, t: 10 } } }]);
    expect(await p.decode('{"type":"end"}')).toEqual([{ type: 'end' }]);
    expect(await p.decode('{"type":"ping","id":9,"t":77}')).toEqual([]);
    expect(p.takeReplies()).toEqual(['{"type":"pong","id":9,"t":77}']);
    expect(p.takeReplies()).toEqual([]);
    expect(await p.decode('{"type":"future-thing","x":1}')).toEqual([]);
    const busy = await p.decode('{"type":"error","code":"SERVER_BUSY","message":"full","fatal":true}');
    expect(errorOf(busy)).toMatchObject({ code: ErrorCode.SERVER_BUSY, fatal: true });
    expect(errorOf(await p.decode('{"type":"error","code":"BOOM","message":"m","fatal":false}'))).toMatchObject({ code: ErrorCode.SERVER_ERROR, fatal: false });
    expect(errorOf(await p.decode('{"type":"error","code":"VERSION_UNSUPPORTED","message":"m","supported":[1],"fatal":true}'))).toMatchObject({ code: ErrorCode.PROTOCOL_ERROR, fatal: true });
  });

  it('bad input is a PROTOCOL_ERROR event: fatal for a bad hello (close 1002), not for a bad frame', async () => {
    const fresh = new VoicewireProtocol();
    expect(errorOf(await fresh.decode(new Uint8Array(4)))).toMatchObject({ code: 'PROTOCOL_ERROR', fatal: false, reason: 'audio arrived before the server hello' });
    const wrongVersion = errorOf(await fresh.decode(SERVER_HELLO.replace('"version":1', '"version":3')));
    expect(wrongVersion).toMatchObject({ code: 'PROTOCOL_ERROR', fatal: true });
    expect(fresh.ready).toBe(false);
    expect(errorOf(await fresh.decode(SERVER_HELLO.replace('"channels":1', '"channels":2')))).toMatchObject({ fatal: true });
    const p = await ready();
    const odd = await p.decode(new Uint8Array(6));
    expect(odd[0].type === 'error' && odd[0].error.details).toMatchObject({ bytes: 6, position: 4 });
    expect(errorOf(await p.decode('not json'))).toMatchObject({ fatal: false, reason: 'a text frame is not JSON' });
    expect(errorOf(await p.decode('[1,2]'))).toMatchObject({ fatal: false });
    expect(errorOf(await p.decode('{"type":3}'))).toMatchObject({ fatal: false });
    expect(errorOf(await p.decode(SERVER_HELLO))).toMatchObject({ fatal: false, reason: 'a second hello' });
    expect(errorOf(await p.decode('{"type":"speech","state":"maybe"}'))).toMatchObject({ fatal: false });
    expect(await p.decode('{"type":"end"}')).toEqual([{ type: 'end' }]); // the session goes on
  });
});
