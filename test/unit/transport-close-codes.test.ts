import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { VoicewireError } from '../../src/errors/errors.js';
import { kyutaiTts } from '../../src/protocols/kyutai/index.js';
import { voicewire } from '../../src/protocols/voicewire/index.js';
import { CLOSE_CODES, closeOutcome } from '../../src/transport/close-codes.js';
import { Connection } from '../../src/transport/connection.js';
import { startVoiceServer, until, type VoiceServer } from '../support/voice-server.js';
import { cleanupAfterEach } from '../support/cleanup.js';

const { cleanup } = cleanupAfterEach();

/** The table in docs/close-codes.md, as code → [outcome, error, min delay]. */
function docsTable(): Map<string, [string, string, string]> {
  const rows = new Map<string, [string, string, string]>();
  const main = readFileSync(new URL('../../docs/close-codes.md', import.meta.url), 'utf8').split('## Per protocol')[0];
  for (const line of main.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (/^(\d{4}|other)$/.test(cells[1] ?? '')) rows.set(cells[1], [cells[3], cells[4].split(' ')[0], cells[5]]);
  }
  return rows;
}

const OUTCOME_WORDS = { normal: 'normal end', retry: 'retry', fatal: 'fatal' } as const;

/** How the server ends the socket for `code`: ws refuses to send the codes RFC 6455 reserves, so those are observed. */
function endWith(code: number, ws: import('ws').WebSocket): void {
  if (code === 1005) ws.close();
  else if (code === 1006) ws.terminate();
  else ws.close(code, 'test');
}

describe('close codes (IANA registry, RFC 6455 §7.4.1) → outcome, docs and behaviour agree', () => {
  it('docs/close-codes.md lists every code of CLOSE_CODES with the same outcome, error and minimum delay', () => {
    const docs = docsTable();
    for (const [code, o] of Object.entries(CLOSE_CODES)) {
      expect(docs.get(code), `docs row for ${code}`).toEqual([OUTCOME_WORDS[o.outcome], o.error ?? '—', o.minRetryDelayMs ? `${o.minRetryDelayMs} ms` : '—']);
    }
    expect(docs.get('other')).toEqual(['retry', 'CONNECTION_CLOSED', '—']);
    expect(docs.size).toBe(Object.keys(CLOSE_CODES).length + 1);
    for (let code = 1000; code <= 1015; code++) expect(CLOSE_CODES[code], `IANA code ${code}`).toBeDefined();
  });

  const wire = [...Object.keys(CLOSE_CODES).map(Number).filter((c) => c !== 1004 && c !== 1015), 4000, 4999];
  for (const code of wire) {
    const expected = closeOutcome(code);
    it(`a server closing an open voicewire session with ${code} → ${expected.outcome}${expected.error ? ` (${expected.error})` : ''}`, async () => {
      let sessions = 0;
      const s: VoiceServer = await startVoiceServer({
        onConnection: (ws) => {
          if (++sessions > 1) return; // the reopened socket stays
          ws.on('message', (d, bin) => { if (!bin && /hello/.test(String(d))) setTimeout(() => endWith(code, ws), 20); });
        },
      });
      cleanup(() => s.close());
      const asked: number[] = [];
      const conn = new Connection({ url: s.url, protocol: voicewire(), reconnectPolicy: { nextRetryDelayMs: ({ attempt }) => (asked.push(attempt), attempt === 1 ? 10 : null) } });
      cleanup(() => conn.close());
      const errors: [VoicewireError, boolean][] = [];
      const delays: number[] = [];
      let closed: { error: VoicewireError | null } | undefined;
      conn.on('error', (e, fatal) => errors.push([e, fatal]));
      conn.on('state', (st) => { if (st.state === 'reconnecting') delays.push(st.delayMs ?? -1); });
      conn.on('close', (c) => { closed = c; });
      await conn.connect();
      await until(() => closed !== undefined || delays.length > 0, 5000, `the outcome of ${code}`);
      if (expected.outcome === 'normal') {
        expect(closed?.error).toBeNull();
        expect(errors).toEqual([]);
      } else if (expected.outcome === 'retry') {
        expect(closed).toBeUndefined();
        expect(delays).toEqual([Math.max(10, expected.minRetryDelayMs ?? 0)]);
        expect(errors.map(([e, fatal]) => [e.code, fatal])).toEqual([[code === 1006 ? 'CONNECTION_CLOSED' : expected.error, false]]);
      } else {
        expect(closed?.error?.code).toBe(expected.error);
        expect(errors.map(([e, fatal]) => [e.code, fatal])).toEqual([[expected.error, true]]);
        expect(errors[0][0].details.closeCode).toBe(code);
      }
    });
  }

  it('Kyutai TTS: the empty Close frame (1005) after the last audio is a normal end: an `end` event, then close without error', async () => {
    const { encode } = await import('@msgpack/msgpack');
    const s = await startVoiceServer({ hello: false, onConnection: (ws) => {
      ws.send(encode({ type: 'Ready' }));
      ws.send(encode({ type: 'Audio', pcm: [0.25, -0.25] }));
      setTimeout(() => ws.close(), 20);
    } });
    cleanup(() => s.close());
    const conn = new Connection({ url: s.url, protocol: () => Object.assign(kyutaiTts()(), { subprotocols: ['voicewire.v1'] }) });
    const seen: string[] = [];
    conn.on('audio', () => seen.push('audio'));
    conn.on('end', () => seen.push('end'));
    conn.on('error', (e) => seen.push(`error ${e.code}`));
    const closed = new Promise<{ code: number; error: VoicewireError | null }>((r) => conn.once('close', r));
    await conn.connect();
    const { code, error } = await closed;
    expect([code, error]).toEqual([1005, null]);
    expect(seen).toEqual(['audio', 'end']);
  });
});
