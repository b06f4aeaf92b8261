import { TypedEventEmitter } from '../../common/events.js';
import { CALL_CAPABILITIES, type CallCapabilityName, type CallModel, type CallParticipantRole, roleCan } from '../callingProtocol.js';
import type { CallFeature, CallFeatureContext } from './callFeature.js';
import { featureFactory } from './callFeature.js';

export type { CallCapabilityName as ParticipantCapabilityName } from '../callingProtocol.js';

/** Why a capability is or is not present (the ACS reasons that apply here). */
export type CapabilityResolutionReason = 'Capable' | 'RoleRestricted';

export type ParticipantCapabilities = Record<CallCapabilityName, { isPresent: boolean; reason: CapabilityResolutionReason }>;

export interface CapabilitiesChangeInfo {
  oldValue: Partial<ParticipantCapabilities>;
  newValue: Partial<ParticipantCapabilities>;
  reason: 'RoleChanged';
}

export type CapabilitiesEvents = { capabilitiesChanged: CapabilitiesChangeInfo };

function capabilitiesOf(role: CallParticipantRole | undefined): ParticipantCapabilities {
  return Object.fromEntries(
    CALL_CAPABILITIES.map((name) => {
      const isPresent = roleCan(role, name);
      return [name, { isPresent, reason: isPresent ? 'Capable' : 'RoleRestricted' }];
    }),
  ) as ParticipantCapabilities;
}

/**
 * `Features.Capabilities`: what you may do in this call now, and why not. Outside rooms everyone
 * may do everything; in a room your role decides (the service enforces the same table), and a role
 * change during the call says which capabilities changed.
 */
export class CapabilitiesFeature extends TypedEventEmitter<CapabilitiesEvents> implements CallFeature {
  readonly name = 'Capabilities';
  readonly #context: CallFeatureContext;
  #capabilities: ParticipantCapabilities;
  readonly #onModel: () => void;

  /** @internal */
  constructor(context: CallFeatureContext) {
    super();
    this.#context = context;
    this.#capabilities = capabilitiesOf(context.call.role);
    this.#onModel = () => this.#update();
    context.events.addEventListener('model', this.#onModel);
  }

  get capabilities(): ParticipantCapabilities {
    return structuredClone(this.#capabilities);
  }

  /** Your role in the call now. */
  get role(): CallParticipantRole {
    return this.#context.call.role;
  }

  #update(): void {
    const next = capabilitiesOf(this.#context.call.role);
    const oldValue: Partial<ParticipantCapabilities> = {};
    const newValue: Partial<ParticipantCapabilities> = {};
    for (const name of CALL_CAPABILITIES) {
      if (next[name].isPresent !== this.#capabilities[name].isPresent) {
        oldValue[name] = this.#capabilities[name];
        newValue[name] = next[name];
      }
    }
    this.#capabilities = next;
    if (Object.keys(newValue).length > 0) this.emit('capabilitiesChanged', { oldValue, newValue, reason: 'RoleChanged' });
  }

  dispose(): void {
    this.#context.events.removeEventListener('model', this.#onModel);
    this.removeAllListeners();
  }
}

/** @internal For types: the model is the source of the role. */
export type { CallModel };

/** The factory of `Features.Capabilities` (the same object), for code that needs only this feature. */
export const CapabilitiesFeatureFactory = featureFactory<CapabilitiesFeature>('Capabilities', CapabilitiesFeature);
