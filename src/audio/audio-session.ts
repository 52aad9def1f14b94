import { audioSessionOf } from '../environment/diagnose.js';

/**
 * Quirk Q8 (Safari 16.4+, iOS): without an audio session type, Safari plays Web Audio as media — silenced by the
 * ring/silent switch, and routed like music while the microphone is open. `navigator.audioSession.type =
 * 'play-and-record'` (W3C Audio Session API; WebKit's "Audio Session API" post) makes it a call. Set for the length
 * of a session with a microphone; the returned function restores the page's previous type (unless the page changed
 * it meanwhile). Elsewhere (no `navigator.audioSession`) it does nothing. Never throws.
 */
export function claimPlayAndRecord(scope: typeof globalThis = globalThis): () => void {
  const session = audioSessionOf(scope);
  if (session === null) return () => undefined;
  const previous = session.type;
  try {
    session.type = 'play-and-record';
  } catch {
    return () => undefined;
  }
  return () => {
    try {
      if (session.type === 'play-and-record') session.type = previous;
    } catch {
      // A session type the browser no longer accepts is not worth failing stop() for.
    }
  };
}
