import type { CallFeatureFactory } from './callFeature.js';
import { MediaStatsCallFeature } from './mediaStats.js';
import { UserFacingDiagnosticsFeature } from './userFacingDiagnostics.js';

export type { CallFeature, CallFeatureFactory } from './callFeature.js';
export * from './mediaStats.js';
export * from './userFacingDiagnostics.js';

/**
 * The call features, by the ACS Calling SDK's names: `call.feature(Features.MediaStats)`.
 */
export const Features = {
  MediaStats: { name: 'MediaStats', callApiCtor: MediaStatsCallFeature } as CallFeatureFactory<MediaStatsCallFeature>,
  UserFacingDiagnostics: {
    name: 'UserFacingDiagnostics',
    callApiCtor: UserFacingDiagnosticsFeature,
  } as CallFeatureFactory<UserFacingDiagnosticsFeature>,
} as const;
