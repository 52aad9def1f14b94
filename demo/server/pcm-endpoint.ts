import type { RawData } from 'ws';
import { BYTES_PER_SAMPLE, decodePcm, encodePcm, type SampleFormat } from '../../src/dsp/pcm.js';
import type { EndpointHandler } from './server.js';
import { frameScheduler, type JitterOptions } from './jitter.js';
import { EnergyVad, testTone } from './vad.js';
import { SEQUENCE_BYTES, sequenceOf, withSequence } from '../../src/protocols/voicewire/frame-sequence.js';

export interface PcmEndpointOptions {
  /** How long the caller's audio is held before it is sent back. 0 = at once (latency measurements). */
  echoDelayMs: number;
  /** Network-like delay added to each echoed frame (seeded; frames stay in order). Default: none. */
  jitter?: JitterOptions;
  /**
   * A client that says nothing this long after the upgrade is told, in a voicewire error message, that this endpoint
   * expects a voicewire hello (a Moshi or Kyutai client waits for the server to speak first). Default 3000 ms.
   */
  clientHelloTimeoutMs?: number;
}

interface ClientAudio {
  sampleRate: number;
  format: SampleFormat;
  frameMs: number;
  /** The version picked in the hello: 2 puts a frame sequence number in front of each audio frame. */
  version: number;
}

const SUPPORTED_VERSIONS = [1, 2];

/**
 * `/ws`: the voicewire PCM protocol (docs/protocol.md) as a model-free voice server. It echoes the caller's audio
 * after a delay, reports voice activity as `speech` and `text` messages, and plays a test tone on request.
 */
export function pcmEndpoint(options: PcmEndpointOptions): EndpointHandler {
  return (socket, _req, signal) => {
    let audio: ClientAudio | undefined;
    // Each socket replays the same seeded delays from its first frame.
    const sendAt = options.jitter ? frameScheduler(options.echoDelayMs, options.jitter) : (readyAt: number) => readyAt + options.echoDelayMs;
    let vad: EnergyVad | undefined;
    // A requested tone and how much of it has played: mixed into the echo, see mixTone.
    let tone: Float32Array | null = null;
    let toneAt = 0;
    // Echoed frames scheduled but not yet sent, and whether the caller's `end` came: the echo's own `end` goes out
    // after its last frame (docs/protocol.md: `end` from either side means no more audio follows).
    let echoesPending = 0;
    let endAsked = false;
    const endIfDone = () => {
      if (!endAsked || echoesPending > 0) return;
      endAsked = false;
      sendJson({ type: 'end' });
    };
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const later = (ms: number, fn: () => void) => {
      if (ms <= 0) return fn();
      const t = setTimeout(() => {
        timers.delete(t);
        fn();
      }, ms);
      timers.add(t);
    };
    const send = (message: string | Uint8Array) => {
      if (socket.readyState === socket.OPEN) socket.send(message);
    };
    const sendJson = (message: object) => send(JSON.stringify(message));
    const fail = (code: string, message: string, closeCode: number) => {
      sendJson({ type: 'error', code, message, fatal: true });
      socket.close(closeCode, message.slice(0, 120));
    };

    later(options.clientHelloTimeoutMs ?? 3000, () => {
      if (audio === undefined) fail('PROTOCOL_ERROR', 'no client hello: this endpoint speaks the voicewire protocol (JSON hello first)', 1002);
    });

    socket.on('message', (data: RawData, isBinary: boolean) => {
      const bytes = toBytes(data);
      if (!isBinary) return onControl(new TextDecoder().decode(bytes));
      if (audio === undefined || vad === undefined) return fail('PROTOCOL_ERROR', 'audio before hello', 1002);
      const header = audio.version >= 2 ? SEQUENCE_BYTES : 0;
      const samples = bytes.subarray(header);
      if (bytes.length < header || samples.length % BYTES_PER_SAMPLE[audio.format] !== 0) {
        return sendJson({ type: 'error', code: 'PROTOCOL_ERROR', message: `a frame of ${bytes.length} bytes is not a ${header}-byte header and whole ${audio.format} samples`, fatal: false });
      }
      const pcm = decodePcm(samples, audio.format);
      const event = vad.push(pcm);
      if (event?.state === 'started') sendJson({ type: 'speech', state: 'started', atMs: event.atMs });
      if (event?.state === 'stopped') {
        sendJson({ type: 'speech', state: 'stopped', atMs: event.atMs, durationMs: event.durationMs });
        sendJson({ type: 'text', text: `heard ${(event.durationMs / 1000).toFixed(2)} s of speech`, source: 'transcript', final: true });
      }
      // The caller's own bytes go back unchanged (same format, same framing, version 2: the same sequence number,
      // so a frame the caller never sent is a gap in the echo too), with the test tone mixed in if asked.
      const mixed = tone === null ? null : encodePcm(mixTone(pcm), audio.format);
      const out = mixed === null ? bytes : header ? withSequence(sequenceOf(bytes), mixed) : mixed;
      const now = performance.now();
      echoesPending++;
      later(sendAt(now) - now, () => {
        send(out);
        echoesPending--;
        endIfDone();
      });
    });

    function onControl(text: string): void {
      let message: { type?: unknown; [k: string]: unknown };
      try {
        message = JSON.parse(text) as typeof message;
      } catch {
        return sendJson({ type: 'error', code: 'PROTOCOL_ERROR', message: 'a text frame that is not JSON', fatal: false });
      }
      switch (message.type) {
        case 'hello':
          return onHello(message);
        case 'end':
          endAsked = true;
          return endIfDone();
        case 'ping':
          return sendJson({ type: 'pong', id: message.id, t: message.t });
        case 'control':
          if (message.action === 'tone' && audio) {
            tone = testTone(audio.sampleRate, Number(message.frequency) || 440, Math.min(10_000, Number(message.durationMs) || 1000));
            toneAt = 0;
          }
          return;
        default:
          return; // unknown types are ignored (docs/protocol.md)
      }
    }

    function onHello(hello: Record<string, unknown>): void {
      const offered = Array.isArray(hello.versions) ? hello.versions.filter((v): v is number => typeof v === 'number') : [];
      const version = Math.max(...offered.filter((v) => SUPPORTED_VERSIONS.includes(v)));
      if (!Number.isFinite(version)) {
        sendJson({ type: 'error', code: 'VERSION_UNSUPPORTED', message: `no shared version: client offers ${JSON.stringify(offered)}`, supported: SUPPORTED_VERSIONS, fatal: true });
        return void socket.close(4406, 'no shared protocol version');
      }
      const a = (hello.audio ?? {}) as Record<string, unknown>;
      const sampleRate = Number(a.sampleRate);
      const format: SampleFormat | undefined = a.format === 'f32le' ? 'float32' : a.format === 's16le' ? 'int16' : undefined;
      if (!(sampleRate >= 8000 && sampleRate <= 96000) || format === undefined || (a.channels ?? 1) !== 1) {
        return fail('PROTOCOL_ERROR', 'hello.audio must be mono s16le or f32le at 8000-96000 Hz', 1002);
      }
      audio = { sampleRate, format, frameMs: Number(a.frameMs) || 20, version };
      vad = new EnergyVad({ sampleRate });
      sendJson({ type: 'hello', protocol: 'voicewire', version, role: 'server', audio: { sampleRate, channels: 1, format: a.format, frameMs: audio.frameMs } });
    }

    /**
     * A server has one output stream: the tone is added to the echoed frames, never sent as frames of its own (that
     * would double the audio rate, fill the client's jitter buffer and chop the tone between echo frames).
     */
    function mixTone(pcm: Float32Array): Float32Array {
      const t = tone!;
      const n = Math.min(pcm.length, t.length - toneAt);
      for (let i = 0; i < n; i++) pcm[i] = Math.max(-1, Math.min(1, pcm[i] + t[toneAt + i]));
      toneAt += n;
      if (toneAt >= t.length) tone = null;
      return pcm;
    }

    const cleanup = () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      // The shutdown signal outlives every socket: a listener left on it would keep this closure (and its socket).
      signal.removeEventListener('abort', cleanup);
    };
    socket.on('close', cleanup);
    signal.addEventListener('abort', cleanup, { once: true });
  };
}

export function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  return data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
