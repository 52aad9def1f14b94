// The Artillery engine package is not installed by the root `npm ci`: link it and voicewire where Node's
// resolution finds them, as `npm install` of the package would (packages/artillery-engine-voicewire/node_modules/).
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const ENGINE_DIR = join(ROOT, 'packages/artillery-engine-voicewire');

/** Links voicewire (this repo) into the engine's node_modules; returns the engine's constructor. */
export function loadEngine(): new (script: object, ee: import('node:events').EventEmitter, helpers: object) => {
  createScenario(spec: object, ee: import('node:events').EventEmitter): (context: object, done: (error: Error | null, context: object) => void) => void;
} {
  const modules = join(ENGINE_DIR, 'node_modules');
  mkdirSync(modules, { recursive: true });
  if (!existsSync(join(modules, 'voicewire'))) symlinkSync(ROOT, join(modules, 'voicewire'), 'dir');
  return createRequire(import.meta.url)(ENGINE_DIR);
}
