import { ErrorCode, type VoicewireError } from '../errors/errors.js';
import { wrongEndpointError } from '../protocols/identify.js';
import type { ProtocolEvent, VoiceProtocol, WireMessage } from '../protocols/protocol.js';
import { noHelloError } from './close-errors.js';

/** One socket's wait for the server's hello (see waitForHello). */
export interface HelloWait {
  /** A message decoded while waiting. True when it came from another protocol's server: the wait failed. */
  heard(message: WireMessage, events: readonly ProtocolEvent[], secrets: readonly string[]): boolean;
  /** The hello came, or the socket went. */
  stop(): void;
}

/**
 * Starts the wait for the server's hello on one open socket. A message of another protocol's server ends it at once
 * (wrongEndpointError); no hello within `helloTimeoutMs` is a busy one-slot server when it stayed silent, and
 * another protocol when it sent messages the codec could not read (noHelloError). `fail` gets the close code and
 * reason to end the connection with, and the error.
 */
export function waitForHello(codec: VoiceProtocol, helloTimeoutMs: number, fail: (closeCode: number, reason: string, error: VoicewireError) => void): HelloWait {
  /** Messages the codec could not read before the hello: a sign of the wrong protocol. */
  let unreadable = 0;
  const timer = setTimeout(() => {
    // A busy server is silent; one that talks in a language the codec cannot read is another protocol.
    fail(unreadable > 0 ? 1002 : 1000, 'no hello', noHelloError(codec.name, helloTimeoutMs, unreadable));
  }, helloTimeoutMs);
  return {
    heard(message, events, secrets) {
      const error = wrongEndpointError(codec.name, message, events, secrets);
      if (error) {
        fail(1002, 'wrong protocol', error);
        return true;
      }
      for (const event of events) if (event.type === 'error' && event.error.code === ErrorCode.PROTOCOL_ERROR) unreadable++;
      return false;
    },
    stop: () => clearTimeout(timer),
  };
}
