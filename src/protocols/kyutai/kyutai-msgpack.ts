import type { Decoder } from '@msgpack/msgpack';
import type { ProtocolEvent } from '../protocol.js';
import { preview, protocolError, serverError } from '../protocol-error.js';
import { isRecord } from '../values.js';
import { ErrorCode } from '../../errors/errors.js';
import { describeError } from '../../errors/describe.js';
import { loadLazyPart } from '../../environment/lazy-part.js';

/**
 * MessagePack framing shared by Kyutai's STT and TTS servers: every message is a map with a string `type`.
 * What we send is a handful of flat maps, written here; reading uses @msgpack/msgpack, loaded on first use so the
 * page's core bundle carries no MessagePack code unless a Kyutai protocol runs.
 */

let decoderModule: Promise<typeof import('@msgpack/msgpack')> | undefined;

const PART = { name: 'The MessagePack reader (@msgpack/msgpack)', packageName: '@msgpack/msgpack' } as const;

/**
 * A fresh decoder (one per codec: it keeps its read offset for error positions), within the lazy-part bound.
 * @throws VoicewireError CODEC_UNSUPPORTED naming why its chunk did not load (404, an SPA's index.html, timeout).
 */
export async function loadDecoder(): Promise<Decoder> {
  if (decoderModule === undefined) {
    const loading = loadLazyPart(PART, () => import('@msgpack/msgpack'));
    decoderModule = loading;
    // A failed load is not kept: the next session tries again (a deploy may have fixed it).
    loading.catch(() => {
      if (decoderModule === loading) decoderModule = undefined;
    });
  }
  return new (await decoderModule).Decoder();
}

const TYPE = new Uint8Array([0xa4, 0x74, 0x79, 0x70, 0x65]); // fixstr "type"
const PCM = new Uint8Array([0xa3, 0x70, 0x63, 0x6d]); // fixstr "pcm"

/**
 * `{type: <kind>, pcm: [f32…]}` written directly: every sample as a MessagePack float32 (0xca), the form Kyutai's
 * own clients produce (`use_single_float=True`) and 5 bytes a sample instead of 9. Much faster than a generic encoder.
 */
export function encodePcmMessage(kind: string, pcm: Float32Array): Uint8Array {
  const kindBytes = encodeStr(kind);
  const n = pcm.length;
  const arrayHeader = n < 16 ? 1 : n < 0x10000 ? 3 : 5;
  const out = new Uint8Array(1 + TYPE.length + kindBytes.length + PCM.length + arrayHeader + 5 * n);
  const view = new DataView(out.buffer);
  let o = 0;
  out[o++] = 0x82; // fixmap, 2 entries
  out.set(TYPE, o); o += TYPE.length;
  out.set(kindBytes, o); o += kindBytes.length;
  out.set(PCM, o); o += PCM.length;
  if (n < 16) out[o++] = 0x90 | n;
  else if (n < 0x10000) { out[o++] = 0xdc; view.setUint16(o, n); o += 2; }
  else { out[o++] = 0xdd; view.setUint32(o, n); o += 4; }
  for (let i = 0; i < n; i++) {
    out[o] = 0xca;
    view.setFloat32(o + 1, pcm[i]);
    o += 5;
  }
  return out;
}

/** A flat map of strings and numbers (integers as the smallest MessagePack int, others as float64). */
export function encodeMessage(message: Readonly<Record<string, string | number>>): Uint8Array {
  const entries = Object.entries(message);
  const parts: Uint8Array[] = [entries.length < 16 ? Uint8Array.of(0x80 | entries.length) : Uint8Array.of(0xde, entries.length >> 8, entries.length & 255)];
  for (const [key, value] of entries) parts.push(encodeStr(key), typeof value === 'string' ? encodeStr(value) : encodeNumber(value));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const utf8 = new TextEncoder();

function encodeStr(text: string): Uint8Array {
  const bytes = utf8.encode(text);
  const n = bytes.length;
  const head = n < 32 ? [0xa0 | n] : n < 0x100 ? [0xd9, n] : n < 0x10000 ? [0xda, n >> 8, n & 255] : [0xdb, n >>> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255];
  const out = new Uint8Array(head.length + n);
  out.set(head);
  out.set(bytes, head.length);
  return out;
}

function encodeNumber(v: number): Uint8Array {
  if (Number.isInteger(v) && v >= 0 && v < 0x80) return Uint8Array.of(v);
  if (Number.isInteger(v) && v >= -32 && v < 0) return Uint8Array.of(v & 255);
  const out = new Uint8Array(9);
  const view = new DataView(out.buffer);
  if (Number.isInteger(v) && v >= 0 && v <= 0xffffffff) {
    out[0] = 0xce;
    view.setUint32(1, v);
    return out.subarray(0, 5);
  }
  if (Number.isInteger(v) && v >= -0x80000000 && v < 0) {
    out[0] = 0xd2;
    view.setInt32(1, v);
    return out.subarray(0, 5);
  }
  out[0] = 0xcb;
  view.setFloat64(1, v);
  return out;
}

export type Decoded = { ok: true; message: Record<string, unknown> & { type: string } } | { ok: false; event: ProtocolEvent };

/** Reads one message into a map with a string `type`, or a PROTOCOL_ERROR event saying where it went wrong. */
export function decodeMessage(protocol: string, decoder: Decoder, bytes: string | Uint8Array): Decoded {
  if (typeof bytes === 'string') {
    return { ok: false, event: protocolError(protocol, 'a text frame (this protocol is MessagePack in binary frames)', { text: preview(bytes) }) };
  }
  let value: unknown;
  try {
    value = decoder.decode(bytes);
  } catch (cause) {
    const reason = describeError(cause);
    // The decoder's read offset is private in its types but is where the bytes stopped making sense.
    const position = (decoder as unknown as { pos?: unknown }).pos;
    return { ok: false, event: protocolError(protocol, `invalid MessagePack (${reason})`, { bytes: bytes.length, position: typeof position === 'number' ? position : undefined, head: preview(bytes) }) };
  }
  if (!isRecord(value) || typeof value.type !== 'string') {
    return { ok: false, event: protocolError(protocol, 'a message that is not a map with a string "type"', { head: preview(bytes) }) };
  }
  return { ok: true, message: value as Record<string, unknown> & { type: string } };
}

/** `{type:"Error", message}`: the Kyutai servers close right after it. "no free channels" means busy. */
export function kyutaiError(protocol: string, m: Record<string, unknown>): ProtocolEvent {
  const message = typeof m.message === 'string' ? m.message : '(no message)';
  return serverError(protocol, message, true, /no free channel|busy|capacity/i.test(message) ? ErrorCode.SERVER_BUSY : ErrorCode.SERVER_ERROR);
}

/** Floats from a decoded `pcm` array; null when it is not an array of numbers. */
export function floatsOf(value: unknown): Float32Array | null {
  if (!Array.isArray(value)) return null;
  const out = new Float32Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const v: unknown = value[i];
    if (typeof v !== 'number') return null;
    out[i] = v;
  }
  return out;
}
