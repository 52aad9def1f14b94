// The React example: the same local voice loop as the main demo page, in ~100 lines of an app built on
// voicewire/react. Built by scripts/build-react-demo.mjs, served at /react/ by `npm start`.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { useVoiceSession } from 'voicewire/react';
import { turnDetection } from 'voicewire/turns';

const live = (state: string) => state !== 'idle' && state !== 'closed';
const db = (v: number) => (v > -100 ? `${v.toFixed(0)} dB` : '– dB');

function App() {
  // Turn state without barge-in: the local server echoes your own voice, which would interrupt itself whenever you
  // speak on. The hook's options are read at start(), so one detection factory per render is fine.
  const v = useVoiceSession({ url: '/ws', turns: turnDetection() });
  const connected = v.state === 'connected';
  return (
    <main>
      <h1>voicewire <small>React example</small></h1>
      <p>State: <strong id="state">{v.state}</strong>
        {v.state === 'reconnecting' && <span id="reconnect"> (attempt {v.reconnect.attempt}, next in {v.reconnect.delayMs} ms)</span>}
      </p>
      {v.error && v.state !== 'connected' && <p id="error" role="alert"><b>{v.error.code}</b> {v.error.message}<br />{v.error.remedy}</p>}
      <p>
        <button id="connect" onClick={() => void (live(v.state) ? v.stop() : v.start())}>{live(v.state) ? 'Disconnect' : 'Connect'}</button>
        <button id="mute" disabled={!connected} onClick={() => v.setMuted(!v.muted)}>{v.muted ? 'Unmute' : 'Mute'}</button>
        <button id="interrupt" disabled={!connected} onClick={v.interrupt}>Interrupt</button>
      </p>
      <p>
        <label>Volume <input id="volume" type="range" min={0} max={100} value={Math.round(v.volume * 100)} onChange={(e) => v.setVolume(Number(e.target.value) / 100)} /></label>
      </p>
      {v.devices && (
        <p>
          <label>Microphone <select id="microphone" onChange={(e) => void v.selectMicrophone(e.target.value)}>
            {v.devices.microphones.map((d, i) => <option key={d.deviceId} value={d.deviceId}>{d.label || `Microphone ${i + 1}`}</option>)}
          </select></label>{' '}
          <label>Speaker <select id="speaker" onChange={(e) => void v.selectSpeaker(e.target.value)}>
            {v.devices.speakers.map((d, i) => <option key={d.deviceId} value={d.deviceId}>{d.label || `Speaker ${i + 1}`}</option>)}
          </select></label>
        </p>
      )}
      <p>Mic <output id="mic-db">{db(v.level.micDb)}</output> · Playback <output id="playback-db">{db(v.level.playbackDb)}</output></p>
      <p>Turn: <output id="turn">{v.turn.userSpeaking ? 'you are speaking' : v.turn.agentSpeaking ? 'agent is speaking' : 'nobody is speaking'}</output></p>
      <ol id="texts">{v.texts.map((t, i) => <li key={i}>{t.text}</li>)}</ol>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(<StrictMode><App /></StrictMode>);
(window as unknown as { reactDemoReady: boolean }).reactDemoReady = true;
