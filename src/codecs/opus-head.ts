/**
 * The two header packets that open every Ogg Opus stream (RFC 7845 §5), and the packet duration read from an Opus
 * TOC byte (RFC 6716 §3.1). Pure functions over bytes.
 */

/** The identification header. `preSkip` is in 48 kHz samples whatever the input rate (RFC 7845 §5.1). */
export interface OpusHead {
  /** Header version byte; this reader accepts major version 0 (values 0–15). */
  version: number;
  /** Output channel count (1 or 2 for mapping family 0). */
  channels: number;
  /** Samples to drop at the start of decoded output, at 48 kHz. */
  preSkip: number;
  /** The rate the encoder was fed: informational only, Opus always decodes at any of 8–48 kHz. */
  inputSampleRate: number;
  /** Q7.8 dB. */
  outputGain: number;
  /** Channel mapping family (RFC 7845 §5.1.1); 0 = mono/stereo without a mapping table. */
  mappingFamily: number;
}

const HEAD_MAGIC = 'OpusHead';
const TAGS_MAGIC = 'OpusTags';
const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

/** Mono or stereo, channel mapping family 0: 19 bytes. */
export function buildOpusHead(head: Pick<OpusHead, 'channels' | 'preSkip' | 'inputSampleRate'>): Uint8Array {
  const out = new Uint8Array(19);
  const view = new DataView(out.buffer);
  out.set(ascii(HEAD_MAGIC), 0);
  out[8] = 1;
  out[9] = head.channels;
  view.setUint16(10, head.preSkip, true);
  view.setUint32(12, head.inputSampleRate, true);
  view.setInt16(16, 0, true);
  out[18] = 0;
  return out;
}

/** Returns null when `packet` is not an OpusHead we can decode (wrong magic, major version ≠ 0, too short). */
export function parseOpusHead(packet: Uint8Array): OpusHead | null {
  if (packet.length < 19 || !startsWith(packet, HEAD_MAGIC)) return null;
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const version = packet[8];
  // RFC 7845 §5.1: the upper four bits are the major version; a decoder must reject any but 0.
  if (version >> 4 !== 0 || packet[9] === 0) return null;
  return {
    version,
    channels: packet[9],
    preSkip: view.getUint16(10, true),
    inputSampleRate: view.getUint32(12, true),
    outputGain: view.getInt16(16, true),
    mappingFamily: packet[18],
  };
}

/** The comment header: vendor string and no user comments. */
export function buildOpusTags(vendor: string): Uint8Array {
  const vendorBytes = new TextEncoder().encode(vendor);
  const out = new Uint8Array(8 + 4 + vendorBytes.length + 4);
  const view = new DataView(out.buffer);
  out.set(ascii(TAGS_MAGIC), 0);
  view.setUint32(8, vendorBytes.length, true);
  out.set(vendorBytes, 12);
  view.setUint32(12 + vendorBytes.length, 0, true);
  return out;
}

export function isOpusTags(packet: Uint8Array): boolean {
  return packet.length >= 16 && startsWith(packet, TAGS_MAGIC);
}

/** Frame duration in 48 kHz samples for TOC configs 0–31: SILK 10/20/40/60 ms, hybrid 10/20, CELT 2.5/5/10/20. */
const FRAME_SAMPLES_48K = [
  480, 960, 1920, 2880, 480, 960, 1920, 2880, 480, 960, 1920, 2880,
  480, 960, 480, 960,
  120, 240, 480, 960, 120, 240, 480, 960, 120, 240, 480, 960, 120, 240, 480, 960,
];

/** Duration of an Opus packet in 48 kHz samples from its TOC byte, or 0 for a packet that cannot be valid. */
export function opusPacketSamples48k(packet: Uint8Array): number {
  if (packet.length === 0) return 0;
  const toc = packet[0];
  const code = toc & 3;
  const frames = code === 0 ? 1 : code === 3 ? (packet.length < 2 ? 0 : packet[1] & 0x3f) : 2;
  const samples = frames * FRAME_SAMPLES_48K[toc >> 3];
  // RFC 6716 §3.2.5: a packet holds at most 120 ms.
  return samples > 5760 ? 0 : samples;
}

function startsWith(bytes: Uint8Array, magic: string): boolean {
  for (let i = 0; i < magic.length; i++) if (bytes[i] !== magic.charCodeAt(i)) return false;
  return true;
}
