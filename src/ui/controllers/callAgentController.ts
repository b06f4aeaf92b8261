import type { ReactiveControllerHost } from 'lit';
import type { Call } from '../../calling/call.js';
import type { CallAgent } from '../../calling/callAgent.js';
import type { CallEndReason } from '../../calling/callingProtocol.js';
import type { IncomingCall } from '../../calling/incomingCall.js';
import { FollowingController } from './followingController.js';
import { Subscriptions } from '../shared/subscriptions.js';

export interface CallAgentControllerOptions {
  /** A call started ringing here (after the host was asked to update). */
  onIncomingCall?: (incomingCall: IncomingCall) => void;
  /** A call stopped ringing here without being answered or declined here (its reason says why). */
  onIncomingCallEnded?: (incomingCall: IncomingCall, callEndReason: CallEndReason) => void;
  /** Calls joined or left this agent's list. */
  onCallsUpdated?: (change: { added: Call[]; removed: Call[] }) => void;
}

/**
 * Renders a host from a call agent: the calls it is in and the calls ringing at it (an incoming
 * call leaves the list when it stops ringing: accepted, declined, cancelled, answered elsewhere).
 */
export class CallAgentController extends FollowingController<CallAgent> {
  readonly #options: CallAgentControllerOptions;
  readonly #subscriptions = new Subscriptions();
  readonly #ringing = new Map<IncomingCall, Subscriptions>();

  constructor(host: ReactiveControllerHost, options: CallAgentControllerOptions = {}) {
    super(host);
    this.#options = options;
  }

  get agent(): CallAgent | undefined {
    return this.target;
  }

  set agent(agent: CallAgent | undefined) {
    this.setTarget(agent);
  }

  /** Calls ringing here, oldest first. */
  get incomingCalls(): IncomingCall[] {
    return [...this.#ringing.keys()];
  }

  get calls(): readonly Call[] {
    return this.target?.calls ?? [];
  }

  /** Stops following an incoming call (it was answered or declined here). */
  forget(incomingCall: IncomingCall): void {
    this.#ringing.get(incomingCall)?.clear();
    if (this.#ringing.delete(incomingCall)) this.host.requestUpdate();
  }

  protected follow(agent: CallAgent): void {
    this.#subscriptions.on(agent, 'incomingCall', ({ incomingCall }) => {
      if (incomingCall.callEndReason) return;
      const subscriptions = new Subscriptions();
      subscriptions.on(incomingCall, 'callEnded', ({ callEndReason }) => {
        this.forget(incomingCall);
        this.#options.onIncomingCallEnded?.(incomingCall, callEndReason);
      });
      this.#ringing.set(incomingCall, subscriptions);
      this.host.requestUpdate();
      this.#options.onIncomingCall?.(incomingCall);
    });
    this.#subscriptions.on(agent, 'callsUpdated', (change) => {
      this.host.requestUpdate();
      this.#options.onCallsUpdated?.(change);
    });
  }

  protected unfollow(): void {
    this.#subscriptions.clear();
    for (const subscriptions of this.#ringing.values()) subscriptions.clear();
    this.#ringing.clear();
  }
}
