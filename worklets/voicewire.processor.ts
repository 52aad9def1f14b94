// The one AudioWorklet module voicewire loads (a Blob of this file's bundle, or the self-hosted
// dist/worklets/voicewire.processor.js): both processors in one script, so the code they share ships once and a
// strict-CSP page self-hosts a single file.
import { CaptureProcessor } from './capture-processor.js';
import { PlaybackProcessor } from './playback-processor.js';

registerProcessor('voicewire-capture', CaptureProcessor);
registerProcessor('voicewire-playback', PlaybackProcessor);
