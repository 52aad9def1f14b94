import { ErrorCode } from '../../src/errors/errors.js';
import type { ProtocolEvent, VoiceProtocol, WireMessage } from '../../src/protocols/protocol.js';
import { prng } from './prng.js';


/** VOICEWIRE_FUZZ_SEED=n replays a run; otherwise a fresh seed, printed. */
export function fuzzSeed(name: string): number {
  const fixed = Number(process.env.VOICEWIRE_FUZZ_SEED);
  const seed = Number.isInteger(fixed) && process.env.VOICEWIRE_FUZZ_SEED ? fixed : (Date.now() ^ (Math.random() * 0x7fffffff)) >>> 0;
  console.log(`[fuzz ${name}] seed ${seed} (replay: VOICEWIRE_FUZZ_SEED=${seed})`);
  return seed;
}

const TOKENS = ['{', '}', '[', ']', '"', ':', ',', 'null', 'true', '1e999', '-0', '"type"', '"hello"', '"text"', '"audio"', '\\u0000', '\uFFFF', '\uD800', '""'];

/** One random or mutated message: random bytes, random text, or a corpus entry with flips, cuts, splices. */
export function nextInput(rand: () => number, corpus: readonly WireMessage[]): WireMessage {
  const pick = rand();
  const int = (n: number) => Math.floor(rand() * n);
  if (pick < 0.25) return Uint8Array.from({ length: int(64) }, () => int(256));
  if (pick < 0.35) return Array.from({ length: int(40) }, () => (rand() < 0.5 ? TOKENS[int(TOKENS.length)] : String.fromCharCode(int(128)))).join('');
  const base = corpus[int(corpus.length)];
  if (typeof base === 'string') {
    let s = base;
    for (let n = 1 + int(3); n > 0; n--) {
      const at = int(s.length + 1);
      const op = int(4);
      if (op === 0) s = s.slice(0, at) + TOKENS[int(TOKENS.length)] + s.slice(at);
      else if (op === 1) s = s.slice(0, at) + s.slice(at + 1 + int(8));
      else if (op === 2) s = s.slice(0, at);
      else s = s.slice(0, at) + String.fromCharCode(int(0x3000)) + s.slice(at + 1);
    }
    return s;
  }
  const bytes = Array.from(base);
  for (let n = 1 + int(4); n > 0; n--) {
    const at = int(bytes.length + 1);
    const op = int(4);
    if (op === 0) bytes[at] = int(256);
    else if (op === 1) bytes.splice(at, 1 + int(4));
    else if (op === 2) bytes.length = at;
    else bytes.splice(at, 0, ...Array.from({ length: 1 + int(6) }, () => int(256)));
  }
  return Uint8Array.from(bytes);
}

const KINDS = new Set(['ready', 'audio', 'text', 'speech', 'marker', 'metadata', 'end', 'error']);
const FROM_SERVER = new Set<string>([ErrorCode.SERVER_ERROR, ErrorCode.SERVER_BUSY, ErrorCode.AUTH_REJECTED, ErrorCode.CODEC_UNSUPPORTED]);

export interface FuzzResult {
  inputs: number;
  protocolErrors: number;
  mustFailSeen: number;
}

/**
 * Feeds `count` inputs to the codec. Every decode must resolve to well-formed events; an input that `mustFail`
 * says is unreadable must produce a PROTOCOL_ERROR event; no other error code appears except what a server says.
 */
export async function fuzzDecoder(codec: VoiceProtocol, seed: number, count: number, corpus: readonly WireMessage[], mustFail: (m: WireMessage) => boolean): Promise<FuzzResult> {
  const rand = prng(seed);
  const result: FuzzResult = { inputs: 0, protocolErrors: 0, mustFailSeen: 0 };
  for (let i = 0; i < count; i++) {
    const input = nextInput(rand, corpus);
    let events: ProtocolEvent[];
    try {
      events = await codec.decode(input);
    } catch (e) {
      throw new Error(`decode threw on input #${i} (seed ${seed}): ${String(e)}`);
    }
    codec.takeReplies?.();
    result.inputs++;
    if (!Array.isArray(events)) throw new Error(`decode returned a non-array on input #${i} (seed ${seed})`);
    let protocolError = false;
    for (const e of events) {
      if (!KINDS.has(e.type)) throw new Error(`unknown event kind ${e.type} on input #${i} (seed ${seed})`);
      if (e.type === 'error') {
        if (e.error.code === ErrorCode.PROTOCOL_ERROR) protocolError = true;
        else if (!FROM_SERVER.has(e.error.code)) throw new Error(`unexpected error code ${e.error.code} on input #${i} (seed ${seed})`);
      }
      if (e.type === 'audio' && !(e.pcm instanceof Float32Array)) throw new Error(`audio without Float32Array on input #${i}`);
    }
    if (protocolError) result.protocolErrors++;
    if (mustFail(input)) {
      result.mustFailSeen++;
      if (!protocolError) throw new Error(`unreadable input #${i} (seed ${seed}) gave no PROTOCOL_ERROR: ${JSON.stringify(events)}`);
    }
  }
  if (result.inputs !== count) throw new Error(`fuzzed ${result.inputs} of ${count} inputs (seed ${seed})`);
  return result;
}

export function isJsonObjectWithType(m: WireMessage): boolean {
  if (typeof m !== 'string') return false;
  try {
    const v: unknown = JSON.parse(m);
    return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { type?: unknown }).type === 'string';
  } catch {
    return false;
  }
}
