import { describe, expect, it } from 'vitest';
import { ErrorCode, VoicewireError } from '../../src/errors/errors.js';
import { kyutaiStt, kyutaiTts } from '../../src/protocols/kyutai/index.js';
import { moshi } from '../../src/protocols/moshi/index.js';
import { pcm16RealtimeAudio, realtime } from '../../src/protocols/realtime/index.js';
import { voicewire } from '../../src/protocols/voicewire/index.js';
import { createVoiceSession } from '../../src/session/voice-session.js';

function thrown(f: () => unknown): VoicewireError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(VoicewireError);
    return e as VoicewireError;
  }
  throw new Error('expected INVALID_OPTION');
}

/** The protocol owns its wire (issue 15 case 1): a rate its server cannot run at fails at construction. */
describe('wire format comes from the protocol', () => {
  it('fixed-rate protocols refuse another rate with INVALID_OPTION when the session is built, naming the rate they run at', () => {
    for (const [name, rate, factory] of [['realtime pcm16', 16000, realtime({ sampleRate: 16000 })], ['kyutai-stt', 16000, kyutaiStt({ sampleRate: 16000 })], ['kyutai-tts', 48000, kyutaiTts({ sampleRate: 48000 })]] as const) {
      const error = thrown(() => createVoiceSession({ url: 'ws://127.0.0.1:1/x', protocol: factory }));
      expect(error.code).toBe(ErrorCode.INVALID_OPTION);
      expect(error.message).toBe(`${name} runs at 24000 Hz on the wire; sampleRate ${rate} is not possible.`);
      expect(error.details).toMatchObject({ option: 'sampleRate', protocol: name, rate: 24000 });
    }
  });

  it('each protocol states its own rate and frame; voicewire takes the one asked for; a plugged Realtime codec may choose', () => {
    expect([moshi()().sampleRate, kyutaiStt()().sampleRate, kyutaiTts()().sampleRate, realtime()().sampleRate]).toEqual([24000, 24000, 24000, 24000]);
    expect(kyutaiStt({ sampleRate: 24000 })().sampleRate).toBe(24000);
    const wv = voicewire({ sampleRate: 16000 })();
    expect(wv.sampleRate).toBe(16000);
    expect(JSON.parse(String(wv.open()[0])).audio).toMatchObject({ sampleRate: 16000 });
    expect(realtime({ sampleRate: 16000, audio: { ...pcm16RealtimeAudio(), name: 'custom' } })().sampleRate).toBe(16000);
  });
});
