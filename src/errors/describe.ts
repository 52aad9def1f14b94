/**
 * The text of anything thrown: `Name: message` for errors (and error-like objects from other realms, such as a
 * worklet's DOMException), the string itself, or its String() form. One helper instead of a `String(e?.message ?? e)`
 * at every catch. Not redacted: callers pass the result through a VoicewireError, which scrubs secrets.
 */
export function describeError(e: unknown): string {
  if (typeof e === 'object' && e !== null && 'message' in e) {
    const { name, message } = e as { name?: unknown; message: unknown };
    return name === undefined ? String(message) : `${String(name)}: ${String(message)}`;
  }
  return String(e);
}
