import { afterEach } from 'vitest';
import { startVoiceServer, type VoiceServer, type VoiceServerOptions } from './voice-server.js';

/** Something a test opened, to be closed or stopped after it. */
export type Cleanup = () => Promise<unknown> | void;

/**
 * Call once at the top of a test file. What is handed to `cleanup` runs after the test that handed it, in the
 * order given, each awaited; `server()` starts a voice server (see startVoiceServer) that is closed that way.
 * (Its own file, not voice-server.ts: the bench imports that one outside vitest.)
 */
export function cleanupAfterEach(): { cleanup: (...fns: Cleanup[]) => void; server: (options?: VoiceServerOptions) => Promise<VoiceServer> } {
  const cleanups: Cleanup[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });
  const cleanup = (...fns: Cleanup[]) => void cleanups.push(...fns);
  return {
    cleanup,
    server: async (options = {}) => {
      const s = await startVoiceServer(options);
      cleanup(() => s.close());
      return s;
    },
  };
}
