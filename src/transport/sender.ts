import type { VoicewireError } from '../errors/errors.js';
import type { VoiceProtocol, WireMessage } from '../protocols/protocol.js';
import type { ConnectionState } from './connection-events.js';
import { Outbox, type OutboxStats } from './outbox.js';
import { SendChain } from './send-chain.js';
import { endInputTail, type SilenceTail } from './silence-tail.js';
import type { VoiceSocket } from './socket.js';

/** Silence after the end of input goes out in steps of this many ms (one Kyutai model step). */
const TAIL_FRAME_MS = 80;

/** What the sender reads of its Connection at send time (the sender outlives each socket). */
export interface SenderLink {
  socket(): VoiceSocket | undefined;
  /** The codec of the current socket; a step of a codec that is no longer current is skipped. */
  codec(): VoiceProtocol | undefined;
  state(): ConnectionState;
  /** A step threw (an encoder that failed): reported, not fatal; the chain goes on. */
  stepFailed(error: unknown): void;
  /** Ends the connection for good (after a close's drain; a silence tail whose end never came). */
  finish(code: number, reason: string, error: VoicewireError | null): void;
}

/**
 * What a Connection sends, in the order it was given: audio (encoded one frame at a time, then bounded by the
 * outbox's budget), pre-encoded packets, control messages, the end of input with its silence tail, and the goodbye
 * before the close frame. Audio given while not `connected` is dropped and counted.
 */
export class Sender {
  /** Sends at once what the protocol itself needs said (its open message, replies, liveness probes). */
  readonly outbox: Outbox;
  private readonly chain: SendChain;
  /** close() was called: the goodbye and the close frame wait behind what was given before; nothing new is taken. */
  private closing = false;
  /** endInput() was called for this session: the microphone's audio is no longer taken. */
  private inputEnded = false;
  private tail: SilenceTail | undefined;
  private droppedNotConnected = 0;

  constructor(private readonly link: SenderLink, audioBudgetBytes: number, private readonly closeDrainMs: number) {
    this.outbox = new Outbox({
      send: (m) => link.socket()?.send(m) ?? false,
      get bufferedAmount() {
        return link.socket()?.bufferedAmount ?? 0;
      },
    }, audioBudgetBytes);
    this.chain = new SendChain(link.stepFailed);
  }

  get stats(): OutboxStats & { audioDroppedNotConnected: number } {
    return { ...this.outbox.stats, audioDroppedNotConnected: this.droppedNotConnected };
  }

  /** A new connect(): the input is open again. */
  reopenInput(): void {
    this.inputEnded = false;
  }

  /** See Connection.sendAudio. */
  audio(pcm: Float32Array): boolean {
    const codec = this.link.codec();
    if (this.link.state() !== 'connected' || codec === undefined || this.closing) {
      this.droppedNotConnected++;
      return false;
    }
    if (this.inputEnded) return false;
    this.enqueueAudio(codec, pcm.slice());
    return true;
  }

  private enqueueAudio(codec: VoiceProtocol, frame: Float32Array): void {
    this.enqueue(codec, async () => {
      const messages = await codec.encodeAudio(frame);
      // The socket went away while this frame was encoded: it is dropped, and counted like any other drop.
      if (codec === this.link.codec() && this.link.state() === 'connected') this.outbox.audio(messages);
      else this.outbox.discard(messages);
    });
  }

  /** See Connection.sendEncodedAudio. */
  encodedAudio(packets: readonly Uint8Array[], preSkip: number): boolean {
    const codec = this.link.codec();
    if (this.link.state() !== 'connected' || codec?.encodePackets === undefined || this.inputEnded) {
      this.droppedNotConnected++;
      return false;
    }
    const encode = codec.encodePackets.bind(codec);
    this.enqueue(codec, () => this.outbox.audio(encode(packets, preSkip)));
    return true;
  }

  /** See Connection.sendControl. */
  control(messages: readonly WireMessage[] | ((codec: VoiceProtocol) => readonly WireMessage[])): boolean {
    const codec = this.link.codec();
    const state = this.link.state();
    if ((state !== 'connected' && state !== 'waiting') || codec === undefined || this.closing) return false;
    this.enqueue(codec, () => this.outbox.control(typeof messages === 'function' ? messages(codec) : messages));
    return true;
  }

  /** See Connection.endInput. */
  endInput(): boolean {
    const codec = this.link.codec();
    if (this.inputEnded || codec === undefined || !this.control((c) => c.endInput?.() ?? c.flush())) return false;
    this.inputEnded = true;
    const maxMs = codec.endInputSilenceMs;
    if (maxMs !== undefined && maxMs > 0) {
      const tail = endInputTail(codec, maxMs, TAIL_FRAME_MS, (pcm) => this.enqueueAudio(codec, pcm), (error) => this.link.finish(1000, 'no end', error));
      this.tail = tail;
      this.enqueue(codec, () => tail.start());
    }
    return true;
  }

  /** See Connection.close (which returns first when already `closed`). */
  close(code: number, reason: string): void {
    if (this.closing) return;
    const codec = this.link.codec();
    const goodbye = () => {
      if (codec === undefined || codec !== this.link.codec() || this.link.state() !== 'connected') return;
      this.outbox.control(codec.goodbye?.() ?? []);
      this.outbox.drain();
    };
    if (this.chain.idle || codec === undefined) {
      // Nothing is being encoded: the goodbye and the close go now (the state is `closed` on return).
      goodbye();
      this.link.finish(code, reason, null);
      return;
    }
    this.closing = true;
    this.enqueue(codec, goodbye);
    void this.chain.settled(this.closeDrainMs).then(() => {
      if (codec === this.link.codec() && this.link.state() !== 'closed') this.link.finish(code, reason, null);
    });
  }

  /** The server confirmed the end of input: no more silence. */
  stopTail(): void {
    this.tail?.stop();
  }

  /** The socket is gone: its silence tail and the messages queued for it go too. */
  dropSocket(): void {
    this.tail?.stop();
    this.tail = undefined;
    this.outbox.clear();
  }

  /** The connection ended for good: a later connect() may close again. */
  finished(): void {
    this.closing = false;
  }

  /** Runs `step` after every step given before it; a step of a socket that is gone is skipped. */
  private enqueue(codec: VoiceProtocol, step: () => Promise<void> | void): void {
    this.chain.add(() => (codec === this.link.codec() ? step() : undefined));
  }
}
