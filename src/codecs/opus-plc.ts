import { opusPacketSamples48k } from './opus-head.js';

/**
 * Packets that make an Opus decoder conceal lost audio with its own packet-loss concealment, as RFC 7845 §4.1 tells a
 * muxer to repair a gap: each is the TOC byte of the packet before the gap (same mode, bandwidth and frame size) with
 * frame-count code 0 and a zero-length frame, which RFC 6716 §3.2.1 defines as a lost frame; libopus then conceals
 * exactly one frame of that size. opus-decoder exposes no PLC call (nor FEC): an empty packet would make libopus
 * conceal its whole 120 ms output buffer, a one-byte packet conceals one frame.
 * Returns the packets and the 48 kHz samples they cover (at most `samples48k`; the rest is shorter than a frame).
 */
export function concealmentPackets(previous: Uint8Array, samples48k: number): { packets: Uint8Array[]; covered: number } {
  const toc = new Uint8Array([previous[0] & 0xfc]);
  const frame = opusPacketSamples48k(toc);
  const count = frame > 0 ? Math.floor(samples48k / frame) : 0;
  return { packets: Array.from({ length: count }, () => toc), covered: count * frame };
}
