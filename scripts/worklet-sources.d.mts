import type { Plugin } from 'rollup';

export const WORKLET_SOURCES_ID: 'virtual:voicewire-worklets';
export const WORKLET_ENTRY: string;
export const WORKLET_FILE: string;
export function bundleWorklet(file?: string): Promise<string>;
export function workletSources(options?: { emitFiles?: boolean }): Plugin;
