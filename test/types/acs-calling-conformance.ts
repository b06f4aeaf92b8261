/**
 * Type-level conformance with the ACS Calling SDK (`@azure/communication-calling`, a dev dependency
 * for its declarations only, never bundled): our call agent's `join`, `Features` and each feature we
 * implement are assignable to the ACS interfaces for the members we implement. `npm run lint`
 * (tsc) fails when one drifts; nothing here runs.
 */
import type * as Acs from '@azure/communication-calling';
import type { Call } from '../../src/calling/call.js';
import type { CallAgent, GroupCallLocator, JoinCallOptions, RoomCallLocator } from '../../src/calling/callAgent.js';
import type {
  CapabilitiesFeature,
  DataChannelCallFeature,
  DataChannelReceiver,
  DataChannelSender,
  DominantSpeakersCallFeature,
  MediaStatsCallFeature,
  MediaStatsCollector,
  RaiseHandCallFeature,
  ReactionCallFeature,
  SpotlightCallFeature,
  UserFacingDiagnosticsFeature,
} from '../../src/calling/features/index.js';

/** Compiles only when `A` is assignable to `B`. */
type Assignable<A extends B, B> = A;

type FeatureBase = 'name' | 'dispose';

export type Conformance = [
  Assignable<GroupCallLocator, Acs.GroupCallLocator>,
  Assignable<Acs.GroupCallLocator, GroupCallLocator>,
  Assignable<Pick<JoinCallOptions, 'audioOptions'>, Pick<Acs.JoinCallOptions, 'audioOptions'>>,
  Assignable<(locator: Acs.GroupCallLocator) => Call, Pick<CallAgent, 'join'>['join']>,
  Assignable<RoomCallLocator, Acs.RoomCallLocator>,
  Assignable<(locator: Acs.RoomCallLocator) => Call, Pick<CallAgent, 'join'>['join']>,
  Assignable<Pick<Call['info'], 'groupId' | 'getServerCallId'>, Pick<Acs.CallInfo, 'groupId' | 'getServerCallId'>>,
  Assignable<
    Pick<RaiseHandCallFeature, FeatureBase | 'raiseHand' | 'lowerHand' | 'lowerHands' | 'lowerAllHands' | 'getRaisedHands' | 'on' | 'off'>,
    Pick<
      Acs.RaiseHandCallFeature,
      FeatureBase | 'raiseHand' | 'lowerHand' | 'lowerHands' | 'lowerAllHands' | 'getRaisedHands' | 'on' | 'off'
    >
  >,
  Assignable<
    Pick<ReactionCallFeature, FeatureBase | 'sendReaction' | 'on' | 'off'>,
    Pick<Acs.ReactionCallFeature, FeatureBase | 'sendReaction' | 'on' | 'off'>
  >,
  Assignable<
    Pick<
      SpotlightCallFeature,
      | FeatureBase
      | 'maxParticipantsToSpotlight'
      | 'startSpotlight'
      | 'stopSpotlight'
      | 'stopAllSpotlight'
      | 'getSpotlightedParticipants'
      | 'on'
      | 'off'
    >,
    Pick<
      Acs.SpotlightCallFeature,
      | FeatureBase
      | 'maxParticipantsToSpotlight'
      | 'startSpotlight'
      | 'stopSpotlight'
      | 'stopAllSpotlight'
      | 'getSpotlightedParticipants'
      | 'on'
      | 'off'
    >
  >,
  Assignable<
    Pick<DominantSpeakersCallFeature, FeatureBase | 'dominantSpeakers' | 'on' | 'off'>,
    Pick<Acs.DominantSpeakersCallFeature, FeatureBase | 'dominantSpeakers' | 'on' | 'off'>
  >,
  Assignable<Pick<CapabilitiesFeature, FeatureBase | 'on' | 'off'>, Pick<Acs.CapabilitiesFeature, FeatureBase | 'on' | 'off'>>,
  Assignable<
    Pick<CapabilitiesFeature['capabilities'], Extract<keyof CapabilitiesFeature['capabilities'], Acs.ParticipantCapabilityName>>,
    Pick<Acs.ParticipantCapabilities, Extract<keyof CapabilitiesFeature['capabilities'], Acs.ParticipantCapabilityName>>
  >,
  Assignable<
    Pick<MediaStatsCallFeature, FeatureBase | 'createCollector'>,
    Pick<Acs.MediaStatsCallFeature, FeatureBase | 'createCollector'>
  >,
  Assignable<MediaStatsCollector, Acs.MediaStatsCollector>,
  Assignable<
    Pick<UserFacingDiagnosticsFeature, FeatureBase | 'network' | 'media'>,
    Pick<Acs.UserFacingDiagnosticsFeature, FeatureBase | 'network' | 'media'>
  >,
  Assignable<
    Pick<DataChannelCallFeature, FeatureBase | 'createDataChannelSender' | 'on' | 'off'>,
    Pick<Acs.DataChannelCallFeature, FeatureBase | 'createDataChannelSender' | 'on' | 'off'>
  >,
  Assignable<DataChannelSender, Acs.DataChannelSender>,
  Assignable<
    Pick<DataChannelReceiver, 'channelId' | 'on' | 'off' | 'readMessage'>,
    Pick<Acs.DataChannelReceiver, 'channelId' | 'on' | 'off' | 'readMessage'>
  >,
];
