// @vitest-environment happy-dom
import { StrictMode } from 'react';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { useVoiceSession, type UseVoiceSessionOptions } from '../../src/react/index.js';
import { streamAudio } from '../../src/session/stream-audio.js';
import { turnDetection } from '../../src/session/turns.js';
import { sequence, speechLike } from '../support/speech-like.js';
import { startVoiceServer } from '../support/voice-server.js';

/** A minimal app: the hook's state as text, a Start and a Stop button. */
function App(props: UseVoiceSessionOptions) {
  const v = useVoiceSession(props);
  return (
    <div>
      <output data-testid="state">{v.state}</output>
      <output data-testid="error">{v.error?.code ?? ''}</output>
      <output data-testid="user">{v.turn.userSpeaking ? 'speaking' : 'quiet'}</output>
      <output data-testid="muted">{v.muted ? 'muted' : 'live'}</output>
      <button onClick={() => void v.start()}>Start</button>
      <button onClick={() => void v.stop()}>Stop</button>
      <button onClick={() => v.setMuted(!v.muted)}>Mute</button>
    </div>
  );
}

/** Stream input: half a second of silence, a 1 s word, then silence for ever (20 ms blocks). */
async function* voice() {
  const words = sequence([new Float32Array(12000), speechLike(24000, 1, 3), new Float32Array(24000)]);
  for (let at = 0; at < words.length; at += 480) yield words.subarray(at, at + 480);
  for (;;) yield new Float32Array(480);
}

afterEach(cleanup);

describe('useVoiceSession (React, @testing-library/react in happy-dom, a real ws server)', () => {
  it('in StrictMode: opens nothing on mount, one connection on Start, state and turns as React state; unmount stops it', async () => {
    const server = await startVoiceServer();
    const view = render(<StrictMode><App url={server.url} audio={streamAudio({ input: voice() })} turns={turnDetection()} /></StrictMode>);
    expect(screen.getByTestId('state').textContent).toBe('idle');
    await new Promise((r) => setTimeout(r, 100));
    expect(server.upgrades.length).toBe(0); // the double mount opened nothing

    fireEvent.click(screen.getByText('Start'));
    await waitFor(() => expect(screen.getByTestId('state').textContent).toBe('connected'), { timeout: 5000 });
    expect(server.upgrades.length).toBe(1);
    await waitFor(() => expect(screen.getByTestId('user').textContent).toBe('speaking'), { timeout: 5000 });

    fireEvent.click(screen.getByText('Mute'));
    await waitFor(() => expect(screen.getByTestId('muted').textContent).toBe('muted'));

    view.unmount();
    await waitFor(() => expect(server.closeCodes).toEqual([1000]), { timeout: 5000 });
    expect(server.sockets.size).toBe(0);
    await server.close();
  });

  it('Stop shows closed; Start again is a new session (a second connection), with a fresh mute state', async () => {
    const server = await startVoiceServer();
    render(<App url={server.url} audio={streamAudio({ input: voice() })} turns={turnDetection()} />);
    fireEvent.click(screen.getByText('Start'));
    await waitFor(() => expect(screen.getByTestId('state').textContent).toBe('connected'), { timeout: 5000 });
    fireEvent.click(screen.getByText('Mute'));
    await waitFor(() => expect(screen.getByTestId('muted').textContent).toBe('muted'));
    fireEvent.click(screen.getByText('Stop'));
    await waitFor(() => expect(screen.getByTestId('state').textContent).toBe('closed'));
    fireEvent.click(screen.getByText('Start'));
    await waitFor(() => expect(screen.getByTestId('state').textContent).toBe('connected'), { timeout: 5000 });
    expect(screen.getByTestId('muted').textContent).toBe('live');
    expect(server.upgrades.length).toBe(2);
    await act(async () => {
      fireEvent.click(screen.getByText('Stop'));
    });
    await server.close();
  });

  it('a failed start shows the typed error and closed', async () => {
    render(<App url="ws://127.0.0.1:9/ws" audio={streamAudio()} connectTimeoutMs={2000} />);
    fireEvent.click(screen.getByText('Start'));
    await waitFor(() => expect(screen.getByTestId('state').textContent).toBe('closed'), { timeout: 5000 });
    expect(screen.getByTestId('error').textContent).toBe('CONNECTION_FAILED');
  });
});
