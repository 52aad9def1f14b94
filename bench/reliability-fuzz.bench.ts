// Issue 16: 10^6 random and mutated messages per protocol decoder of the BUILT package (dist/), seeds printed for
// replay (VOICEWIRE_FUZZ_SEED=n npm run bench -- reliability-fuzz). Any invariant broken throws with the input's
// number and seed. `npm test` runs 10^5 of the same inputs against src/.
// The subpath entries, as a user imports them (voicewire/protocols/…); each factory makes a fresh codec per call.
import { kyutaiStt, kyutaiTts } from '../dist/protocols/kyutai.js';
import { moshi } from '../dist/protocols/moshi.js';
import { realtime } from '../dist/protocols/realtime.js';
import { voicewire } from '../dist/protocols/voicewire.js';
import type { VoiceProtocol, WireMessage } from '../src/protocols/protocol.js';
import { fuzzDecoder, fuzzSeed } from '../test/support/fuzz.js';
import { KYUTAI_STT, KYUTAI_TTS, REALTIME, VOICEWIRE, VOICEWIRE_HELLO, msgpackUnreadable, realtimeUnreadable, voicewireUnreadable } from '../test/support/fuzz-corpora.js';
import { fuzzMoshi } from '../test/support/fuzz-moshi.js';

const COUNT = Number(process.env.VOICEWIRE_FUZZ_COUNT ?? 1_000_000);

interface Case {
  name: string;
  run(seed: number): Promise<{ protocolErrors: number }>;
}

const generic = (name: string, make: () => VoiceProtocol, corpus: readonly WireMessage[], unreadable: (m: WireMessage) => boolean, hello?: WireMessage): Case => ({
  name,
  async run(seed) {
    const codec = make();
    if (hello !== undefined) await codec.decode(hello);
    return fuzzDecoder(codec, seed, COUNT, corpus, unreadable);
  },
});

const CASES: Case[] = [
  generic('voicewire', voicewire() as unknown as () => VoiceProtocol, VOICEWIRE, voicewireUnreadable, VOICEWIRE_HELLO),
  generic('realtime', realtime() as unknown as () => VoiceProtocol, REALTIME, realtimeUnreadable),
  generic('kyutai-stt', kyutaiStt() as unknown as () => VoiceProtocol, KYUTAI_STT, msgpackUnreadable),
  generic('kyutai-tts', kyutaiTts() as unknown as () => VoiceProtocol, KYUTAI_TTS, msgpackUnreadable),
  {
    name: 'moshi (Ogg Opus)',
    async run(seed) {
      const r = await fuzzMoshi(moshi() as unknown as () => VoiceProtocol, seed, COUNT);
      r.codec.close();
      if (r.failures.length > 0) throw new Error(`moshi fuzz (seed ${seed}): ${r.failures.join('; ')}`);
      return r;
    },
  },
];

export default async function fuzzBench(): Promise<void> {
  const rows: string[] = [];
  for (const c of CASES) {
    const seed = fuzzSeed(c.name);
    const started = performance.now();
    const r = await c.run(seed);
    const s = (performance.now() - started) / 1000;
    rows.push(`| ${c.name} | ${COUNT} | ${r.protocolErrors} | 0 | ${(COUNT / s).toFixed(0)} | ${s.toFixed(1)} | ${seed} |`);
  }
  console.log('| decoder (dist/) | inputs | PROTOCOL_ERROR reports | exceptions / broken invariants | inputs/s | s | seed |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
}
