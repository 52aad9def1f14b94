import { describe, expect, it } from 'vitest';
import type { VoicewireError } from '../../src/errors/errors.js';
import { voicewire } from '../../src/protocols/voicewire/voicewire.js';
import { Connection } from '../../src/transport/connection.js';
import type { ConnectionState } from '../../src/transport/connection-events.js';

// Checked by `tsc --noEmit`: a wrong payload type must fail the build.
function typeChecks(conn: Connection): void {
  conn.on('audio', (e) => e.pcm satisfies Float32Array);
  conn.on('state', (c) => c.state satisfies ConnectionState);
  conn.on('error', (e: VoicewireError, fatal: boolean) => void [e, fatal]);
  // @ts-expect-error audio carries an event object, not a string
  conn.on('audio', (e: string) => e);
  // @ts-expect-error no such event
  conn.on('opened', () => {});
  // @ts-expect-error a state is one of five names
  const s: ConnectionState = 'idle';
  void s;
  // @ts-expect-error emit checks payloads too
  conn.emit('marker', { type: 'marker', id: 'x' });
}

describe('Connection event types', () => {
  it('compiles with typed listeners (see the @ts-expect-error lines) and starts closed', () => {
    const conn = new Connection({ url: 'ws://127.0.0.1:1/', protocol: voicewire() });
    typeChecks(conn);
    expect(conn.state).toBe('closed');
    expect(conn.sendAudio(new Float32Array(1))).toBe(false);
    expect(conn.sendControl(['x'])).toBe(false);
  });
});
