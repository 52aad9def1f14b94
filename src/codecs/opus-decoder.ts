import { loadLazyPart } from '../environment/lazy-part.js';
import { describeError } from '../errors/describe.js';

/** A packet the decoder could not read; it produced no samples and decoding went on. */
export interface OpusDecodeIssue {
  /** Index of the packet in the batch passed to `decode`. */
  packet: number;
  /** Why it could not be decoded, in words. */
  reason: string;
}

/** Mono PCM out of Opus packets. Runs on the main thread or a worker, never in an AudioWorklet. */
export interface OpusPacketDecoder {
  /** Rate of the PCM `decode` returns, Hz. */
  readonly sampleRate: number;
  /** Decodes packets in order. Never throws: corrupt packets are listed in `issues`. */
  decode(packets: readonly Uint8Array[]): { pcm: Float32Array; issues: OpusDecodeIssue[] };
  /** Frees the wasm decoder; idempotent. `decode` after `close` returns no samples. */
  close(): void;
}

/** Output rate, pre-skip and load bound of {@link createOpusDecoder}. */
export interface OpusDecoderOptions {
  /** Output rate, Hz: 8000, 12000, 16000, 24000 or 48000 (opus-decoder silently turns any other rate into 48000). Default 24000. */
  sampleRate?: 8000 | 12000 | 16000 | 24000 | 48000;
  /** OpusHead's pre-skip, in 48 kHz samples: that many leading samples are dropped. */
  preSkip?: number;
  /** How long loading (chunk, WebAssembly compile) may take before CODEC_UNSUPPORTED `timeout`, in ms. Default 10 000. */
  timeoutMs?: number;
}

/** opus-decoder's input buffer for one channel (32000 × 0.12 bytes): a larger packet would make it throw. */
const MAX_PACKET_BYTES = 3840;

/** What a failed load names (see loadLazyPart). */
const PART = { name: 'The Opus decoder (opus-decoder, WebAssembly)', packageName: 'opus-decoder', wasm: true } as const;

/**
 * Wraps `opus-decoder` (libopus as wasm), loaded through a dynamic import so it is a chunk of its own in browser
 * builds and is fetched only by sessions that decode Opus. Settles within `timeoutMs` (default 10 000).
 * @throws VoicewireError CODEC_UNSUPPORTED with `details.reason`: `wasm-refused` (a CSP without
 * `'wasm-unsafe-eval'`, checked before anything loads: opus-decoder's own compile failure would reject where nobody
 * listens and its `ready` would never settle), `not-found`, `not-javascript` (an SPA fallback's index.html),
 * `timeout`, `not-installed` (Node).
 */
export async function createOpusDecoder(options: OpusDecoderOptions = {}): Promise<OpusPacketDecoder> {
  const sampleRate = options.sampleRate ?? 24000;
  const decoder = await loadLazyPart(
    { ...PART, timeoutMs: options.timeoutMs },
    async () => {
      const { OpusDecoder } = await import('opus-decoder');
      // opus-decoder counts pre-skip in output samples; OpusHead counts it at 48 kHz.
      const made = new OpusDecoder({ channels: 1, sampleRate, preSkip: Math.round(((options.preSkip ?? 0) * sampleRate) / 48000) });
      await made.ready;
      return made;
    },
    (late) => late.free(),
  );
  let closed = false;

  return {
    sampleRate,
    decode(packets) {
      const issues: OpusDecodeIssue[] = [];
      const parts: Float32Array[] = [];
      let total = 0;
      packets.forEach((packet, index) => {
        // A zero-length packet marks a loss (RFC 7845 §3): nothing to decode, and libopus would invent 60 ms.
        if (packet.length === 0 || closed) return;
        if (packet.length > MAX_PACKET_BYTES) {
          issues.push({ packet: index, reason: `Opus packet of ${packet.length} bytes exceeds ${MAX_PACKET_BYTES} (not a mono Opus packet)` });
          return;
        }
        try {
          const result = decoder.decodeFrame(packet);
          for (const e of result.errors) issues.push({ packet: index, reason: e.message });
          if (result.samplesDecoded > 0) {
            parts.push(result.channelData[0].slice(0, result.samplesDecoded));
            total += result.samplesDecoded;
          }
        } catch (e) {
          issues.push({ packet: index, reason: describeError(e) });
        }
      });
      const pcm = new Float32Array(total);
      let at = 0;
      for (const part of parts) {
        pcm.set(part, at);
        at += part.length;
      }
      return { pcm, issues };
    },
    close() {
      if (closed) return;
      closed = true;
      decoder.free();
    },
  };
}
