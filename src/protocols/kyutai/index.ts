/**
 * Kyutai's streaming speech-to-text (`/api/asr-streaming`) and text-to-speech (`/api/tts_streaming`) for a session
 * or connection: MessagePack in binary frames, its reader loaded on first use.
 *
 * @module voicewire/protocols/kyutai
 */
export { kyutaiStt } from './kyutai-stt.js';
export type { KyutaiSttProtocol, KyutaiSttProtocolOptions } from './kyutai-stt.js';
export { kyutaiTts } from './kyutai-tts.js';
export type { KyutaiTtsProtocol, KyutaiTtsProtocolOptions } from './kyutai-tts.js';
