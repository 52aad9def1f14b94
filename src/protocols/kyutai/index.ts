// voicewire/protocols/kyutai: Kyutai's streaming speech-to-text and text-to-speech (MessagePack, loaded on first use).
export { kyutaiStt } from './kyutai-stt.js';
export type { KyutaiSttProtocol, KyutaiSttProtocolOptions } from './kyutai-stt.js';
export { kyutaiTts } from './kyutai-tts.js';
export type { KyutaiTtsProtocol, KyutaiTtsProtocolOptions } from './kyutai-tts.js';
