import { OggOpusWriter } from '../../src/codecs/ogg-writer.js';
import { createOpusEncoder } from '../../src/codecs/opus-encoder.js';
import type { ProtocolEvent, VoiceProtocol, WireMessage } from '../../src/protocols/protocol.js';
import { voiceLike } from './opus-tools.js';
import { prng } from './prng.js';

/** Valid messages of every kind, including a real Ogg Opus stream (of the given serial) cut into 0x01 messages. */
export async function corpus(serial: number): Promise<Uint8Array[]> {
  const encoder = await createOpusEncoder({ sampleRate: 24000, implementation: 'wasm' });
  const packets = await encoder.encode(voiceLike(0.4, 24000, 2));
  encoder.close();
  const writer = new OggOpusWriter({ inputSampleRate: 24000, preSkip: 312, serial });
  const audio = [writer.headers(), ...packets.map((p) => writer.writePacket(p)).filter((p): p is Uint8Array => p !== null)];
  const enc = new TextEncoder();
  const kind = (k: number, payload: Uint8Array | string = new Uint8Array()) => {
    const body = typeof payload === 'string' ? enc.encode(payload) : payload;
    const out = new Uint8Array(1 + body.length);
    out[0] = k;
    out.set(body, 1);
    return out;
  };
  return [
    kind(0), kind(0, new Uint8Array(8)), kind(2, ' hello'), kind(4, '{"instance_name":"a","topk":250}'),
    kind(5, 'bad things'), kind(6), kind(7, '\x03colored'), kind(3, '\x01'),
    ...audio.map((page) => kind(1, page)),
  ];
}

function mutate(message: Uint8Array, rnd: () => number): Uint8Array {
  const m = Array.from(message);
  const edits = 1 + Math.floor(rnd() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rnd() * (m.length + 1));
    switch (Math.floor(rnd() * 5)) {
      case 0: if (m.length) m[at % m.length] ^= 1 << Math.floor(rnd() * 8); break;
      case 1: m.splice(at, 0, Math.floor(rnd() * 256)); break;
      case 2: m.splice(at, 1 + Math.floor(rnd() * 8)); break;
      case 3: m.length = at; break;
      default: if (m.length) m[at % m.length] = Math.floor(rnd() * 256);
    }
  }
  return new Uint8Array(m);
}

function randomMessage(rnd: () => number): WireMessage {
  const r = rnd();
  if (r < 0.02) return String.fromCharCode(...Array.from({ length: Math.floor(rnd() * 20) }, () => Math.floor(rnd() * 0xffff)));
  const bytes = new Uint8Array(Math.floor(rnd() * 80));
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rnd() * 256);
  if (bytes.length > 0 && r < 0.8) bytes[0] = Math.floor(rnd() * 10); // mostly known kinds, to reach their parsers
  return bytes;
}

/**
 * The invariants every decoded event must hold; a broken one is returned as text (expect() per event would
 * dominate the run). Counts PROTOCOL_ERROR events into `counts`.
 */
function check(message: WireMessage, events: ProtocolEvent[], counts: { protocolErrors: number }): string | null {
  let errors = 0;
  const kind = typeof message === 'string' ? -1 : message[0];
  for (const e of events) {
    if (e.type === 'error') {
      if (e.error.code === 'SERVER_ERROR' && kind === 5 && e.fatal) continue;
      if (e.error.code !== 'PROTOCOL_ERROR' || e.fatal) return `unexpected ${e.error.code} (fatal ${e.fatal})`;
      errors++;
    } else if (e.type === 'audio') {
      if (!e.pcm.every(Number.isFinite)) return 'audio with non-finite samples';
    } else if (e.type === 'gap') {
      // Lost audio (a granule or page-number jump): concealed only up to 1 s, the rest is a new reference.
      if (!(e.durationMs > 0 && e.durationMs <= 1000)) return `gap of ${e.durationMs} ms`;
    } else if (e.type !== 'ready' && e.type !== 'text' && e.type !== 'metadata') {
      return `unexpected event ${e.type}`;
    }
  }
  counts.protocolErrors += errors;
  // Input that can only be wrong must say so, once.
  if ((typeof message === 'string' || message.length === 0) && errors !== 1) return `${errors} errors for a message that is always bad`;
  return null;
}

export interface MoshiFuzzResult {
  failures: string[];
  protocolErrors: number;
  /** The corpus, for checking the session still decodes a clean stream. */
  valid: Uint8Array[];
  /** The last codec, still open. */
  codec: VoiceProtocol;
}

/**
 * Feeds `count` random, mutated and valid messages to Moshi codecs made by `create` (src in tests, dist/ in the
 * bench), a fresh codec every 5000 so the pre-handshake paths are fuzzed too. The seed also picks the Ogg serial.
 */
export async function fuzzMoshi(create: () => VoiceProtocol, seed: number, count: number): Promise<MoshiFuzzResult> {
  const rnd = prng(seed);
  const valid = await corpus(Math.floor(rnd() * 0x100000000));
  let moshi = create();
  const counts = { protocolErrors: 0 };
  const failures: string[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 5000 === 0) {
      moshi.close();
      moshi = create();
    }
    const pick = rnd();
    const message = pick < 0.45 ? randomMessage(rnd) : pick < 0.9 ? mutate(valid[Math.floor(rnd() * valid.length)], rnd) : valid[Math.floor(rnd() * valid.length)];
    const failure = check(message, await moshi.decode(message), counts);
    if (failure && failures.length < 10) failures.push(`message ${i} (${typeof message === 'string' ? 'text' : Buffer.from(message).toString('hex').slice(0, 80)}): ${failure}`);
  }
  return { failures, protocolErrors: counts.protocolErrors, valid, codec: moshi };
}
