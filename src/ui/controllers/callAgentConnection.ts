import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CallAgent } from '../../calling/callAgent.js';
import type { CallClient } from '../../calling/callClient.js';
import type { DeviceManager } from '../../calling/deviceManager.js';
import type { CommunicationTokenCredential } from '../../common/credential.js';

/** What a host says about where its call agent comes from. */
export interface CallAgentSource {
  /** A ready agent: used as is, never disposed here. */
  callAgent?: CallAgent | undefined;
  /** Else an agent is made here from these (and disposed here). */
  endpoint?: string;
  token?: string | CommunicationTokenCredential | undefined;
  displayName?: string;
  /** The devices of the agent's CallClient, when the page has them. */
  deviceManager?: DeviceManager | undefined;
}

/**
 * The calling engine (CallClient, CallAgent, calls, media, PeerJS later still) loads only when an
 * agent is made or devices are listed: both already wait on a promise, and a page that only shows
 * chat, or hands the components an agent of its own, never needs it from the components' bundle.
 */
async function newCallClient(endpoint?: string): Promise<CallClient> {
  const { CallClient } = await import('../../calling/callClient.js');
  return endpoint ? new CallClient({ endpoint }) : new CallClient();
}

export interface CallAgentConnectionOptions {
  /** The agent in use changed (made, given, or let go). */
  onAgent: (agent: CallAgent | undefined) => void;
  /** The device manager to list devices with changed. */
  onDeviceManager: (deviceManager: DeviceManager) => void;
  /** An agent could not be made. */
  onError: (error: unknown) => void;
}

/**
 * Where a component's call agent comes from: the one the page gives, or one it makes itself from an
 * endpoint and a token (with its own CallClient) and disposes of when it leaves the page (not when
 * it only moves within it). Also finds a device manager: the page's, the own CallClient's, or a
 * spare CallClient's for listing devices.
 */
export class CallAgentConnection implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #options: CallAgentConnectionOptions;
  #source: CallAgentSource = {};
  #agent: CallAgent | undefined;
  #ownedClient: Promise<CallClient> | undefined;
  #ownedAgent: CallAgent | undefined;
  #connecting: Promise<CallAgent | undefined> | undefined;
  #key = '';
  #token: string | CommunicationTokenCredential | undefined;
  #spareDeviceManager: Promise<DeviceManager> | undefined;
  #updated = false;

  constructor(host: ReactiveControllerHost & HTMLElement, options: CallAgentConnectionOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  get agent(): CallAgent | undefined {
    return this.#agent;
  }

  /**
   * Takes the host's current inputs; cheap to call from every `willUpdate`: only a new agent, endpoint,
   * name or token makes a new agent, only a new device manager picks devices again.
   */
  update(source: CallAgentSource): void {
    const first = !this.#updated;
    const newDevices = source.deviceManager !== this.#source.deviceManager;
    this.#updated = true;
    this.#source = { ...source };
    this.#connect();
    if (first || newDevices) this.#pickDeviceManager();
  }

  /** The agent once ready: at once for a given one, after sign-in for one made here. */
  async whenReady(): Promise<CallAgent | undefined> {
    return this.#agent ?? (await this.#connecting);
  }

  /** Disposes of the agent made here (a given one stays the page's). */
  async release(): Promise<void> {
    this.#connecting = undefined;
    const agent = this.#ownedAgent;
    this.#ownedAgent = undefined;
    this.#ownedClient = undefined;
    if (!agent) return;
    if (this.#agent === agent) this.#use(undefined);
    await agent.dispose();
  }

  hostConnected(): void {
    // Back in the page after its own agent was let go: sign in again on the host's next update (with
    // its inputs as they are then, e.g. a new token-url credential).
    if (this.#updated && !this.#source.callAgent && !this.#ownedAgent && !this.#connecting) {
      this.#key = '';
      this.#token = undefined;
      this.#host.requestUpdate();
    }
  }

  hostDisconnected(): void {
    // Moved within the page: keep going. Gone: the agent made here goes with it.
    queueMicrotask(() => {
      if (!this.#host.isConnected) void this.release();
    });
  }

  #connect(): void {
    const { callAgent, endpoint, token, displayName } = this.#source;
    if (callAgent) {
      void this.release();
      this.#use(callAgent);
      return;
    }
    const key = endpoint && token ? `${endpoint}\n${displayName ?? ''}` : '';
    // Only a new endpoint, name or token makes a new agent (not, say, a device manager given later).
    if (key === this.#key && token === this.#token) return;
    void this.release();
    this.#key = key;
    this.#token = token;
    this.#use(undefined);
    if (!endpoint || !token) return;
    const client = newCallClient(endpoint);
    this.#ownedClient = client;
    const connecting: Promise<CallAgent | undefined> = client
      // Let go while the engine was loading: no agent is made (no sign-in only to dispose of it).
      .then((callClient) =>
        this.#connecting === connecting ? callClient.createCallAgent(token, displayName ? { displayName } : {}) : undefined,
      )
      .then(
        (agent) => {
          if (!agent) return undefined;
          if (this.#connecting !== connecting) {
            void agent.dispose();
            return undefined;
          }
          this.#ownedAgent = agent;
          this.#use(agent);
          return agent;
        },
        (error: unknown) => {
          if (this.#connecting === connecting) this.#options.onError(error);
          return undefined;
        },
      );
    this.#connecting = connecting;
  }

  #use(agent: CallAgent | undefined): void {
    if (agent === this.#agent) return;
    this.#agent = agent;
    this.#pickDeviceManager();
    this.#options.onAgent(agent);
  }

  #pickDeviceManager(): void {
    const given = this.#source.deviceManager;
    if (given) {
      this.#options.onDeviceManager(given);
      return;
    }
    const client = this.#ownedClient;
    // Without the agent's own device manager, a spare CallClient's lists the devices.
    const pending = client
      ? client.then((callClient) => callClient.getDeviceManager())
      : (this.#spareDeviceManager ??= newCallClient().then((callClient) => callClient.getDeviceManager()));
    pending.then(
      (deviceManager) => {
        if (!this.#source.deviceManager) this.#options.onDeviceManager(deviceManager);
      },
      () => {
        // The calling engine's code did not load (offline, a deploy mid-session): ask again next time.
        if (this.#spareDeviceManager === pending) this.#spareDeviceManager = undefined;
      },
    );
  }
}
