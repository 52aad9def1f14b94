export { ErrorCode, VoicewireError, isVoicewireError } from './errors.js';
export type { ErrorDetails, VoicewireErrorInit } from './errors.js';
export { diagnose, assertAudioCapable } from './environment.js';
export type { EnvironmentReport, AudioNeeds } from './environment.js';
export { resolveSocketUrl, isLoopbackHost } from './url.js';
export type { ResolveSocketUrlOptions } from './url.js';
export { redactUrl, redactText } from './redact.js';
