import { useCallback, useEffect, useRef, useState } from 'react';
import { listDevices, type AudioDevices } from '../audio/devices.js';
import type { VoicewireError } from '../errors/errors.js';
import type { ReconnectInfo } from '../session/reconnect-info.js';
import type { TurnState } from '../session/turns.js';
import { createVoiceSession, type SessionState, type SessionText, type VoiceSession, type VoiceSessionOptions } from '../session/voice-session.js';

/** What {@link useVoiceSession} returns: the session's state as React state, and the actions on it. */
export interface VoiceSessionView {
  /** The session's state; 'idle' before the first start(). */
  state: SessionState;
  /** The last error (fatal or not) since start(); null after a start(). */
  error: VoicewireError | null;
  /** Text from the server, oldest first (the last `maxTexts`). */
  texts: SessionText[];
  /** Levels in dBFS, updated every `statsIntervalMs` while live; −Infinity when idle. */
  level: { micDb: number; playbackDb: number };
  /** Who is speaking (with the `turns` option: `turnDetection()` from `voicewire/turns`); nobody otherwise. */
  turn: TurnState;
  /** Input mute, true to what is sent. */
  muted: boolean;
  /** Output volume 0–1. */
  volume: number;
  /** Where automatic reconnection stands (attempt, delay in ms, last error, gave up); attempt 0 while not reconnecting. */
  reconnect: ReconnectInfo;
  /** Microphones and speakers (labelled once the session had the microphone); null until listed. */
  devices: AudioDevices | null;
  /** The live session (for what the hook does not wrap), null before start(). */
  session: VoiceSession | null;
  /** Opens a new session with the latest options; call from a click (autoplay). Resolves when connected or failed (see `error`). */
  start(): Promise<void>;
  /** Stops the live session (connection, microphone, AudioContext); levels and turn go back to silent. */
  stop(): Promise<void>;
  /** Input mute of the live session (see `VoiceSession.mute`); does nothing before start(). */
  setMuted(muted: boolean): void;
  /**
   * Output volume 0–1, ramped without clicks, now and for the next start().
   *
   * @throws VoicewireError `INVALID_OPTION` outside 0–1 while a session is live.
   */
  setVolume(volume: number): void;
  /** Barge-in by hand: drops the agent's queued playback at once. */
  interrupt(): void;
  /**
   * Switches the microphone of the live session (no reconnect), or chooses it for the next start().
   *
   * @throws VoicewireError `MICROPHONE_*` while connected when the new device fails (the old one stays);
   *   `INVALID_OPTION` for a connected session without browser audio.
   */
  selectMicrophone(deviceId: string): Promise<void>;
  /**
   * Switches the speaker (setSinkId), now and for the next start().
   *
   * @throws VoicewireError `OUTPUT_DEVICE_UNSUPPORTED` or `OUTPUT_DEVICE_NOT_FOUND` while a session exists.
   */
  selectSpeaker(deviceId: string): Promise<void>;
}

/** The session's options (read at each start(), from the latest render) plus the hook's own. */
export interface UseVoiceSessionOptions extends VoiceSessionOptions {
  /** Texts kept in `texts`. Default 100. */
  maxTexts?: number;
}

const NOT_RECONNECTING: ReconnectInfo = { attempt: 0, delayMs: null, nextAtMs: null, error: null, gaveUp: null };
const SILENT = { micDb: -Infinity, playbackDb: -Infinity };
const NOBODY: TurnState = { userSpeaking: false, agentSpeaking: false };

/**
 * One voice session's lifecycle as React state. Nothing opens on mount: start() (from a click) creates the session
 * with the options of the latest render; unmounting stops it. StrictMode's mount → unmount → mount in development
 * therefore opens nothing twice, and events of a session that is no longer current are ignored.
 */
export function useVoiceSession(options: UseVoiceSessionOptions): VoiceSessionView {
  const latest = useRef(options);
  latest.current = options;
  const current = useRef<VoiceSession | null>(null);
  const [session, setSession] = useState<VoiceSession | null>(null);
  const [state, setState] = useState<SessionState>('idle');
  const [error, setError] = useState<VoicewireError | null>(null);
  const [texts, setTexts] = useState<SessionText[]>([]);
  const [level, setLevel] = useState(SILENT);
  const [turn, setTurn] = useState<TurnState>(NOBODY);
  const [muted, setMutedState] = useState(false);
  const [volume, setVolumeState] = useState(options.volume ?? 1);
  const [reconnect, setReconnect] = useState<ReconnectInfo>(NOT_RECONNECTING);
  const [devices, setDevices] = useState<AudioDevices | null>(null);
  const choice = useRef<{ inputDeviceId?: string; outputDeviceId?: string; volume?: number }>({});

  const stop = useCallback(async () => {
    const s = current.current;
    await s?.stop(); // its 'stopping' and 'closed' still reach `state`
    if (current.current === s) current.current = null;
    setLevel(SILENT);
    setTurn(NOBODY);
  }, []);

  // Unmount (and StrictMode's rehearsal unmount) stops whatever runs; a remount starts nothing by itself.
  useEffect(() => () => void stop(), [stop]);

  const start = useCallback(async () => {
    await stop();
    const { maxTexts = 100, ...sessionOptions } = latest.current;
    const s = createVoiceSession({ ...sessionOptions, ...choice.current });
    current.current = s;
    const live = () => current.current === s;
    s.on('state', (st) => live() && setState(st));
    s.on('error', (e) => live() && setError(e));
    s.on('text', (t) => live() && setTexts((all) => [...all, t].slice(-maxTexts)));
    s.on('level', (l) => live() && setLevel(l));
    s.on('turn', (t) => live() && setTurn({ userSpeaking: t.userSpeaking, agentSpeaking: t.agentSpeaking }));
    s.on('mute', (m) => live() && setMutedState(m));
    s.on('reconnect', (r) => live() && setReconnect(r));
    s.on('devices', (d) => live() && setDevices(d.devices));
    setSession(s);
    setError(null);
    setTexts([]);
    setMutedState(false);
    setReconnect(NOT_RECONNECTING);
    try {
      await s.start();
      if (live() && typeof navigator !== 'undefined' && navigator.mediaDevices) setDevices(await listDevices());
    } catch {
      // Already emitted as `error` (shown through `error`); a stop() during start lands here too.
    }
  }, [stop]);

  const setMuted = useCallback((m: boolean) => {
    const s = current.current;
    if (!s) return;
    if (m) s.mute();
    else s.unmute();
  }, []);

  const setVolume = useCallback((v: number) => {
    current.current?.output.setVolume(v);
    choice.current.volume = v;
    setVolumeState(v);
  }, []);

  const selectMicrophone = useCallback(async (deviceId: string) => {
    choice.current.inputDeviceId = deviceId;
    const s = current.current;
    if (s?.state === 'connected') await s.switchMicrophone({ inputDeviceId: deviceId });
  }, []);

  const selectSpeaker = useCallback(async (deviceId: string) => {
    const s = current.current;
    if (s) await s.output.setDevice(deviceId);
    choice.current.outputDeviceId = deviceId;
  }, []);

  const interrupt = useCallback(() => current.current?.interrupt(), []);

  return { state, error, texts, level, turn, muted, volume, reconnect, devices, session, start, stop, setMuted, setVolume, interrupt, selectMicrophone, selectSpeaker };
}
