import type { Plugin } from 'rollup';

export const WORKLET_SOURCES_ID: 'virtual:voicewire-worklets';
export function listWorkletEntries(dir?: string): { name: string; file: string }[];
export function bundleWorklet(file: string): Promise<string>;
export function workletSources(options?: { emitFiles?: boolean }): Plugin;
