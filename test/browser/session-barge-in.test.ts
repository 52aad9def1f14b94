import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { encodeWav } from '../../src/codecs/wav.js';
import { launchChromium, openSdkPage, type BrowserSession } from '../support/browser.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { sequence, speechLike } from '../support/speech-like.js';
import { startVoiceServer, type VoiceServer } from '../support/voice-server.js';

process.env.PULSE_SERVER ??= 'unix:/nonexistent'; // see session-devices.test.ts

type Vw = import('../support/sdk.js').Sdk;
type Session = import('../../src/index.js').VoiceSession;
type TurnChange = import('../../src/index.js').TurnChange;
const ONSET_SOURCE = readFileSync(resolve(import.meta.dirname, 'fixtures/onset.processor.js'), 'utf8');
const MIC_RATE = 48000;
const AGENT_SECONDS = 10;

/** The agent's answer: 10 s of a 200 Hz tone at 24 kHz, as voicewire s16le frames of 20 ms, sent at once. */
function agentFrames(): Buffer[] {
  const frames: Buffer[] = [];
  for (let f = 0; f < AGENT_SECONDS * 50; f++) {
    const b = Buffer.alloc(960);
    for (let i = 0; i < 480; i++) b.writeInt16LE(Math.round(0.3 * 32767 * Math.sin((2 * Math.PI * 200 * (f * 480 + i)) / 24000)), i * 2);
    frames.push(b);
  }
  return frames;
}

describe('barge-in in real Chromium: the user speaks over the agent, playback goes silent', () => {
  let dir: string;
  let http: TestServer;
  let voice: VoiceServer;
  let browser: BrowserSession;

  beforeAll(async () => {
    // The fake microphone loops: 2 s of silence, then 1.2 s of a synthesized voice.
    dir = mkdtempSync(join(tmpdir(), 'voicewire-barge-'));
    const wav = join(dir, 'user.wav');
    writeFileSync(wav, encodeWav(sequence([new Float32Array(MIC_RATE * 2), speechLike(MIC_RATE, 1.2, 5, 0.4)]), MIC_RATE));
    http = await startTestServer({ headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }, routes: [(req, res) => req.url === '/favicon.ico' && (res.writeHead(204).end(), true)] });
    const answer = agentFrames();
    voice = await startVoiceServer({
      onConnection: (ws) => ws.on('message', (data, binary) => {
        if (!binary && /"type":"hello"/.test(String(data))) setTimeout(() => answer.forEach((f) => ws.send(f)), 50);
      }),
    });
    browser = await launchChromium({ fakeMicWav: wav });
    await openSdkPage(browser, `${http.origin()}/test/browser/fixtures/sdk.html`);
  });
  afterAll(async () => {
    await browser?.close();
    await voice?.close();
    await http?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('interrupts within a bounded time of the speech onset, measured on the context clock; turn events say who spoke', async () => {
    const result = await browser.page.evaluate(async ([url, source]) => {
      const vw = (window as unknown as { voicewire: Vw }).voicewire;
      const session: Session = vw.createVoiceSession({ url, turns: vw.turnDetection({ bargeIn: true }), echoCancellation: false, noiseSuppression: false, autoGainControl: false, playback: { maxMs: 12000 } });
      const turns: TurnChange[] = [];
      session.on('turn', (t) => turns.push(t));
      const bargedIn = new Promise<number>((r) => session.once('bargeIn', (e) => r(e.atMs)));
      await session.start();
      const ctx = session.audioContext!;
      const blob = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
      await ctx.audioWorklet.addModule(blob);
      const onset = new AudioWorkletNode(ctx, 'voicewire-onset', { numberOfInputs: 2, numberOfOutputs: 1, processorOptions: { threshold: 0.02 } });
      const marks: { type: string; frame: number }[] = [];
      onset.port.onmessage = (e) => marks.push(e.data);
      session.microphoneSource!.connect(onset, 0, 0);
      session.playbackNode!.connect(onset, 0, 1);
      const mute = new GainNode(ctx, { gain: 0 });
      onset.connect(mute).connect(ctx.destination);
      const at = await Promise.race([bargedIn, new Promise<number>((r) => setTimeout(() => r(-1), 8000))]);
      await new Promise((r) => setTimeout(r, 300));
      const agentAfter = session.turn.agentSpeaking;
      await session.stop();
      return { at, marks, turns: turns.map((t) => [t.changed, t.changed === 'user' ? t.userSpeaking : t.agentSpeaking]), agentAfter, rate: ctx.sampleRate };
    }, [voice.url, ONSET_SOURCE] as const);

    expect(result.at).toBeGreaterThan(0); // barge-in happened
    const silent = result.marks.find((m) => m.type === 'silent');
    expect(silent).toBeDefined();
    const onsets = result.marks.filter((m) => m.type === 'onset' && m.frame < silent!.frame);
    expect(onsets.length).toBeGreaterThan(0);
    const latencyMs = ((silent!.frame - onsets.at(-1)!.frame) * 1000) / result.rate;
    console.log(`barge-in: speech onset → playback silent ${latencyMs.toFixed(0)} ms (context clock, ${result.rate} Hz); turns ${JSON.stringify(result.turns)}`);
    // Detector onset (60 ms) + a 20 ms frame + main-thread hand-off + one quantum: ~100 ms idle; generous for a busy CI.
    expect(latencyMs).toBeGreaterThan(0);
    expect(latencyMs).toBeLessThan(800);
    // The agent spoke, then the user started: the agent's turn ended right then (the interrupt), long before its
    // 10 s of audio ran out. (The microphone may also have started before the agent did: no barge-in then.)
    const agentEnd = result.turns.findIndex((t) => t[0] === 'agent' && t[1] === false);
    expect(result.turns.slice(0, agentEnd)).toContainEqual(['agent', true]);
    expect(result.turns[agentEnd - 1]).toEqual(['user', true]);
    expect(result.agentAfter).toBe(false);
    expect(browser.pageErrors).toEqual([]);
  });
});
