import { launchChromiumEngine } from './chromium.js';
import type { EngineName, EngineOptions, EnginePage } from './engine.js';
import { launchFirefoxEngine } from './firefox.js';
import { launchWebkitEngine } from './webkit.js';

export { ENGINES, type EngineName, type EngineOptions, type EnginePage } from './engine.js';

const LAUNCH: Record<EngineName, (options: EngineOptions) => Promise<EnginePage>> = {
  chromium: launchChromiumEngine,
  firefox: launchFirefoxEngine,
  webkit: launchWebkitEngine,
};

/** Starts `engine` with a fresh profile and one page. */
export function launchEngine(engine: EngineName, options: EngineOptions = {}): Promise<EnginePage> {
  return LAUNCH[engine](options);
}
