import { ErrorCode, type VoicewireError } from '../errors/errors.js';
import { wrongEndpointError } from '../protocols/identify.js';
import type { ProtocolEvent, VoiceProtocol, WireMessage } from '../protocols/protocol.js';
import { noHelloError } from './close-errors.js';

/**
 * The wait for the server's hello on one open socket. A message of another protocol's server ends it at once
 * (wrongEndpointError); no hello within `helloTimeoutMs` is a busy one-slot server when it stayed silent, and
 * another protocol when it sent messages the codec could not read (noHelloError).
 */
export class HelloWait {
  private readonly timer: ReturnType<typeof setTimeout>;
  /** Messages the codec could not read before the hello: a sign of the wrong protocol. */
  private unreadable = 0;

  /** Starts the wait; `fail` gets the close code and reason to end the connection with, and the error. */
  constructor(private readonly codec: VoiceProtocol, helloTimeoutMs: number, private readonly fail: (closeCode: number, reason: string, error: VoicewireError) => void) {
    this.timer = setTimeout(() => {
      // A busy server is silent; one that talks in a language the codec cannot read is another protocol.
      const unreadable = this.unreadable;
      this.fail(unreadable > 0 ? 1002 : 1000, 'no hello', noHelloError(codec.name, helloTimeoutMs, unreadable));
    }, helloTimeoutMs);
  }

  /** A message decoded while waiting. True when it came from another protocol's server: the wait failed. */
  heard(message: WireMessage, events: readonly ProtocolEvent[], secrets: readonly string[]): boolean {
    const error = wrongEndpointError(this.codec.name, message, events, secrets);
    if (error) {
      this.fail(1002, 'wrong protocol', error);
      return true;
    }
    for (const event of events) if (event.type === 'error' && event.error.code === ErrorCode.PROTOCOL_ERROR) this.unreadable++;
    return false;
  }

  /** The hello came, or the socket went. */
  stop(): void {
    clearTimeout(this.timer);
  }
}
