/** The type of `window.voicewire` in test pages: every package entry in one namespace (test/browser/fixtures/sdk.js). */
export type Sdk = typeof import('../../src/index.js') &
  typeof import('../../src/audio/index.js') &
  typeof import('../../src/transport/index.js') &
  typeof import('../../src/codecs/index.js') &
  typeof import('../../src/dsp/index.js') &
  typeof import('../../src/session/stream-audio.js') &
  typeof import('../../src/session/turns.js') &
  typeof import('../../src/protocols/voicewire/index.js') &
  typeof import('../../src/protocols/moshi/index.js') &
  typeof import('../../src/protocols/kyutai/index.js') &
  typeof import('../../src/protocols/realtime/index.js');
