import { redactSubprotocols, redactUrl, redactValue } from '../errors/redact.js';
import { RealtimeProtocol } from '../protocols/realtime/realtime.js';
import { VoicewireProtocol } from '../protocols/voicewire/voicewire.js';
import { checkDns } from './dns.js';
import { checkFirstMessage, guessProtocol } from './first-message.js';
import { checkPage } from './page.js';
import { checkPing } from './ping.js';
import { checkSubprotocol } from './subprotocol.js';
import { parseTarget } from './target.js';
import { checkTcp } from './tcp.js';
import { checkTls } from './tls.js';
import { fail, skip, type CheckResult, type DoctorOptions, type DoctorReport, type SniffedProtocol } from './types.js';
import { checkUpgrade } from './upgrade.js';

const DEFAULT_TIMEOUT_MS = 5000;

/**
 * The subprotocols each protocol's client offers, read from the protocol objects a session uses so the two cannot
 * drift (Moshi's and Kyutai's clients offer none).
 */
const OFFERS: Partial<Record<SniffedProtocol, readonly string[]>> = { voicewire: new VoicewireProtocol().subprotocols, realtime: new RealtimeProtocol().subprotocols };
/** What a session speaks when it is given no `protocol` (createVoiceSession's default). */
const SESSION_DEFAULT: SniffedProtocol = 'voicewire';

/**
 * Checks a voice socket URL step by step (DNS, TCP, TLS, upgrade, subprotocol, first message, ping) and, with
 * `options.page`, the page that will open it. A failed step skips the steps that need it, except a refused
 * certificate: the doctor goes on without verifying to find the faults behind it too.
 * @returns every check, redacted; `ok` is false when any check failed. Never rejects for a network fault.
 */
export async function doctor(url: string, options: DoctorOptions = {}): Promise<DoctorReport> {
  const target = parseTarget(url);
  if (typeof target === 'string') {
    return { url: redactUrl(url), ok: false, checks: [fail('url', 'URL: a ws:// or wss:// address', target, 'Pass the socket URL, e.g. wss://voice.example.com/ws.')] };
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const progress = options.onProgress ?? (() => {});
  let page: URL | undefined;
  const checks: CheckResult[] = [];
  if (options.page !== undefined) {
    try {
      page = new URL(options.page);
    } catch {
      checks.push(fail('page.url', 'Page: an http(s) URL', `"${redactUrl(options.page)}" is not an absolute URL.`, 'Pass the page URL, e.g. https://app.example.com/.'));
    }
  }
  const origin = options.origin ?? page?.origin;
  const expected = options.protocol ?? guessProtocol(target.url.pathname);
  // Neither told nor guessed: offer what a session without `protocol` offers, as the page would.
  const offered = options.subprotocols ?? [...OFFERS[expected ?? SESSION_DEFAULT] ?? []];
  const headers = options.headers ?? {};
  let sniffed: SniffedProtocol | undefined;

  const socketChecks = async (): Promise<void> => {
    progress(`resolving ${target.host}`);
    const dns = await checkDns(target.host);
    checks.push(dns.result);
    if (!dns.result.ok) return skipRest('the host does not resolve');
    progress(`connecting to ${target.host}:${target.port}`);
    const tcp = await checkTcp(target.host, target.port, timeoutMs);
    checks.push(tcp);
    if (!tcp.ok) return skipRest('nothing answered on the port');
    if (target.secure) {
      progress('TLS handshake');
      const tls = await checkTls(target.host, target.port, timeoutMs, options.ca);
      checks.push(...tls.results);
      if (!tls.handshake) return skipRest('there was no TLS handshake');
    }
    progress('upgrade request');
    const upgrade = await checkUpgrade(target, { origin, subprotocols: offered, headers, timeoutMs });
    checks.push(upgrade.result);
    if (!upgrade.upgraded || !upgrade.headers) return skipRest('the upgrade did not succeed');
    const sub = checkSubprotocol(offered, upgrade.headers);
    progress(`waiting up to ${timeoutMs} ms for the server's first message`);
    // Without the echo, offering again would only fail the same way; the rest is checked without a subprotocol.
    const first = await checkFirstMessage(target, { expected, origin, subprotocols: sub.ok ? offered : [], headers, timeoutMs });
    sniffed = first.sniffed?.protocol;
    // The default offer was a guess: a server that refused it and speaks another protocol is judged by that one's offer.
    const other = !sub.ok && options.subprotocols === undefined && expected === undefined && sniffed !== 'unknown' && sniffed !== SESSION_DEFAULT ? sniffed : undefined;
    checks.push(other ? checkSubprotocol(OFFERS[other] ?? [], upgrade.headers) : sub, first.result);
    if (!first.socket) return;
    progress('ping round trip');
    checks.push(...await checkPing(first.socket, sniffed ?? 'unknown', timeoutMs));
    first.socket.terminate();
  };
  const skipRest = (why: string) => {
    checks.push(skip('socket.rest', 'The remaining socket checks', `Not checked: ${why}.`));
  };

  await socketChecks();
  if (page !== undefined) {
    checks.push(...await checkPage({ page, socket: target.url, pcmOnly: (sniffed ?? expected) === 'voicewire', timeoutMs, ca: options.ca, onProgress: progress }));
  }
  const secrets = [...target.secrets, ...Object.values(headers).flatMap((v) => [v, ...v.split(/\s+/)]), ...offered.filter((p, i) => redactSubprotocols(offered)[i] !== p)];
  const report: DoctorReport = {
    url: target.shown,
    ...(page ? { page: redactUrl(page.href) } : {}),
    ok: checks.every((c) => c.ok),
    checks,
    ...(sniffed ? { detectedProtocol: sniffed } : {}),
  };
  return redactValue(report, secrets.filter((s) => s.length >= 4 && !/^bearer$/i.test(s)));
}
