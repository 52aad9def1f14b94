import { decode } from '@msgpack/msgpack';
import { MoshiKind } from '../protocols/moshi/moshi-messages.js';
import type { SniffedProtocol } from './types.js';

/** What {@link sniff} made of a server's message. */
export interface Sniffed {
  /** The protocol it belongs to, or `unknown`. */
  protocol: SniffedProtocol;
  /** What the message is, in words: "Moshi handshake", "voicewire hello v1", … */
  what: string;
  /** The voicewire hello's version, Moshi's handshake payload, etc., when the message carries one. */
  info?: Record<string, unknown>;
  /** The server's own error text, when the message is the protocol's error message. */
  error?: string;
}

/**
 * Names the protocol a server's message belongs to, from its first bytes (the wire formats of docs/protocol.md, Kyutai's rust/protocol.md and
 * docs/protocol.md):
 * - Moshi: binary, byte 0 a kind 0x00–0x09 (0x00 handshake, empty or 8 bytes; 0x04 metadata JSON before it).
 * - Kyutai STT/TTS: binary MessagePack map (first byte 0x80–0x8f fixmap, 0xde/0xdf) with a string `type` ("Ready").
 * - voicewire: text JSON `{"type":"hello","protocol":"voicewire",…}` (or one of its control types).
 * - Realtime: text JSON whose `type` is dotted (`session.created`) or an `error` object with a nested `error`.
 */
export function sniff(message: Buffer | string): Sniffed {
  return typeof message === 'string' ? sniffText(message) : sniffBinary(message);
}

const MOSHI_NAMES: Readonly<Record<number, string>> = Object.fromEntries(Object.entries(MoshiKind).map(([name, kind]) => [kind, name.toLowerCase().replace('_', ' ')]));

function sniffBinary(bytes: Buffer): Sniffed {
  if (bytes.length === 0) return { protocol: 'unknown', what: 'an empty binary message' };
  const first = bytes[0];
  if (first === MoshiKind.HANDSHAKE && (bytes.length === 1 || bytes.length === 9)) {
    const info = bytes.length === 9 ? { version: bytes.readUInt32LE(1), model: bytes.readUInt32LE(5) } : {};
    return { protocol: 'moshi', what: `Moshi handshake (kind 0x00, ${bytes.length - 1}-byte payload)`, info };
  }
  if (first === MoshiKind.ERROR) return { protocol: 'moshi', what: 'Moshi error message (kind 0x05)', error: bytes.toString('utf8', 1) };
  if (first <= MoshiKind.CODES) return { protocol: 'moshi', what: `Moshi ${MOSHI_NAMES[first]} message (kind 0x0${first.toString(16)})` };
  if ((first >= 0x80 && first <= 0x8f) || first === 0xde || first === 0xdf) {
    try {
      const value = decode(bytes) as Record<string, unknown> | null;
      if (value && typeof value === 'object' && typeof value.type === 'string') {
        const error = value.type === 'Error' ? String(value.message ?? '(no message)') : undefined;
        return { protocol: 'kyutai', what: `MessagePack ${value.type}${value.type === 'Ready' ? '' : ' message'}`, info: { type: value.type }, ...(error ? { error } : {}) };
      }
    } catch {
      // not MessagePack after all: falls through to unknown
    }
  }
  return { protocol: 'unknown', what: `a binary message of ${bytes.length} bytes starting 0x${first.toString(16).padStart(2, '0')}` };
}

function sniffText(text: string): Sniffed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { protocol: 'unknown', what: `a text message that is not JSON ("${text.slice(0, 40)}")` };
  }
  if (value === null || typeof value !== 'object' || typeof (value as { type?: unknown }).type !== 'string') {
    return { protocol: 'unknown', what: 'a JSON message without a string "type"' };
  }
  const m = value as Record<string, unknown> & { type: string };
  if (m.type === 'hello' && m.protocol === 'voicewire') {
    return { protocol: 'voicewire', what: `voicewire hello (version ${String(m.version)})`, info: { version: m.version, audio: m.audio } };
  }
  if (m.type.includes('.') || (m.type === 'error' && typeof m.error === 'object')) {
    const error = m.type === 'error' ? String((m.error as { message?: unknown }).message ?? '(no message)') : undefined;
    return { protocol: 'realtime', what: `Realtime ${m.type} event`, info: { type: m.type }, ...(error ? { error } : {}) };
  }
  if (['hello', 'text', 'speech', 'ping', 'pong', 'end', 'error'].includes(m.type)) {
    const error = m.type === 'error' ? `${String(m.code ?? '')}: ${String(m.message ?? '(no message)')}` : undefined;
    return { protocol: 'voicewire', what: `voicewire ${m.type} message`, info: { type: m.type }, ...(error ? { error } : {}) };
  }
  return { protocol: 'unknown', what: `a JSON message of type "${m.type}"` };
}
