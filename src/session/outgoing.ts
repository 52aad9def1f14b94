import type { ProtocolControl } from '../protocols/protocol.js';
import type { Connection } from '../transport/connection.js';

/**
 * What a session sends besides audio, through the capabilities its protocol declares (`text`, `control`, `ping`,
 * `endInput`): the session never asks which protocol it speaks. Each returns false where the protocol cannot, or
 * when no socket is open. Everything goes through the connection's one send chain, after the audio given before.
 */

/** Text for the server to speak (Kyutai TTS). */
export function sendText(connection: Connection | null, text: string): boolean {
  const codec = connection?.protocol;
  if (!connection || !codec?.text) return false;
  return connection.sendControl(codec.text(text));
}

/** An application control message (voicewire `control`, Moshi 0x03). */
export function sendControl(connection: Connection | null, control: ProtocolControl): boolean {
  const codec = connection?.protocol;
  if (!connection || !codec?.control) return false;
  const messages = codec.control(control);
  return messages.length > 0 && connection.sendControl(messages);
}

/** A round-trip probe, where the protocol has one. */
export function sendPing(connection: Connection | null, id: number, t: number): boolean {
  const codec = connection?.protocol;
  if (!connection || !codec?.ping) return false;
  return connection.sendControl(codec.ping(id, t));
}
