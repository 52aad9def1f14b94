// The demo page: every number here comes from voicewire's own events, so it doubles as a live check of the SDK.
import * as voicewire from '/sdk/voicewire.js';
import { moshi } from '/sdk/protocols/moshi.js';
import { listDevices, outputDeviceSupported } from '/sdk/audio.js';
import { turnDetection } from '/sdk/turns.js';

/** The protocols the local server speaks, by the value of the page's protocol menu. */
const PROTOCOLS = { voicewire: undefined, moshi: moshi() };

const $ = (id) => document.getElementById(id);
const ui = {
  state: $('state'), protocol: $('protocol'), url: $('url'), connect: $('connect'), mute: $('mute'),
  interrupt: $('interrupt'), tone: $('tone'), diagnosis: $('diagnosis'), transcript: $('transcript'),
  error: $('error'), errorCode: $('error-code'), errorMessage: $('error-message'), errorRemedy: $('error-remedy'),
  micLevel: $('mic-level'), micDb: $('mic-db'), playbackLevel: $('playback-level'), playbackDb: $('playback-db'),
  microphone: $('microphone'), speaker: $('speaker'), volume: $('volume'), volumeValue: $('volume-value'),
  bargeIn: $('barge-in'), turn: $('turn'), reconnectInfo: $('reconnect-info'),
};

/** Exposed for the browser tests and for poking at from the console. */
window.demo = { voicewire, session: null, texts: [], errors: [], states: [] };

const CHECKS = [
  ['secureContext', 'Secure context (https or localhost)'],
  ['audioContext', 'Web Audio (AudioContext)'],
  ['audioWorklet', 'AudioWorklet'],
  ['mediaDevices', 'Microphone API (getUserMedia)'],
  ['webCodecsOpus', 'WebCodecs Opus encoder'],
  ['crossOriginIsolated', 'Cross-origin isolated (shared-memory ring)', 'info'],
];

async function showDiagnosis() {
  const report = await voicewire.diagnose();
  ui.diagnosis.replaceChildren(
    ...CHECKS.map(([key, label, weight]) => {
      const ok = report[key] === true;
      return item(ok ? 'ok' : weight ?? 'bad', ok ? '✓' : '✗', label, key);
    }),
    ...report.problems.map((p) => {
      const li = item('bad', '!', `${p.code}: ${p.message}`, p.code);
      const pre = document.createElement('pre');
      pre.textContent = p.remedy;
      li.append(pre);
      return li;
    }),
  );
  window.demo.report = report;
}

function item(kind, mark, text, key) {
  const li = document.createElement('li');
  li.className = kind;
  li.dataset.check = key;
  const m = document.createElement('span');
  m.className = 'mark';
  m.textContent = mark;
  li.append(m, text);
  return li;
}

function showError(err) {
  window.demo.errors.push({ code: err.code, message: err.message, remedy: err.remedy });
  ui.error.hidden = false;
  ui.errorCode.textContent = err.code ?? err.name;
  ui.errorMessage.textContent = err.message;
  ui.errorRemedy.textContent = err.remedy ?? '';
}

function setState(state) {
  window.demo.states.push(state);
  ui.state.textContent = state;
  ui.state.dataset.state = state;
  // A banner describes a failure to connect: it ends when the session is connected (again).
  if (state === 'connected') ui.error.hidden = true;
  if (state !== 'reconnecting') ui.reconnectInfo.textContent = '';
  if (state === 'closed' || state === 'idle') resetReadings();
  const live = state !== 'idle' && state !== 'closed';
  ui.connect.textContent = live ? 'Disconnect' : 'Connect';
  for (const b of [ui.mute, ui.interrupt, ui.tone]) b.disabled = state !== 'connected';
  ui.tone.disabled ||= ui.protocol.value !== 'voicewire';
}

/** Meters, stats and turn back to "nothing measured": a closed session measures nothing. */
function resetReadings() {
  showLevel(ui.micLevel, ui.micDb, -Infinity);
  showLevel(ui.playbackLevel, ui.playbackDb, -Infinity);
  for (const id of ['stat-rtt', 'stat-buffer', 'stat-underruns', 'stat-overruns', 'stat-dropped', 'stat-path']) $(id).textContent = '–';
  showTurn({ userSpeaking: false, agentSpeaking: false });
}

function showTurn(t) {
  ui.turn.textContent = t.userSpeaking ? 'you are speaking' : t.agentSpeaking ? 'agent is speaking' : 'nobody is speaking';
}

function showMuted(muted) {
  ui.mute.textContent = muted ? 'Unmute' : 'Mute';
}

function showReconnect(r) {
  ui.reconnectInfo.textContent = r.gaveUp ? `gave up after ${r.gaveUp.attempts} attempts` : r.attempt > 0 ? `attempt ${r.attempt}, next in ${Math.round(r.delayMs)} ms` : '';
}

/** Fills the device pickers (names appear once the microphone was granted), keeping the choice. */
async function showDevices() {
  const { microphones, speakers } = await listDevices();
  const fill = (select, devices, noun) => {
    const chosen = select.value;
    select.replaceChildren(...devices.map((d, i) => new Option(d.label || `${noun} ${i + 1}`, d.deviceId)));
    if (devices.some((d) => d.deviceId === chosen)) select.value = chosen;
  };
  fill(ui.microphone, microphones, 'Microphone');
  fill(ui.speaker, speakers, 'Speaker');
  ui.speaker.disabled = !outputDeviceSupported();
}

function addText(text, source) {
  window.demo.texts.push({ text, source });
  const li = document.createElement('li');
  const time = document.createElement('time');
  time.textContent = new Date().toTimeString().slice(0, 8);
  const s = document.createElement('span');
  s.className = 'source';
  s.textContent = source;
  li.append(time, s, text);
  ui.transcript.append(li);
  ui.transcript.scrollTop = ui.transcript.scrollHeight;
}

const fmt = (v, unit, digits = 0) => (Number.isFinite(v) ? `${v.toFixed(digits)} ${unit}` : '–');

function showLevel(meter, output, db) {
  meter.value = Math.max(-60, db);
  output.textContent = db > -100 ? `${db.toFixed(0)} dB` : '– dB';
}

function showStats(s) {
  $('stat-rtt').textContent = fmt(s.rttMs, 'ms');
  $('stat-buffer').textContent = fmt(s.bufferMs, 'ms');
  $('stat-m2e').textContent = fmt(s.mouthToEarMs, 'ms');
  const p = s.playout;
  $('stat-playout').textContent = p ? `${fmt(p.delayMs, 'ms')} / ${fmt(p.targetDelayMs, 'ms')}` : '–';
  $('stat-concealed').textContent = p ? `${fmt(p.concealedMs, 'ms')} / ${fmt(p.underrunMs, 'ms')}` : '–';
  $('stat-stretch').textContent = p ? `${fmt(p.expandedMs, 'ms')} / ${fmt(p.acceleratedMs, 'ms')} (dropped ${fmt(p.droppedMs, 'ms')})` : '–';
  $('stat-underruns').textContent = String(s.underruns);
  $('stat-overruns').textContent = String(s.overruns);
  $('stat-dropped').textContent = `${Math.round(s.droppedInMs)} / ${Math.round(s.droppedOutMs)} ms`;
  $('stat-path').textContent = `${s.deviceRate / 1000} ↔ ${s.wireRate / 1000} kHz · ${s.handoff}`;
}

async function connect() {
  ui.error.hidden = true;
  const session = voicewire.createVoiceSession({
    url: ui.url.value, protocol: PROTOCOLS[ui.protocol.value], turns: turnDetection({ bargeIn: ui.bargeIn.checked }), volume: Number(ui.volume.value) / 100,
    inputDeviceId: ui.microphone.value || undefined, outputDeviceId: ui.speaker.disabled ? undefined : ui.speaker.value || undefined,
  });
  window.demo.session = session;
  showMuted(session.muted);
  session.on('state', setState);
  session.on('error', showError);
  session.on('mute', showMuted);
  session.on('turn', showTurn);
  session.on('reconnect', showReconnect);
  session.on('devices', () => void showDevices());
  session.on('text', (t) => addText(t.text, t.source));
  session.on('speech', (s) => addText(s.state === 'started' ? 'speech started' : `speech stopped (${(s.durationMs / 1000).toFixed(2)} s)`, 'vad'));
  session.on('level', (l) => {
    showLevel(ui.micLevel, ui.micDb, l.micDb);
    showLevel(ui.playbackLevel, ui.playbackDb, l.playbackDb);
  });
  session.on('stats', showStats);
  try {
    await session.start();
    await showDevices();
  } catch {
    // start() rejects with the VoicewireError it already emitted as 'error' (the banner shows it), or because
    // Disconnect stopped it while starting: nothing to show either way.
  }
}

ui.connect.addEventListener('click', () => {
  const session = window.demo.session;
  if (session && session.state !== 'closed' && session.state !== 'idle') void session.stop();
  else void connect();
});
ui.mute.addEventListener('click', () => {
  const session = window.demo.session;
  if (session.muted) session.unmute();
  else session.mute();
});
ui.volume.addEventListener('input', () => {
  ui.volumeValue.textContent = `${ui.volume.value} %`;
  window.demo.session?.output.setVolume(Number(ui.volume.value) / 100);
});
ui.microphone.addEventListener('change', () => {
  const session = window.demo.session;
  if (session?.state === 'connected') session.switchMicrophone({ inputDeviceId: ui.microphone.value }).catch(showError);
});
ui.speaker.addEventListener('change', () => {
  window.demo.session?.output.setDevice(ui.speaker.value).catch(showError);
});
ui.interrupt.addEventListener('click', () => window.demo.session?.interrupt());
ui.tone.addEventListener('click', () => window.demo.session?.sendControl({ action: 'tone', frequency: 440, durationMs: 1000 }));
ui.protocol.addEventListener('change', () => {
  ui.url.value = ui.protocol.selectedOptions[0].dataset.url;
});

setState('idle');
await showDiagnosis();
window.demo.ready = true;
