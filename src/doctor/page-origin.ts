import { isLoopbackHost } from '../environment/url.js';
import { insecureOriginFixes } from './remedies.js';
import { fail, pass, type CheckResult } from './types.js';

/**
 * A page gets the microphone and AudioWorklet only in a secure context (Secure Contexts §3.1): https, or http on a
 * loopback host. On `http://192.168.1.5:8998/` `navigator.mediaDevices` and `audioWorklet` are simply undefined.
 */
export function checkPageOrigin(page: URL): CheckResult {
  const title = 'Page: a secure context (microphone and AudioWorklet available)';
  if (page.protocol === 'https:') return pass('page.secure', title, `${page.origin} is https.`);
  if (page.protocol === 'http:' && isLoopbackHost(page.hostname)) return pass('page.secure', title, `${page.origin} is loopback, which browsers treat as secure.`);
  const port = Number(page.port) || 80;
  return fail('page.secure', title,
    `${page.origin} is plain http on a non-loopback host: browsers give it no microphone (navigator.mediaDevices is undefined) and no AudioWorklet ` +
      '(voicewire reports INSECURE_CONTEXT).',
    `Either:\n${insecureOriginFixes(page.hostname, port)}`);
}

/** Mixed content (checked in Chromium; docs/browser-quirks.md Q5 for WebKit): an https page may open ws:// only to loopback; anything else throws SecurityError. */
export function checkMixedContent(page: URL, socket: URL): CheckResult {
  const title = 'Page: the socket scheme matches the page (no mixed content)';
  if (page.protocol !== 'https:' || socket.protocol === 'wss:' || isLoopbackHost(socket.hostname)) {
    return pass('page.mixed-content', title, `${page.protocol.slice(0, -1)} page → ${socket.protocol.slice(0, -1)} socket is allowed.`);
  }
  return fail('page.mixed-content', title,
    `An https page opening ws://${socket.host}: browsers throw "SecurityError: Failed to construct 'WebSocket': An insecure WebSocket connection may not be initiated from a page loaded over HTTPS."`,
    `Serve the socket over TLS and use wss://${socket.host}${socket.pathname} (a reverse proxy in front of the voice server does it; see voicewire's docs/deploy.md).`);
}
