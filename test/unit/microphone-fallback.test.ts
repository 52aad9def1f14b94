import { describe, expect, it } from 'vitest';
import type { AudioDevice, DeviceChange } from '../../src/audio/devices.js';
import { ErrorCode, VoicewireError } from '../../src/errors/errors.js';
import { MicrophoneFallback, removesMicrophone, type MicrophoneFallbackChange, type MicrophoneInUse } from '../../src/session/microphone-fallback.js';

// The decision logic alone (pure: no DOM); the browser wiring is tested with a real device removal in
// test/browser/session-microphone-fallback.test.ts.

const headset: AudioDevice = { deviceId: 'headset', label: 'USB headset', groupId: 'g1' };
const builtIn: AudioDevice = { deviceId: 'default', label: 'Default', groupId: 'g0' };
const speaker: AudioDevice = { deviceId: 'speaker', label: 'Speakers', groupId: 'g0' };

function change(before: AudioDevice[], after: AudioDevice[]): DeviceChange {
  return {
    devices: { microphones: after.filter((d) => d !== speaker), speakers: after.filter((d) => d === speaker), labelled: true },
    added: after.filter((d) => !before.includes(d)),
    removed: before.filter((d) => !after.includes(d)),
  };
}

const ended = new VoicewireError({ code: ErrorCode.MICROPHONE_ENDED, message: 'ended', remedy: 'r' });
const notFound = new VoicewireError({ code: ErrorCode.MICROPHONE_NOT_FOUND, message: 'No microphone was found.', remedy: 'Plug one in.' });

/** A host whose default microphone opens (or fails) when the test says, on a clock the test moves. */
function setup(mode: 'default' | 'none', failures: VoicewireError[] = []) {
  const log: string[] = [];
  const switches: MicrophoneFallbackChange[] = [];
  const errors: VoicewireError[] = [];
  let current: MicrophoneInUse | null = { deviceId: 'headset', label: 'USB headset' };
  let clock = 1000;
  let release = () => {};
  const host = {
    current: () => current,
    openDefault: () => {
      log.push('open');
      return new Promise<void>((resolve, reject) => {
        release = () => {
          const failure = failures.shift();
          if (failure) reject(failure);
          else {
            current = { deviceId: 'default', label: 'Default' };
            resolve();
          }
        };
      });
    },
    lost: () => log.push('lost'),
    switched: (c: MicrophoneFallbackChange) => switches.push(c),
    error: (e: VoicewireError) => errors.push(e),
  };
  const fallback = new MicrophoneFallback(mode, host, () => clock);
  const settle = async () => {
    release();
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { fallback, log, switches, errors, settle, tick: (ms: number) => (clock += ms), setCurrent: (c: MicrophoneInUse | null) => (current = c) };
}

describe('removesMicrophone', () => {
  it('is true only when the device in use left the microphone list', () => {
    const inUse = { deviceId: 'headset', label: 'USB headset' };
    expect(removesMicrophone(inUse, change([headset, builtIn], [builtIn]))).toBe(true);
    expect(removesMicrophone(inUse, change([headset, builtIn, speaker], [headset, builtIn]))).toBe(false); // a speaker left
    expect(removesMicrophone(inUse, change([builtIn], [builtIn, headset]))).toBe(false); // one came
    expect(removesMicrophone({ deviceId: '', label: '' }, change([{ ...headset, deviceId: '' }], []))).toBe(false); // ids hidden
    expect(removesMicrophone(null, change([headset], []))).toBe(false);
  });
});

describe('MicrophoneFallback', () => {
  it("'default': a track that ended → device-lost, one switch to the default, the event names both and counts the gap", async () => {
    const { fallback, log, switches, errors, settle, tick } = setup('default');
    fallback.frame(); // before the loss: not counted
    fallback.ended(ended);
    for (let i = 0; i < 7; i++) fallback.frame();
    // Chromium follows `ended` with a devicechange for the same unplug: no second attempt.
    fallback.devices(change([headset, builtIn], [builtIn]));
    tick(140);
    await settle();
    expect(log).toEqual(['lost', 'open']);
    expect(errors).toEqual([]);
    expect(switches).toEqual([
      { from: { deviceId: 'headset', label: 'USB headset' }, to: { deviceId: 'default', label: 'Default' }, lostFrames: 7, lostMs: 140 },
    ]);
    fallback.frame(); // after the switch: not counted any more
    fallback.ended(ended); // the default one ends too: a new loss, from the default
    tick(20);
    await settle();
    expect(switches[1]).toMatchObject({ from: { deviceId: 'default' }, lostFrames: 0, lostMs: 20 });
  });

  it("'default': a devicechange that drops the device in use counts as its loss even while its track stays live", async () => {
    const { fallback, log, switches, settle } = setup('default');
    fallback.devices(change([headset, builtIn, speaker], [headset, builtIn])); // not ours
    expect(log).toEqual([]);
    fallback.devices(change([headset, builtIn], [builtIn]));
    await settle();
    expect(log).toEqual(['lost', 'open']);
    expect(switches).toHaveLength(1);
  });

  it("'default' with no microphone left: the attempt's MICROPHONE_NOT_FOUND, then a retry when one is plugged in", async () => {
    const { fallback, log, switches, errors, settle } = setup('default', [notFound]);
    fallback.ended(ended);
    await settle();
    expect(errors.map((e) => e.code)).toEqual(['MICROPHONE_NOT_FOUND']);
    expect(errors[0]).toBe(notFound); // the attempt's own error, as start() would report it
    expect(switches).toEqual([]);
    fallback.devices(change([], [speaker])); // only a speaker came: nothing to try
    expect(log).toEqual(['lost', 'open']);
    fallback.devices(change([], [builtIn]));
    await settle();
    expect(log).toEqual(['lost', 'open', 'open']);
    expect(switches).toMatchObject([{ from: { deviceId: 'headset' }, to: { deviceId: 'default' } }]);
  });

  it("'none': device-lost and MICROPHONE_ENDED, never a switch", async () => {
    const { fallback, log, switches, errors, settle } = setup('none');
    fallback.ended(ended);
    fallback.devices(change([headset, builtIn], [builtIn]));
    fallback.devices(change([], [headset]));
    await settle();
    expect(log).toEqual(['lost', 'lost']);
    expect(errors).toEqual([ended]);
    expect(switches).toEqual([]);
  });

  it('a switch on purpose (switchMicrophone) is the device in use from then on; stop() during an attempt reports nothing', async () => {
    const { fallback, switches, errors, settle, setCurrent } = setup('default', [notFound]);
    setCurrent({ deviceId: 'builtin-2', label: 'Built-in' });
    fallback.replaced();
    fallback.devices(change([headset, builtIn], [builtIn])); // the headset is not in use any more
    expect(switches).toEqual([]);
    fallback.ended(ended);
    fallback.dispose();
    await settle();
    expect(errors).toEqual([]);
    expect(switches).toEqual([]);
  });
});
