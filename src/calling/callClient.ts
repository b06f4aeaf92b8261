import { type CommunicationTokenCredential, toCredential } from '../common/credential.js';
import type { CommunicationIdentifier } from '../common/identifiers.js';
import type { Call } from './call.js';
import { CallAgent, type CallAgentOptions, type StartCallOptions } from './callAgent.js';
import { endpointFromToken } from '../common/tokenIdentity.js';
import { CallingError } from './callingErrors.js';
import { DeviceManager } from './deviceManager.js';
import type { AudioOutput } from './remoteParticipant.js';

/** Custom TURN servers, as the ACS Calling SDK takes them (`CallClientOptions.networkConfiguration.turn`). */
export interface TurnConfiguration {
  iceServers: RTCIceServer[];
}

export interface NetworkConfiguration {
  /** TURN servers to use instead of those the service hands out (and refreshes). */
  turn?: TurnConfiguration;
  /**
   * `relay` sends all media through a TURN relay (host and reflexive candidates are not used);
   * `all` (the default) lets ICE pick the best path. Not in the ACS SDK: for networks that need it
   * and for testing a relay.
   */
  iceTransportPolicy?: RTCIceTransportPolicy;
}

export interface CallClientOptions {
  /** ICE servers and transport policy for calls (see {@link NetworkConfiguration}). */
  networkConfiguration?: NetworkConfiguration;
  /**
   * The service's URL. Defaults to the service that issued the agent's token (its `endpoint`
   * claim), then to the page's own origin.
   */
  endpoint?: string;
}

export interface CreateCallAgentOptions extends CallAgentOptions {
  /** Overrides the CallClient's endpoint for this agent. */
  endpoint?: string;
}

/**
 * The entry point of calling: makes the call agent (one per client) and the device manager. Calling
 * needs WebRTC, so it runs in browsers.
 */
export class CallClient {
  readonly #endpoint: string | undefined;
  readonly #network: NetworkConfiguration | undefined;
  #deviceManager: DeviceManager | undefined;
  #agent: CallAgent | undefined;
  #output: AudioOutput | undefined;

  constructor(options: CallClientOptions = {}) {
    const policy = options.networkConfiguration?.iceTransportPolicy;
    if (policy !== undefined && policy !== 'all' && policy !== 'relay') {
      throw new TypeError('networkConfiguration.iceTransportPolicy is "all" or "relay".');
    }
    const turn = options.networkConfiguration?.turn;
    if (
      turn !== undefined &&
      !(
        Array.isArray(turn.iceServers) &&
        turn.iceServers.every((server) => server && (typeof server.urls === 'string' || Array.isArray(server.urls)))
      )
    ) {
      throw new TypeError('networkConfiguration.turn.iceServers is an array of RTCIceServer ({ urls, username?, credential? }).');
    }
    this.#endpoint = options.endpoint;
    this.#network = options.networkConfiguration;
  }

  async createCallAgent(credential: CommunicationTokenCredential | string, options: CreateCallAgentOptions = {}): Promise<CallAgent> {
    if (this.#agent) {
      throw new CallingError('CallAgentExists', 'This CallClient already has a call agent; dispose it first.');
    }
    const tokenCredential = toCredential(credential);
    // An explicit endpoint wins; else the service named by the token, so any page can call.
    const named = options.endpoint ?? this.#endpoint ?? endpointFromToken((await tokenCredential.getToken()).token);
    const endpoint = named ?? globalThis.location?.origin;
    if (!endpoint) throw new TypeError('Give the service endpoint: new CallClient({ endpoint }).');
    if (typeof AudioContext === 'undefined') throw CallingError.unsupported('Calling (Web Audio and WebRTC)');
    this.#output ??= { context: new AudioContext(), sinkId: undefined };
    // Held outside the callback: an agent that fails while it is being made disposes itself and
    // calls back before `create` returns.
    const made: { agent?: CallAgent } = {};
    const agent = await CallAgent.create(
      {
        endpoint: new URL(endpoint).href,
        credential: tokenCredential,
        deviceManager: await this.getDeviceManager(),
        output: this.#output,
        ...(this.#network ? { network: this.#network } : {}),
        onDisposed: () => {
          if (made.agent !== undefined && this.#agent === made.agent) this.#agent = undefined;
        },
      },
      options,
    );
    made.agent = agent;
    this.#agent = agent;
    return agent;
  }

  async getDeviceManager(): Promise<DeviceManager> {
    this.#deviceManager ??= new DeviceManager();
    return this.#deviceManager;
  }
}

/**
 * The concept page's calling sample, kept so it runs as written:
 * `const callClient = await CallClientFactory.create(userToken); const call = callClient.call([user]);`
 */
export const CallClientFactory = {
  async create(userToken: string | CommunicationTokenCredential, options: CreateCallAgentOptions = {}): Promise<SeedCallClient> {
    const client = new CallClient();
    const agent = await client.createCallAgent(userToken, options);
    return {
      agent,
      call: (participants, callOptions) => agent.startCall(participants, callOptions),
      dispose: () => agent.dispose(),
    };
  },
};

export interface SeedCallClient {
  agent: CallAgent;
  call(participants: CommunicationIdentifier[], options?: StartCallOptions): Call;
  dispose(): Promise<void>;
}
