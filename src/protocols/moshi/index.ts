/**
 * Kyutai's Moshi `/api/chat`, Ogg Opus both ways (the Opus decoder loads on first use).
 *
 * @module voicewire/protocols/moshi
 */
export { moshi } from './moshi.js';
export type { MoshiProtocol, MoshiProtocolOptions, MoshiStats } from './moshi.js';
export type { MoshiControlAction } from './moshi-messages.js';
