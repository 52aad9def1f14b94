import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AudioLifecycle, type AudioState, type MicrophoneChange } from '../../src/session/audio-lifecycle.js';

/** An AudioContext as far as the lifecycle sees it: a state, statechange, and resume(). */
class FakeContext extends EventTarget {
  state: string = 'running';
  resumes = 0;
  async resume(): Promise<void> {
    this.resumes++;
  }
  set(state: string): void {
    this.state = state;
    this.dispatchEvent(new Event('statechange'));
  }
}

class FakeTrack extends EventTarget {
  label = 'Fake mic';
}

function setup(initial = 'running') {
  const ctx = new FakeContext();
  ctx.state = initial;
  const track = new FakeTrack();
  const stream = { getAudioTracks: () => [track] } as unknown as MediaStream;
  const gestures = new EventTarget();
  const states: AudioState[] = [];
  const changes: MicrophoneChange[] = [];
  const lifecycle = new AudioLifecycle(ctx as unknown as AudioContext, stream, { state: (s) => states.push(s), microphone: (c) => changes.push(c) }, gestures);
  return { ctx, track, gestures, states, changes, lifecycle };
}

describe('AudioLifecycle (faked context, tracks and document)', () => {
  let doc: EventTarget & { visibilityState: string };
  let devices: EventTarget;
  beforeEach(() => {
    doc = Object.assign(new EventTarget(), { visibilityState: 'visible' });
    devices = new EventTarget();
    vi.stubGlobal('document', doc);
    vi.stubGlobal('navigator', { mediaDevices: devices });
  });
  afterEach(() => vi.unstubAllGlobals());

  it('blocked → running when the context starts; a slow start ("starting") reports running only when it runs', () => {
    const blocked = setup('suspended');
    blocked.lifecycle.start('blocked');
    blocked.ctx.set('running');
    expect(blocked.states).toEqual(['blocked', 'running']);
    const slow = setup('suspended');
    slow.lifecycle.start('starting');
    expect(slow.states).toEqual([]);
    slow.ctx.set('running');
    expect(slow.states).toEqual(['running']);
  });

  it.each(['suspended', 'interrupted'])('running → %s mid-call reports interrupted once, resumes on a gesture, then reports running', (state) => {
    const { ctx, gestures, states, lifecycle } = setup();
    lifecycle.start('running');
    ctx.set(state);
    ctx.set(state);
    expect(states).toEqual(['running', 'interrupted']);
    gestures.dispatchEvent(new Event('pointerdown'));
    expect(ctx.resumes).toBe(1);
    ctx.set('running');
    expect(states).toEqual(['running', 'interrupted', 'running']);
    // Disarmed once running: later gestures do not call resume().
    gestures.dispatchEvent(new Event('keydown'));
    expect(ctx.resumes).toBe(1);
  });

  it('resumes when the page becomes visible again, not while hidden', () => {
    const { ctx, lifecycle } = setup();
    lifecycle.start('running');
    ctx.set('interrupted');
    doc.visibilityState = 'hidden';
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(ctx.resumes).toBe(0);
    doc.visibilityState = 'visible';
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(ctx.resumes).toBe(1);
  });

  it('reports the track\'s mute, unmute and ended (as device-lost) and devicechange', () => {
    const { track, states, changes, lifecycle, ctx } = setup();
    lifecycle.start('running');
    for (const type of ['mute', 'unmute', 'ended']) track.dispatchEvent(new Event(type));
    devices.dispatchEvent(new Event('devicechange'));
    expect(changes).toEqual([
      { type: 'mute', label: 'Fake mic' },
      { type: 'unmute', label: 'Fake mic' },
      { type: 'ended', label: 'Fake mic' },
      { type: 'devicechange', label: 'Fake mic' },
    ]);
    expect(states).toEqual(['running', 'device-lost']);
    // A lost device stays lost: the context running on does not hide it.
    ctx.set('running');
    expect(states).toEqual(['running', 'device-lost']);
  });

  it('follow(): after a switch the new track is followed, not the old one, and a lost device is running again', () => {
    const { ctx, track, states, changes, lifecycle } = setup();
    lifecycle.start('running');
    track.dispatchEvent(new Event('ended'));
    const next = Object.assign(new FakeTrack(), { label: 'Default', readyState: 'live' });
    lifecycle.follow({ getAudioTracks: () => [next] } as unknown as MediaStream);
    expect(states).toEqual(['running', 'device-lost', 'running']);
    track.dispatchEvent(new Event('mute')); // the old track: no longer reported
    next.dispatchEvent(new Event('mute'));
    devices.dispatchEvent(new Event('devicechange'));
    expect(changes.slice(1)).toEqual([{ type: 'mute', label: 'Default' }, { type: 'devicechange', label: 'Default' }]);
    // Replaced while the context is suspended: interrupted (resumed on a gesture), not running.
    next.dispatchEvent(new Event('ended'));
    ctx.state = 'suspended';
    lifecycle.follow({ getAudioTracks: () => [Object.assign(new FakeTrack(), { readyState: 'live' })] } as unknown as MediaStream);
    expect(states.slice(3)).toEqual(['device-lost', 'interrupted']);
  });

  it('dispose() removes every listener: nothing is reported or resumed afterwards', () => {
    const { ctx, track, gestures, states, changes, lifecycle } = setup();
    lifecycle.start('running');
    ctx.set('suspended');
    lifecycle.dispose();
    gestures.dispatchEvent(new Event('pointerdown'));
    doc.dispatchEvent(new Event('visibilitychange'));
    ctx.set('running');
    track.dispatchEvent(new Event('mute'));
    devices.dispatchEvent(new Event('devicechange'));
    expect(ctx.resumes).toBe(0);
    expect(states).toEqual(['running', 'interrupted']);
    expect(changes).toEqual([]);
  });
});
