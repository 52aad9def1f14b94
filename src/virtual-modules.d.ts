/** Built by scripts/worklet-sources.mjs: each worklets/NAME.processor.ts bundled into a standalone script. */
declare module 'virtual:voicewire-worklets' {
  export const WORKLET_SOURCES: Readonly<Record<string, string>>;
}
