import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors/errors.js';
import type { ReconnectInfo } from '../../src/session/reconnect-info.js';
import { createVoiceSession, type SessionState } from '../../src/session/voice-session.js';
import { streamAudio } from '../../src/session/stream-audio.js';
import { startVoiceServer, until } from '../support/voice-server.js';

/** A policy that records what it was asked and answers fixed delays, then gives up. */
function policy(delays: number[]) {
  const asked: number[] = [];
  return { asked, nextRetryDelayMs: ({ attempt }: { attempt: number }) => (asked.push(attempt), delays[attempt - 1] ?? null) };
}

describe('VoiceSession reconnect visibility (Node, a real ws server that goes away)', () => {
  it('reports each attempt with its delay, then why it gave up, as events and as state', async () => {
    const server = await startVoiceServer();
    const retry = policy([40, 80, 120]);
    const session = createVoiceSession({ url: server.url, reconnect: 'always', reconnectPolicy: retry, connectTimeoutMs: 2000, audio: streamAudio() });
    const infos: ReconnectInfo[] = [];
    const states: SessionState[] = [];
    session.on('reconnect', (i) => infos.push(i));
    session.on('state', (s) => states.push(s));
    session.on('error', () => {});
    await session.start();
    expect(session.reconnect).toEqual({ attempt: 0, delayMs: null, nextAtMs: null, error: null, gaveUp: null });

    await server.kill(); // gone for good: every retry is refused
    await until(() => session.state === 'closed', 5000, 'closed');

    // Attempt n waits the policy's n-th delay; the 4th question got null: give up.
    expect(retry.asked).toEqual([1, 2, 3, 4]);
    const scheduled = infos.filter((i) => i.gaveUp === null);
    expect(scheduled.map((i) => [i.attempt, i.delayMs])).toEqual([[1, 40], [2, 80], [3, 120]]);
    expect(scheduled[0].error?.code).toBe(ErrorCode.CONNECTION_CLOSED);
    expect(scheduled[1].error?.code).toBe(ErrorCode.CONNECTION_FAILED);
    for (const i of scheduled) expect(i.nextAtMs).toBeGreaterThan(0);

    const last = infos.at(-1)!;
    expect(last.gaveUp?.attempts).toBe(3);
    expect(last.gaveUp?.error.code).toBe(ErrorCode.CONNECTION_FAILED);
    expect(last.gaveUp?.error.message).toMatch(/^Gave up reconnecting after 3 attempts/);
    expect(session.reconnect).toBe(last); // still readable after closed
    expect(states.filter((s) => s === 'reconnecting').length).toBeGreaterThanOrEqual(1);
    expect(states.at(-1)).toBe('closed');
  });

  it('resets to attempt 0 when the server comes back on the same port', async () => {
    const server = await startVoiceServer();
    const port = server.port;
    const session = createVoiceSession({ url: server.url, reconnect: 'always', reconnectPolicy: policy([300, 300, 300, 300]), audio: streamAudio() });
    const infos: ReconnectInfo[] = [];
    session.on('reconnect', (i) => infos.push(i));
    session.on('error', () => {});
    await session.start();
    await server.kill();
    await until(() => infos.length > 0, 5000, 'first retry scheduled');
    const back = await startVoiceServer({ port });
    await until(() => session.state === 'connected' && infos.at(-1)?.attempt === 0, 8000, 'reconnected');
    expect(infos[0]).toMatchObject({ attempt: 1, delayMs: 300, gaveUp: null });
    expect(session.reconnect).toMatchObject({ attempt: 0, delayMs: null, error: null, gaveUp: null });
    await session.stop();
    await back.close();
  });
});
