import { Decoder, encode } from '@msgpack/msgpack';
import type { WireMessage } from '../../src/protocols/protocol.js';
import { isJsonObjectWithType } from './fuzz.js';

/** Valid messages each decoder is fuzzed from (mutated by test/support/fuzz.ts), and what must be reported as unreadable. */

export const VOICEWIRE_HELLO = '{"type":"hello","protocol":"voicewire","version":1,"role":"server","audio":{"sampleRate":24000,"channels":1,"format":"s16le","frameMs":20}}';
export const VOICEWIRE = [VOICEWIRE_HELLO, '{"type":"text","text":"hi","source":"transcript","final":true}', '{"type":"speech","state":"started","atMs":10}',
  '{"type":"ping","id":1,"t":2}', '{"type":"pong","id":1,"t":2}', '{"type":"end"}', '{"type":"error","code":"X","message":"m","fatal":false}',
  new Uint8Array([0, 1, 2, 3]), new Uint8Array(960)];
/** Unreadable: text that is not a typed JSON object, or a binary frame with half a sample. */
export const voicewireUnreadable = (m: WireMessage) => (typeof m === 'string' ? !isJsonObjectWithType(m) : m.length % 2 === 1);

export const REALTIME = ['{"type":"session.updated","session":{}}', '{"type":"response.audio.delta","delta":"AEAAwP9/"}', '{"type":"response.text.delta","delta":"x"}',
  '{"type":"conversation.item.input_audio_transcription.completed","transcript":"t"}', '{"type":"input_audio_buffer.speech_started","audio_start_ms":5}',
  '{"type":"error","error":{"type":"e","message":"m"}}', '{"type":"response.done","response":{}}'];
export const realtimeUnreadable = (m: WireMessage) => typeof m !== 'string' || !isJsonObjectWithType(m);

export const KYUTAI_STT = [{ type: 'Ready' }, { type: 'Word', text: 'hi', start_time: 1.5 }, { type: 'EndWord', stop_time: 2 }, { type: 'Step', step_idx: 1, prs: [0.1, 0.2, 0.3, 0.4], buffered_pcm: 0 },
  { type: 'Marker', id: 1 }, { type: 'Error', message: 'no free channels' }].map((m) => encode(m));
export const KYUTAI_TTS = [{ type: 'Ready' }, { type: 'Audio', pcm: [0.5, -0.5, 0.25] }, { type: 'Text', text: 'hi', start_s: 0, stop_s: 1 }, { type: 'Error', message: 'e' }].map((m) => encode(m));

/** An independent oracle: the reference decoder cannot read it, or it is not a map with a string type. */
const reference = new Decoder();
export function msgpackUnreadable(m: WireMessage): boolean {
  if (typeof m === 'string') return true;
  try {
    const v: unknown = reference.decode(m);
    return typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array || typeof (v as { type?: unknown }).type !== 'string';
  } catch {
    return true;
  }
}
