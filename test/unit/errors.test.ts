import { describe, expect, it } from 'vitest';
import { ErrorCode, VoicewireError, isVoicewireError } from '../../src/errors/errors.js';
import { redactHeaders, redactSubprotocols, redactText, redactUrl, redactValue, registerSecretSubprotocol } from '../../src/errors/redact.js';

const TOKEN = 'sk-live-0123456789abcdef';

describe('VoicewireError', () => {
  it('carries code, message, remedy, cause and details', () => {
    const cause = new TypeError('boom');
    const err = new VoicewireError({ code: ErrorCode.PROTOCOL_ERROR, message: 'bad frame', remedy: 'update the server', cause, details: { offset: 3 } });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('VoicewireError');
    expect(err.code).toBe('PROTOCOL_ERROR');
    expect(err.remedy).toBe('update the server');
    expect((err.cause as Error).name).toBe('TypeError');
    expect((err.cause as Error).message).toBe('boom');
    expect(err.details).toEqual({ offset: 3 });
    expect(Object.isFrozen(err.details)).toBe(true);
    expect(String(err)).toBe('VoicewireError [PROTOCOL_ERROR]: bad frame\nRemedy: update the server');
    expect(isVoicewireError(err)).toBe(true);
    expect(isVoicewireError(err, ErrorCode.PROTOCOL_ERROR)).toBe(true);
    expect(isVoicewireError(err, ErrorCode.SERVER_ERROR)).toBe(false);
    expect(isVoicewireError(cause)).toBe(false);
  });

  it('exports every code as a const whose value is its name', () => {
    for (const [k, v] of Object.entries(ErrorCode)) expect(v).toBe(k);
    for (const code of ['INSECURE_CONTEXT', 'MIXED_CONTENT', 'INVALID_URL', 'WORKLET_UNSUPPORTED', 'WORKLET_NOT_FOUND',
      'WORKLET_NOT_JAVASCRIPT', 'WORKLET_BLOCKED_BY_CSP', 'WORKLET_SYNTAX_ERROR', 'WORKLET_PROCESSOR_NOT_REGISTERED',
      'AUDIO_CONTEXT_BLOCKED', 'MICROPHONE_UNAVAILABLE', 'MICROPHONE_DENIED', 'MICROPHONE_NOT_FOUND', 'MICROPHONE_IN_USE',
      'OUTPUT_DEVICE_UNSUPPORTED', 'OUTPUT_DEVICE_NOT_FOUND',
      'CONNECTION_FAILED', 'CONNECTION_TIMEOUT', 'CONNECTION_CLOSED', 'AUTH_REJECTED', 'SERVER_BUSY', 'SERVER_ERROR',
      'PROTOCOL_ERROR', 'CODEC_UNSUPPORTED']) {
      expect(ErrorCode).toHaveProperty(code, code);
    }
  });

  it('scrubs secrets from message, remedy, details, cause, toString and JSON', () => {
    const err = new VoicewireError({
      code: ErrorCode.CONNECTION_FAILED,
      message: `could not reach wss://api.example/v1?model=x&token=${TOKEN}`,
      remedy: `check https://me:${TOKEN}@api.example/ and Bearer ${TOKEN}`,
      cause: new Error(`WebSocket connection to 'wss://api.example/v1?api_key=${TOKEN}' failed`),
      details: {
        url: `wss://api.example/v1?auth_id=${TOKEN}`,
        protocols: ['realtime', `openai-insecure-api-key.${TOKEN}`],
        headers: { Authorization: `Bearer ${TOKEN}`, 'User-Agent': 'vw' },
        nested: { note: `the token ${TOKEN} was refused`, list: [`x ${TOKEN}`] },
      },
      secrets: [TOKEN],
    });
    const everything = [err.message, err.remedy, String(err), JSON.stringify(err), JSON.stringify(err.details),
      String((err.cause as Error).message), err.stack ?? ''].join('\n');
    expect(everything).not.toContain(TOKEN);
    expect(err.message).toContain('model=x');
    expect(err.details.protocols).toEqual(['realtime', '[redacted]']);
    expect(err.details.headers).toEqual({ Authorization: '[redacted]', 'User-Agent': 'vw' });
  });

  it('scrubs query tokens even when the caller did not name the secret', () => {
    const err = new VoicewireError({ code: ErrorCode.AUTH_REJECTED, message: `401 for ws://h/x?access_token=${TOKEN}`, remedy: 'r' });
    expect(err.message).not.toContain(TOKEN);
    expect(err.message).toContain('access_token=[redacted]');
  });
});

describe('redaction helpers', () => {
  it('redacts URLs: user info, secret parameters, fragment; keeps the rest', () => {
    expect(redactUrl(`wss://u:p@h:1/x?voice=a&token=${TOKEN}&b=2#${TOKEN}`)).toBe('wss://[redacted]@h:1/x?voice=a&token=[redacted]&b=2#[redacted]');
    expect(redactUrl('/api/chat?auth_id=abc')).toBe('/api/chat?auth_id=[redacted]');
    expect(redactUrl('not a url')).toBe('not a url');
  });
  it('redacts headers and subprotocols', () => {
    expect(redactHeaders({ 'kyutai-api-key': TOKEN, Accept: '*/*' })).toEqual({ 'kyutai-api-key': '[redacted]', Accept: '*/*' });
    expect(redactSubprotocols(['realtime', TOKEN], [TOKEN])).toEqual(['realtime', '[redacted]']);
    expect(redactSubprotocols(['realtime', `openai-insecure-api-key.${TOKEN}`, 'voicewire.v1'])).toEqual(['realtime', '[redacted]', 'voicewire.v1']);
  });
  it('redacts bearer tokens and literal secrets in free text', () => {
    expect(redactText(`Authorization: Bearer ${TOKEN}`)).toBe('Authorization: Bearer [redacted]');
    expect(redactText(`got ${TOKEN} back`, [TOKEN])).toBe('got [redacted] back');
  });
});

describe('redaction by what is secret, not by key names that collide (issue 15 case 11)', () => {
  it('SERVER_BUSY details.protocol prints the protocol name; a session object and an email-like field stay readable', () => {
    const err = new VoicewireError({ code: ErrorCode.SERVER_BUSY, message: 'no hello', remedy: 'wait', details: { protocol: 'moshi', helloTimeoutMs: 30000 } });
    expect(err.details.protocol).toBe('moshi');
    expect(JSON.stringify(err)).toContain('"protocol":"moshi"');
    const ready = redactValue({ type: 'ready', info: { protocol: 'realtime', session: { voice: 'alloy', key: 'value' }, subprotocol: 'voicewire.v1' } }, [TOKEN]);
    expect(ready).toEqual({ type: 'ready', info: { protocol: 'realtime', session: { voice: 'alloy', key: 'value' }, subprotocol: 'voicewire.v1' } });
  });

  it('token values and auth subprotocols are hidden under any key; credential-only field names are hidden whatever their value', () => {
    const details = redactValue({
      protocol: `k.${TOKEN}`,
      offered: ['voicewire.v1', `bearer.anything-at-all`],
      note: `the server said ${TOKEN}`,
      token: 'not-registered-but-a-token-field',
      apiKey: 'x',
      headers: { 'kyutai-api-key': 'y', Accept: '*/*' },
    }, [TOKEN]);
    expect(details).toEqual({
      protocol: '[redacted]',
      offered: ['voicewire.v1', '[redacted]'],
      note: 'the server said [redacted]',
      token: '[redacted]',
      apiKey: '[redacted]',
      headers: { 'kyutai-api-key': '[redacted]', Accept: '*/*' },
    });
  });

  it('a protocol module can name its own secret subprotocol prefix', () => {
    expect(redactSubprotocols(['acme-key.abc123'])).toEqual(['acme-key.abc123']);
    registerSecretSubprotocol('acme-key.');
    expect(redactSubprotocols(['acme-key.abc123', 'acme'])).toEqual(['[redacted]', 'acme']);
  });
});
