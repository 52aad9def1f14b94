/** Built by scripts/worklet-sources.mjs: worklets/voicewire.processor.ts (both processors) as one standalone script. */
declare module 'virtual:voicewire-worklets' {
  export const WORKLET_SOURCE: string;
}
