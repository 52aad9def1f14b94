import WebSocket from 'ws';
import { VoicewireProtocol } from '../protocols/voicewire/voicewire.js';
import { sniff, type Sniffed } from './sniff.js';
import type { Target } from './target.js';
import { fail, pass, type CheckResult, type SniffedProtocol } from './types.js';

export interface FirstMessageRequest {
  expected?: Exclude<SniffedProtocol, 'unknown'>;
  origin?: string;
  subprotocols: readonly string[];
  headers: Readonly<Record<string, string>>;
  timeoutMs: number;
}

export interface FirstMessageFacts {
  result: CheckResult;
  sniffed?: Sniffed;
  /** Still open when the server greeted, for the ping check; the caller closes it. */
  socket?: WebSocket;
}

const TITLE = 'First message: the server speaks the expected protocol';
/**
 * Silence after which the client's opener goes out when the protocol is not known. Servers that greet do so at once;
 * voicewire's local server tells a client that sent no hello within 3 s what it expected, and closes.
 */
const OPENER_AFTER_MS = 1000;

/** Endpoint paths of the known servers (Moshi /api/chat, Kyutai /api/asr-streaming and /api/tts_streaming, voicewire /ws), to guess what a URL should speak when not told. */
export function guessProtocol(path: string): Exclude<SniffedProtocol, 'unknown'> | undefined {
  if (/\/realtime$/.test(path)) return 'realtime';
  if (/\/ws$/.test(path)) return 'voicewire';
  if (/\/api\/chat$/.test(path)) return 'moshi';
  if (/\/api\/(?:asr-streaming|tts_streaming)$/.test(path)) return 'kyutai';
  return undefined;
}

/**
 * Opens a real socket and waits for the server's first message. Who speaks first differs: Moshi and Kyutai servers
 * greet (handshake, `Ready`); a voicewire server answers the client's hello; a Realtime server may wait for
 * `session.update`. So the client's opener goes out at once for voicewire, and after a second of silence (at most half the budget)
 * otherwise (voicewire's hello when the protocol is unknown: it is the default server's).
 */
export function checkFirstMessage(target: Target, req: FirstMessageRequest): Promise<FirstMessageFacts> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = new WebSocket(target.url, [...req.subprotocols], {
      headers: { ...req.headers }, rejectUnauthorized: false, handshakeTimeout: req.timeoutMs,
      ...(req.origin ? { origin: req.origin } : {}),
    });
    let sent: string | undefined;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const done = (facts: FirstMessageFacts) => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      if (!facts.socket) socket.terminate();
      resolve(facts);
    };
    const opener = (protocol: 'voicewire' | 'realtime') => {
      sent = protocol === 'voicewire' ? `the voicewire client hello` : 'a Realtime session.update';
      socket.send(protocol === 'voicewire' ? String(new VoicewireProtocol().open()[0]) : JSON.stringify({ type: 'session.update', session: {} }));
    };
    socket.once('open', () => {
      if (req.expected === 'voicewire') opener('voicewire');
      else if (req.expected !== 'moshi' && req.expected !== 'kyutai') {
        timers.push(setTimeout(() => opener(req.expected === 'realtime' ? 'realtime' : 'voicewire'), Math.min(req.timeoutMs / 2, OPENER_AFTER_MS)));
      }
      timers.push(setTimeout(() => done({ result: silent(req, sent) }), req.timeoutMs));
    });
    socket.once('message', (data: Buffer, isBinary: boolean) => {
      const sniffed = sniff(isBinary ? data : data.toString('utf8'));
      const ms = Math.round(performance.now() - started);
      done({ sniffed, socket, result: judge(req.expected, sniffed, ms, sent) });
    });
    socket.once('close', (code: number, reason: Buffer) => done({ result: fail('first-message.closed', TITLE,
      `The server closed the socket (${code}${reason.length ? ` "${reason.toString('utf8')}"` : ''}) before sending anything${sent ? ` (after ${sent})` : ''}.`,
      code === 4401 || code === 4403 ? 'The server refused the credentials after the upgrade: check the token and how it is sent.'
        : code === 4429 || code === 1013 ? 'The server is busy (no free session slot): retry later or add capacity.'
          : 'Read the server log for why it closed; check that the URL is the endpoint of the protocol the client speaks (--protocol).', { closeCode: code }) }));
    socket.on('error', (e: Error) => done({ result: fail('first-message', TITLE, `The WebSocket client could not open the socket: ${e.message}.`,
      'See the checks above; the upgrade must succeed first.') }));
  });
}

function judge(expected: SniffedProtocol | undefined, s: Sniffed, ms: number, sent: string | undefined): CheckResult {
  const data = { detected: s.protocol, message: s.what, afterMs: ms, ...(s.info ? { info: s.info } : {}) };
  const after = sent ? ` in answer to ${sent}` : '';
  if (s.error !== undefined) {
    return fail('first-message.error', TITLE, `The server's first message${after} is an error: ${s.what}: "${s.error}".`,
      /busy|no free|capacity|slot/i.test(s.error) ? 'The server has no free session: retry later or add capacity.' : 'Read the server log for the cause of this error.', data);
  }
  if (s.protocol === 'unknown') {
    return fail('first-message.protocol', TITLE, `The first message${after} is ${s.what}: not one voicewire knows.`,
      'Check that the URL points at a voice endpoint (see --protocol for the kinds voicewire speaks) and that no proxy rewrites frames.', data);
  }
  if (expected !== undefined && expected !== s.protocol) {
    return fail('first-message.protocol', TITLE, `The server speaks ${s.protocol} (${s.what}), the client expects ${expected}.`,
      `Give the session the ${s.protocol} protocol (import it from \`voicewire/protocols/${s.protocol}\`), or point the URL at the ${expected} endpoint.`, data);
  }
  return pass('first-message', TITLE, `${s.what} after ${ms} ms${after}: ${s.protocol}.`, data);
}

function silent(req: FirstMessageRequest, sent: string | undefined): CheckResult {
  return fail('first-message.silent', TITLE, `The socket opened but the server sent nothing within ${req.timeoutMs} ms${sent ? ` (not even after ${sent})` : ''}.`,
    'A server that holds a socket without greeting is busy or waiting for something: Moshi\'s Python server serves one session at a time and ' +
      'leaves the others without a handshake (end the other session, or run another instance); a Realtime server waits for `session.update` ' +
      '(run with --protocol realtime); a voicewire server answers the client hello at once. Check the path, the server log, and --protocol; ' +
      'raise --timeout-ms if the server loads a model per connection.', { timeoutMs: req.timeoutMs });
}
