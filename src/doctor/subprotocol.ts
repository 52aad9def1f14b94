import type { IncomingHttpHeaders } from 'node:http';
import { redactSubprotocols } from '../errors/redact.js';
import { fail, pass, type CheckResult } from './types.js';

const TITLE = 'Subprotocol: the server echoes one the client offered';

/**
 * RFC 6455 §4.1 (client step 6): a client that offered subprotocols fails the connection when the server picks
 * none or one it did not offer. Browsers do exactly that, with 1006 and no reason; Node's `ws` is as strict.
 */
export function checkSubprotocol(offered: readonly string[], headers: IncomingHttpHeaders): CheckResult {
  const echoed = headers['sec-websocket-protocol'];
  const shownOffered = redactSubprotocols(offered).join(', ');
  if (offered.length === 0) {
    return echoed
      ? fail('subprotocol', TITLE, `None offered, yet the server chose "${redactSubprotocols([echoed])[0]}".`,
        'Browsers fail a socket whose server names a subprotocol the page did not offer: offer it in the client, or make the server echo only offered ones.')
      : pass('subprotocol', TITLE, 'None offered, none chosen.');
  }
  if (!echoed) {
    return fail('subprotocol', TITLE, `Offered ${shownOffered}; the server chose none.`,
      'Browsers close such a socket at once with 1006 and no reason (Node\'s ws too). Make the server accept and echo the subprotocol in ' +
        'Sec-WebSocket-Protocol (Python websockets: `subprotocols=[...]`; Node ws: `handleProtocols`); voicewire servers echo `voicewire.v1`. ' +
        'If a proxy sits in front, check it passes the Sec-WebSocket-Protocol header both ways.', { offered: redactSubprotocols(offered) });
  }
  if (!offered.includes(echoed)) {
    return fail('subprotocol', TITLE, `Offered ${shownOffered}; the server chose "${redactSubprotocols([echoed])[0]}", which was not offered.`,
      'Browsers fail the socket (1006). Make the server pick one of the offered subprotocols.');
  }
  return pass('subprotocol', TITLE, `Offered ${shownOffered}; the server chose "${redactSubprotocols([echoed])[0]}".`);
}
