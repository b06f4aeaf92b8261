import type { Call, CallEvents } from '../../calling/call.js';
import type { CallAgent, CallAgentEvents } from '../../calling/callAgent.js';
import type { DeviceManager, DeviceManagerEvents } from '../../calling/deviceManager.js';
import type { IncomingCall, IncomingCallEvents } from '../../calling/incomingCall.js';
import type { LocalVideoStream, LocalVideoStreamEvents } from '../../calling/localVideoStream.js';
import type { RemoteParticipant, RemoteParticipantEvents } from '../../calling/remoteParticipant.js';
import type { RemoteVideoStream, RemoteVideoStreamEvents } from '../../calling/remoteVideoStream.js';
import type { CapabilitiesEvents, CapabilitiesFeature } from '../../calling/features/capabilities.js';
import type { DominantSpeakersCallFeature, DominantSpeakersEvents } from '../../calling/features/dominantSpeakers.js';
import type { RaiseHandCallFeature, RaiseHandEvents } from '../../calling/features/raiseHand.js';
import type { ReactionCallFeature, ReactionEvents } from '../../calling/features/reaction.js';
import type { SpotlightCallFeature, SpotlightEvents } from '../../calling/features/spotlight.js';

type CallFeatureEmitter =
  RaiseHandCallFeature | ReactionCallFeature | SpotlightCallFeature | CapabilitiesFeature | DominantSpeakersCallFeature;
type CallingEmitter =
  Call | CallAgent | DeviceManager | IncomingCall | LocalVideoStream | RemoteParticipant | RemoteVideoStream | CallFeatureEmitter;

/** The event map of a call feature the components follow. */
type FeatureEventsOf<T> = T extends RaiseHandCallFeature
  ? RaiseHandEvents
  : T extends ReactionCallFeature
    ? ReactionEvents
    : T extends SpotlightCallFeature
      ? SpotlightEvents
      : T extends CapabilitiesFeature
        ? CapabilitiesEvents
        : T extends DominantSpeakersCallFeature
          ? DominantSpeakersEvents
          : never;

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
              : FeatureEventsOf<T>;

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
