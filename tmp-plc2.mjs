import { OpusDecoder } from 'opus-decoder';
import OpusScript from 'opusscript';
const enc = new OpusScript(24000, 1, OpusScript.Application.VOIP);
const frames = [];
const N = 20;
const ref = [];
for (let k = 0; k < N; k++) {
  const pcm = new Int16Array(480);
  for (let i = 0; i < 480; i++) pcm[i] = Math.round(8000 * Math.sin(2 * Math.PI * 440 * (k * 480 + i) / 24000));
  frames.push(new Uint8Array(enc.encode(Buffer.from(pcm.buffer), 480)));
}
console.log('toc', frames[3][0].toString(2));
const d = new OpusDecoder({ channels: 1, sampleRate: 24000 });
await d.ready;
for (let k = 0; k < N; k++) {
  const lost = k === 5 || k === 6;
  const r = lost ? d.decodeFrame(new Uint8Array([frames[k - 1][0] & 0xfc])) : d.decodeFrame(frames[k]);
  const ch = r.channelData[0];
  let rms = 0; let step = 0;
  for (let i = 0; i < r.samplesDecoded; i++) { rms += ch[i] * ch[i]; if (i) step = Math.max(step, Math.abs(ch[i]-ch[i-1])); }
  console.log(k, lost ? 'PLC' : '', r.samplesDecoded, Math.sqrt(rms / Math.max(1, r.samplesDecoded)).toFixed(3), 'maxstep', step.toFixed(3), r.errors.map(e => e.message));
}
