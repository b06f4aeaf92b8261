import type { CallFeatureFactory } from './callFeature.js';
import { CapabilitiesFeatureFactory } from './capabilities.js';
import { DataChannelCallFeature } from './dataChannel.js';
import { DominantSpeakersFeatureFactory } from './dominantSpeakers.js';
import { MediaStatsCallFeature } from './mediaStats.js';
import { RaiseHandFeatureFactory } from './raiseHand.js';
import { ReactionFeatureFactory } from './reaction.js';
import { SpotlightFeatureFactory } from './spotlight.js';
import { UserFacingDiagnosticsFeature } from './userFacingDiagnostics.js';

export type { CallFeature, CallFeatureFactory } from './callFeature.js';
export * from './capabilities.js';
export * from './dataChannel.js';
export * from './dominantSpeakers.js';
export * from './mediaStats.js';
export * from './raiseHand.js';
export * from './reaction.js';
export * from './spotlight.js';
export * from './userFacingDiagnostics.js';

function factory<T extends { readonly name: string; dispose(): void }>(
  name: string,
  ctor: CallFeatureFactory<T>['callApiCtor'],
): CallFeatureFactory<T> {
  return { name, callApiCtor: ctor };
}

/**
 * The call features, by the ACS Calling SDK's names: `call.feature(Features.RaiseHand)`.
 */
export const Features = {
  MediaStats: factory<MediaStatsCallFeature>('MediaStats', MediaStatsCallFeature),
  UserFacingDiagnostics: factory<UserFacingDiagnosticsFeature>('UserFacingDiagnostics', UserFacingDiagnosticsFeature),
  RaiseHand: RaiseHandFeatureFactory,
  Reaction: ReactionFeatureFactory,
  Spotlight: SpotlightFeatureFactory,
  Capabilities: CapabilitiesFeatureFactory,
  DominantSpeakers: DominantSpeakersFeatureFactory,
  DataChannel: factory<DataChannelCallFeature>('DataChannel', DataChannelCallFeature),
} as const;
