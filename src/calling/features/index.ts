import type { CallFeatureFactory } from './callFeature.js';
import { CapabilitiesFeature } from './capabilities.js';
import { DataChannelCallFeature } from './dataChannel.js';
import { DominantSpeakersCallFeature } from './dominantSpeakers.js';
import { MediaStatsCallFeature } from './mediaStats.js';
import { RaiseHandCallFeature } from './raiseHand.js';
import { ReactionCallFeature } from './reaction.js';
import { SpotlightCallFeature } from './spotlight.js';
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
  RaiseHand: factory<RaiseHandCallFeature>('RaiseHand', RaiseHandCallFeature),
  Reaction: factory<ReactionCallFeature>('Reaction', ReactionCallFeature),
  Spotlight: factory<SpotlightCallFeature>('Spotlight', SpotlightCallFeature),
  Capabilities: factory<CapabilitiesFeature>('Capabilities', CapabilitiesFeature),
  DominantSpeakers: factory<DominantSpeakersCallFeature>('DominantSpeakers', DominantSpeakersCallFeature),
  DataChannel: factory<DataChannelCallFeature>('DataChannel', DataChannelCallFeature),
} as const;
