import type { Call, CallEvents } from '../../calling/call.js';
import type { CallAgent, CallAgentEvents } from '../../calling/callAgent.js';
import type { DeviceManager, DeviceManagerEvents } from '../../calling/deviceManager.js';
import type { IncomingCall, IncomingCallEvents } from '../../calling/incomingCall.js';
import type { LocalVideoStream, LocalVideoStreamEvents } from '../../calling/localVideoStream.js';
import type { RemoteParticipant, RemoteParticipantEvents } from '../../calling/remoteParticipant.js';
import type { RemoteVideoStream, RemoteVideoStreamEvents } from '../../calling/remoteVideoStream.js';

type CallingEmitter = Call | CallAgent | DeviceManager | IncomingCall | LocalVideoStream | RemoteParticipant | RemoteVideoStream;

/** The event map of a calling object (its ES-private fields keep TypeScript from inferring it). */
export type EventsOf<T> = T extends Call
  ? CallEvents
  : T extends CallAgent
    ? CallAgentEvents
    : T extends DeviceManager
      ? DeviceManagerEvents
      : T extends IncomingCall
        ? IncomingCallEvents
        : T extends LocalVideoStream
          ? LocalVideoStreamEvents
          : T extends RemoteParticipant
            ? RemoteParticipantEvents
            : T extends RemoteVideoStream
              ? RemoteVideoStreamEvents
              : never;

type AnyListener = (payload: unknown) => void;
interface LooseEmitter {
  on(event: string, listener: AnyListener): void;
  off(event: string, listener: AnyListener): void;
}

/**
 * Listeners added to the calling library's typed emitters, removed together. Controllers keep one
 * per subscribed object, so a host that disconnects leaves nothing attached.
 */
export class Subscriptions {
  readonly #removers: (() => void)[] = [];

  on<T extends CallingEmitter, K extends keyof EventsOf<T> & string>(
    emitter: T,
    event: K,
    listener: (payload: EventsOf<T>[K]) => void,
  ): void {
    const loose = emitter as unknown as LooseEmitter;
    loose.on(event, listener as AnyListener);
    this.#removers.push(() => loose.off(event, listener as AnyListener));
  }

  clear(): void {
    for (const remove of this.#removers.splice(0)) remove();
  }
}
