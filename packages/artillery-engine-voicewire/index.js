// An Artillery engine (https://www.artillery.io/docs/reference/extension-apis#engines): Artillery requires
// `artillery-engine-voicewire` for `engine: voicewire` scenarios, constructs it once per worker, and runs the
// function createScenario returns once per virtual user. Metrics go to Artillery's own report through its events.
const { dirname, join } = require('node:path');
const { pathToFileURL } = require('node:url');
const { inputOf } = require('./lib/input.js');

const PREFIX = 'voicewire.';
/** Steps a flow may use, each `{ name: options }` (or the bare name). */
const STEPS = ['connect', 'stream', 'expectText', 'expectAudio', 'think', 'disconnect'];

class VoicewireEngine {
  /**
   * @param {{ config: { target?: string, engines?: { voicewire?: object } } }} script the parsed scenario file
   * @param {import('node:events').EventEmitter} ee Artillery's runner events
   * @param {object} helpers Artillery's engine helpers (templating, think)
   */
  constructor(script, ee, helpers) {
    this.target = script.config.target;
    this.config = (script.config.engines && script.config.engines.voicewire) || {};
    this.helpers = helpers;
    // Artillery passes the scenario path in its options; files are resolved against the scenario's folder.
    this.baseDir = script._scriptPath ? dirname(script._scriptPath) : process.cwd();
    this.voicewire = null;
  }

  createScenario(spec, ee) {
    const steps = (spec.flow || []).map((step) => compileStep(step));
    return (initialContext, done) => {
      ee.emit('started');
      const vu = { ...initialContext, voicewire: null };
      this.run(steps, vu, ee).then(
        () => done(null, vu),
        (error) => {
          ee.emit('error', error.code || error.message);
          done(error, vu);
        },
      );
    };
  }

  async run(steps, vu, ee) {
    this.voicewire ??= await loadVoicewire();
    try {
      for (const [name, options] of steps) await this[name](options, vu, ee);
    } finally {
      if (vu.voicewire) await this.disconnect({}, vu, ee);
    }
  }

  /** Opens a session: `{ protocol, path | url, file, pace, headers, auth, decodeAudio }`; records connect time. */
  async connect(options, vu, ee) {
    const o = { ...this.config, ...options };
    const vw = this.voicewire;
    const url = o.url || `${String(this.target).replace(/\/$/, '')}${o.path || ''}`;
    const clock = new vw.PlayoutClock(o.playoutDelayMs || 60);
    const state = { clock, startedAt: 0, connectedAt: 0, firstAudioAt: 0, firstTextAt: 0, textWaiters: [], audioWaiters: [], durationMs: 0, stats: null, session: null };
    const onAudioMs = (ms) => {
      if (state.firstAudioAt === 0) {
        state.firstAudioAt = performance.now();
        ee.emit('histogram', `${PREFIX}first_audio`, state.firstAudioAt - state.connectedAt);
        wake(state.audioWaiters);
      }
      clock.arrive(ms);
    };
    const input = o.file ? inputOf(o.file, this.baseDir, vw) : { durationMs: 0, options: {} };
    state.durationMs = input.durationMs;
    if (o.protocol !== undefined && o.protocol !== 'voicewire' && o.protocol !== 'moshi') {
      throw Object.assign(new Error(`protocol "${o.protocol}": this engine speaks voicewire and moshi`), { code: `${PREFIX}bad_protocol` });
    }
    const protocol = o.protocol === 'moshi' ? vw.moshi({ decodeAudio: o.decodeAudio === true }) : undefined;
    const session = vw.createVoiceSession({
      url, protocol, headers: o.headers, auth: o.auth,
      audio: vw.streamAudio({ pace: o.pace || 'realtime', ...input.options, onAudio: (pcm, rate) => onAudioMs((pcm.length / rate) * 1000) }),
      onEncodedAudio: (_packets, ms) => onAudioMs(ms),
    });
    session.on('text', () => {
      if (state.firstTextAt !== 0) return;
      state.firstTextAt = performance.now();
      ee.emit('histogram', `${PREFIX}first_text`, state.firstTextAt - state.connectedAt);
      wake(state.textWaiters);
    });
    session.on('stats', (stats) => (state.stats = stats));
    session.on('error', (error) => ee.emit('counter', `${PREFIX}errors.${error.code}`, 1));
    vu.voicewire = state;
    state.session = session;
    state.startedAt = performance.now();
    await session.start();
    state.connectedAt = performance.now();
    ee.emit('histogram', `${PREFIX}connect_time`, state.connectedAt - state.startedAt);
    ee.emit('counter', `${PREFIX}sessions`, 1);
  }

  /** Waits until the connected file has been sent (its duration at real-time pace), plus `holdMs`. */
  async stream(options, vu) {
    const state = need(vu, 'stream');
    const left = state.connectedAt + state.durationMs + (options.holdMs || 0) - performance.now();
    if (left > 0) await sleep(left);
  }

  /** Fails the VU (error `voicewire.no_text`) unless the server's first text came within `withinMs` of connecting. */
  expectText(options, vu) {
    return expectFirst(need(vu, 'expectText'), 'firstTextAt', 'textWaiters', options.withinMs, 'no_text');
  }

  /** Fails the VU (error `voicewire.no_audio`) unless the server's first audio came within `withinMs` of connecting. */
  expectAudio(options, vu) {
    return expectFirst(need(vu, 'expectAudio'), 'firstAudioAt', 'audioWaiters', options.withinMs, 'no_audio');
  }

  /** Pauses the VU `seconds` (or `ms`). */
  think(options) {
    return sleep(typeof options === 'number' ? options * 1000 : options.ms ?? (options.seconds || 0) * 1000);
  }

  /** Stops the session; reports underruns of a simulated playout, audio received, and drops. */
  async disconnect(_options, vu, ee) {
    const state = vu.voicewire;
    if (!state) return;
    vu.voicewire = null;
    await state.session.stop();
    ee.emit('counter', `${PREFIX}underruns`, state.clock.underruns);
    ee.emit('counter', `${PREFIX}audio_received_ms`, Math.round(state.clock.receivedMs));
    const stats = state.stats;
    if (stats) {
      ee.emit('counter', `${PREFIX}dropped_out_frames`, stats.droppedOutFrames);
      ee.emit('counter', `${PREFIX}dropped_in_frames`, stats.droppedInFrames);
    }
  }
}

/**
 * voicewire's ESM build, once per worker. Found with require's resolution (node_modules upwards, and NODE_PATH,
 * which Artillery's cloud workers set and import() ignores), then imported: the CommonJS build cannot load the
 * ESM-only Opus decoder on Node 20.
 */
async function loadVoicewire() {
  const manifest = require.resolve('voicewire/package.json');
  const { exports } = require(manifest);
  // `import` is a path, or { types, default } where the entry ships its own declarations.
  const file = (entry) => (typeof exports[entry].import === 'string' ? exports[entry].import : exports[entry].import.default);
  const load = (entry) => import(pathToFileURL(join(dirname(manifest), file(entry))).href);
  const [root, codecs, stream, moshi] = await Promise.all([load('.'), load('./codecs'), load('./stream'), load('./protocols/moshi')]);
  return { ...codecs, ...root, streamAudio: stream.streamAudio, moshi: moshi.moshi };
}

function compileStep(step) {
  const [name, options] = typeof step === 'string' ? [step, {}] : Object.entries(step)[0] || [];
  if (!STEPS.includes(name)) throw new Error(`artillery-engine-voicewire: unknown step "${name}"; steps are ${STEPS.join(', ')}`);
  return [name, options ?? {}];
}

function need(vu, step) {
  if (!vu.voicewire) throw Object.assign(new Error(`"${step}" before "connect"`), { code: `${PREFIX}no_session` });
  return vu.voicewire;
}

async function expectFirst(state, field, waiters, withinMs = 2000, what) {
  const deadline = state.connectedAt + withinMs;
  if (state[field] === 0) await new Promise((resolve) => {
    state[waiters].push(resolve);
    setTimeout(resolve, Math.max(0, deadline - performance.now()));
  });
  if (state[field] === 0 || state[field] > deadline) {
    throw Object.assign(new Error(`${what.replace('_', ' ')} within ${withinMs} ms`), { code: `${PREFIX}${what}` });
  }
}

function wake(waiters) {
  for (const w of waiters.splice(0)) w();
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

module.exports = VoicewireEngine;
