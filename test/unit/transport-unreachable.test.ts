import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors/errors.js';
import { redactUrl } from '../../src/errors/redact.js';
import { closeError, type CloseFacts } from '../../src/transport/close-errors.js';

/** What a browser page sees when a socket never opens: 1006 and nothing else (detailed: false). */
const browserFacts = (url: string, page?: string): CloseFacts => ({
  code: 1006, reason: '', wasOpen: false, timedOut: false, connectTimeoutMs: 1, maxMessageBytes: 1, detailed: false,
  url: redactUrl(url), page, protocols: ['voicewire.v1'], secrets: [],
});

describe('a socket that never opened in a browser (1006): the causes and the doctor command fit this URL', () => {
  it('ws://: lists the wrong path, no certificate (no TLS on ws://), and the doctor command with the real URL and page origin', () => {
    const error = closeError(browserFacts('ws://localhost:8998/ws', 'http://localhost:8100'))!;
    expect(error.code).toBe(ErrorCode.CONNECTION_FAILED);
    expect(error.message).toBe('Could not open a WebSocket to ws://localhost:8998/ws (1006, no reason given). A browser hides the cause; it is one of: ' +
      'the server is down or unreachable, the path has no WebSocket endpoint (the server answers HTTP 404, or an app server\'s SPA fallback answers with its page), ' +
      'it refused this page\'s Origin (servers that check Origin answer a foreign page with 403; voicewire\'s local server admits one with `--allow-origin <page origin>`), ' +
      'or it did not echo the subprotocol offered (voicewire.v1).');
    expect(error.remedy).toBe('Run `npx voicewire doctor ws://localhost:8998/ws --page http://localhost:8100` from a terminal to see which it is.');
    expect(`${error.message} ${error.remedy}`).not.toMatch(/certificate|TLS|https:/);
  });

  it('wss://: the certificate is among the causes, with the https:// address of that host to open', () => {
    const error = closeError(browserFacts('wss://voice.example.com:8443/ws', 'https://app.example.com'))!;
    expect(error.message).toMatch(/the path has no WebSocket endpoint \(the server answers HTTP 404/);
    expect(error.message).toContain('its TLS certificate was refused (self-signed? open https://voice.example.com:8443/ once in a tab to see), it refused this page\'s Origin');
    expect(error.remedy).toBe('Open https://voice.example.com:8443/ in a browser tab to check the certificate; ' +
      'run `npx voicewire doctor wss://voice.example.com:8443/ws --page https://app.example.com` from a terminal to see which it is.');
  });

  it('a token in the query stays redacted in the command, which is quoted for the shell and says where the credential goes', () => {
    const secret = 'sk-live-SECRET-0123456789';
    const error = closeError(browserFacts(`ws://localhost:8998/ws?token=${secret}&room=7`, 'http://localhost:8100'))!;
    expect(error.remedy).toBe('Run `npx voicewire doctor \'ws://localhost:8998/ws?token=[redacted]&room=7\' --page http://localhost:8100` ' +
      '(with the real credential in place of [redacted]) from a terminal to see which it is.');
    expect(JSON.stringify({ ...error, message: error.message, remedy: error.remedy })).not.toContain(secret);
  });

  it('no page (a worker or a file:// page has no usable origin): the command has no --page', () => {
    expect(closeError(browserFacts('ws://localhost:8998/ws'))!.remedy).toBe('Run `npx voicewire doctor ws://localhost:8998/ws` from a terminal to see which it is.');
  });
});
