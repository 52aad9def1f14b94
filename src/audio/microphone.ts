import { assertAudioCapable } from '../environment/diagnose.js';
import { microphonePolicyProblem } from '../environment/permissions-policy.js';
import { ErrorCode, VoicewireError } from '../errors/errors.js';
import { describeError } from '../errors/describe.js';

/** The getUserMedia audio constraints voicewire asks for (see {@link microphoneConstraints}). */
export interface MicrophoneOptions {
  /** Browser echo cancellation; on by default so the assistant does not hear itself. */
  echoCancellation?: boolean;
  /** Browser noise suppression. Default true. */
  noiseSuppression?: boolean;
  /** Browser automatic gain control. Default true. */
  autoGainControl?: boolean;
  /** Channels asked for (ideal, not exact). Default 1. */
  channelCount?: number;
  /** A device from `enumerateDevices()`; missing devices fail as MICROPHONE_NOT_FOUND. */
  deviceId?: string;
}

/**
 * The `MediaTrackConstraints` for `options`: the three processing flags (default on), `channelCount` ideal 1, and
 * `deviceId` exact when given; never a `sampleRate` (the context runs at the device's rate).
 */
export function microphoneConstraints(options: MicrophoneOptions = {}): MediaTrackConstraints {
  const constraints: MediaTrackConstraints = {
    echoCancellation: options.echoCancellation ?? true,
    noiseSuppression: options.noiseSuppression ?? true,
    autoGainControl: options.autoGainControl ?? true,
    channelCount: { ideal: options.channelCount ?? 1 },
  };
  if (options.deviceId !== undefined) constraints.deviceId = { exact: options.deviceId };
  return constraints;
}

/**
 * Opens the microphone at its own rate (no sampleRate constraint: the context runs at the device rate). Missing
 * `mediaDevices` is explained first (INSECURE_CONTEXT on an http page, MICROPHONE_UNAVAILABLE otherwise), and so is a
 * Permissions Policy that disables it (MICROPHONE_BLOCKED_BY_POLICY, where the engine exposes the policy).
 * @throws {VoicewireError} those, or what `microphoneError` maps getUserMedia's rejection to
 */
export async function openMicrophone(options: MicrophoneOptions = {}): Promise<MediaStream> {
  assertAudioCapable({ microphone: true });
  const constraints = microphoneConstraints(options);
  try {
    return await navigator.mediaDevices.getUserMedia({ audio: constraints });
  } catch (e) {
    throw microphoneError(e, constraints);
  }
}

/** Maps getUserMedia's DOMException names (Media Capture and Streams §10) to codes with a remedy. */
export function microphoneError(error: unknown, constraints: MediaTrackConstraints = {}): VoicewireError {
  const name = typeof error === 'object' && error !== null ? String((error as { name?: unknown }).name) : '';
  const details = { browserError: describeError(error), constraints, constraint: (error as { constraint?: unknown } | null)?.constraint ?? null };
  const common = { cause: error, details };
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError': {
      // Quirk Q16: a policy refusal is a NotAllowedError too. Chromium's policy object tells it apart from a user's
      // "Block"; in Firefox and WebKit only the cross-origin frame hints at it. Its fix is the embedder's, not the user's.
      const policy = microphonePolicyProblem(true);
      if (policy) return new VoicewireError({ ...common, code: policy.code, message: policy.message, remedy: policy.remedy, details: { ...policy.details, ...details } });
      return new VoicewireError({
        ...common,
        code: ErrorCode.MICROPHONE_DENIED,
        message: 'Microphone access was denied (by the user, a browser setting, the operating system or a permissions policy).',
        remedy: 'Allow the microphone for this site (the icon at the left of the address bar, then reload); check the operating system\'s privacy settings for the browser; inside an iframe, add allow="microphone" to it.',
      });
    }
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new VoicewireError({
        ...common,
        code: ErrorCode.MICROPHONE_NOT_FOUND,
        // Quirk Q6: WebKit with no capture device at all throws OverconstrainedError naming no constraint.
        message: name === 'OverconstrainedError' && details.constraint
          ? `No microphone satisfies the requested constraints (${String(details.constraint)}).`
          : 'No microphone was found.',
        remedy: 'Plug in or enable a microphone; if you passed a deviceId, pick one from navigator.mediaDevices.enumerateDevices() (ids change when site data is cleared).',
      });
    case 'NotReadableError':
    case 'AbortError':
      return new VoicewireError({
        ...common,
        code: ErrorCode.MICROPHONE_IN_USE,
        message: 'The microphone exists but could not be opened: another application (or tab) holds it, or the hardware failed.',
        remedy: 'Close other apps that use the microphone (video calls, recorders), then try again; reconnecting the device or restarting the browser also helps.',
      });
    default:
      return new VoicewireError({
        ...common,
        code: ErrorCode.MICROPHONE_UNAVAILABLE,
        message: `The microphone could not be opened: ${describeError(error)}.`,
        remedy: 'Use a browser with microphone support and check that no extension or policy blocks it.',
      });
  }
}

/**
 * Calls `onEnded` once when a track ends on its own (device unplugged, permission revoked): otherwise the session
 * would go on recording silence. Our own `track.stop()` fires no `ended`. Returns the un-watch function.
 */
export function watchMicrophone(stream: MediaStream, onEnded: (error: VoicewireError) => void): () => void {
  const tracks = stream.getAudioTracks();
  const onTrackEnded = (event: Event) => {
    unwatch();
    const track = event.target as MediaStreamTrack;
    onEnded(new VoicewireError({
      code: ErrorCode.MICROPHONE_ENDED,
      message: `The microphone "${track.label || 'unknown device'}" stopped delivering audio (unplugged, disabled, or its permission was revoked).`,
      remedy: 'Reconnect or re-enable the microphone, then start again.',
      details: { label: track.label },
    }));
  };
  const unwatch = () => {
    for (const track of tracks) track.removeEventListener('ended', onTrackEnded);
  };
  for (const track of tracks) track.addEventListener('ended', onTrackEnded);
  return unwatch;
}
