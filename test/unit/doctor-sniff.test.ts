import { encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { sniff } from '../../src/doctor/sniff.js';

describe('sniff: which protocol a first message belongs to', () => {
  it('Moshi: the Python handshake (one 0x00 byte), the Rust one (8-byte payload), metadata 0x04, error 0x05', () => {
    expect(sniff(Buffer.from([0]))).toMatchObject({ protocol: 'moshi', what: 'Moshi handshake (kind 0x00, 0-byte payload)' });
    expect(sniff(Buffer.from([0, 0, 0, 0, 0, 1, 0, 0, 0]))).toMatchObject({ protocol: 'moshi', info: { version: 0, model: 1 } });
    expect(sniff(Buffer.concat([Buffer.from([4]), Buffer.from('{"text_temperature":0.7}')])).what).toBe('Moshi metadata message (kind 0x04)');
    expect(sniff(Buffer.concat([Buffer.from([5]), Buffer.from('model not loaded')]))).toMatchObject({ protocol: 'moshi', error: 'model not loaded' });
  });

  it('Kyutai: a MessagePack map with a string type (Ready; Error with its message)', () => {
    expect(sniff(Buffer.from(encode({ type: 'Ready' })))).toMatchObject({ protocol: 'kyutai', what: 'MessagePack Ready' });
    expect(sniff(Buffer.from(encode({ type: 'Error', message: 'no free channels' })))).toMatchObject({ protocol: 'kyutai', error: 'no free channels' });
  });

  it('voicewire: the server hello (docs/protocol.md) and its error message', () => {
    expect(sniff('{"type":"hello","protocol":"voicewire","version":1,"role":"server","audio":{}}')).toMatchObject({ protocol: 'voicewire', what: 'voicewire hello (version 1)' });
    expect(sniff('{"type":"error","code":"SERVER_BUSY","message":"full","fatal":true}')).toMatchObject({ protocol: 'voicewire', error: 'SERVER_BUSY: full' });
  });

  it('Realtime: dotted event types, and error events with a nested error object', () => {
    expect(sniff('{"type":"session.created","session":{}}')).toMatchObject({ protocol: 'realtime', what: 'Realtime session.created event' });
    expect(sniff('{"type":"error","error":{"type":"invalid_request_error","message":"bad key"}}')).toMatchObject({ protocol: 'realtime', error: 'bad key' });
  });

  it('anything else is unknown and says what it was', () => {
    expect(sniff('<html>')).toMatchObject({ protocol: 'unknown', what: 'a text message that is not JSON ("<html>")' });
    expect(sniff(Buffer.from([0x42, 1, 2]))).toMatchObject({ protocol: 'unknown', what: 'a binary message of 3 bytes starting 0x42' });
    expect(sniff('{"kind":"x"}').protocol).toBe('unknown');
  });
});
