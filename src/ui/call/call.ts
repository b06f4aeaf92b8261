import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Call, CallState } from '../../calling/call.js';
import type { CallAgent } from '../../calling/callAgent.js';
import type { CallEndReason } from '../../calling/callingProtocol.js';
import type { VideoDeviceInfo } from '../../calling/deviceInfo.js';
import type { DeviceManager } from '../../calling/deviceManager.js';
import type { IncomingCall } from '../../calling/incomingCall.js';
import type { CommunicationTokenCredential } from '../../common/credential.js';
import type { CommunicationIdentifier } from '../../common/identifiers.js';
import '../call-controls/call-controls.js';
import type { CallControlsStrings, TogglePanelDetail } from '../call-controls/call-controls.js';
import '../call-participant-list/call-participant-list.js';
import type { CallParticipantListStrings } from '../call-participant-list/call-participant-list.js';
import '../call-status/call-status.js';
import type { CallStatusStrings } from '../call-status/call-status.js';
import { CallAgentConnection } from '../controllers/callAgentConnection.js';
import { CallAgentController } from '../controllers/callAgentController.js';
import { CallController } from '../controllers/callController.js';
import { CallSessionController } from '../controllers/callSessionController.js';
import { TokenUrlController } from '../controllers/tokenUrlController.js';
import '../device-setup/device-setup.js';
import type { DeviceSetupStrings, DevicesChangeDetail } from '../device-setup/device-setup.js';
import '../incoming-call/incoming-call.js';
import type { CallAcceptedDetail, CallDeclinedDetail, IncomingCallStrings } from '../incoming-call/incoming-call.js';
import { callingIcon } from '../shared/callingIcons.js';
import { parseCallTargets, rememberDisplayName } from '../shared/callingNames.js';
import { type AcsErrorDetail, emit } from '../shared/events.js';
import { format, mergeStrings } from '../shared/strings.js';
import { baseStyles } from '../shared/theme.js';
import '../video-gallery/video-gallery.js';
import type { VideoGalleryLayout, VideoGalleryStrings } from '../video-gallery/video-gallery.js';
import type { GroupCallLocator, RoomCallLocator } from '../../calling/callAgent.js';
import { getIdentifierRawId } from '../../common/identifiers.js';
import type { VideoTileStrings } from '../video-tile/video-tile.js';
import styles from './call.styles.js';

export const callCompositeStrings = {
  setupHeading: 'Start a call',
  connectingToService: 'Connecting to the service…',
  connectFailed: 'Could not connect to the service: {message}',
  yourIdentifier: 'Your identifier (share it to be called):',
  calleeLabel: 'Who to call',
  calleeHint: 'An identifier such as 8:acs:… or a phone number such as +14255550123. Separate several with commas.',
  calleeMissing: 'Enter who to call.',
  startCall: 'Start call',
  callFailed: 'The call could not be started: {message}',
  newCall: 'New call',
  callAgain: 'Call again',
  participantsPanel: 'People',
  devicesPanel: 'Devices',
  closePanel: 'Close',
  connectionInfo: 'Connection info',
  answeredElsewhere: 'Answered on another device',
  phoneNeedsCallerId: 'Calling a phone number needs a number of yours to call from (alternate-caller-id).',
  missedCall: 'Missed call from {name}',
  someone: 'someone',
  speakerView: 'Speaker view',
  joinGroupHeading: 'Join the group call',
  joinRoomHeading: 'Join the room call',
  joinCall: 'Join call',
  joinFailed: 'Could not join the call: {message}',
  rejoin: 'Rejoin',
  groupCallName: 'Group call',
  answeringEndsCall: 'Answering ends your call with {name}.',
  roomCallName: 'Room call',
};
export type CallCompositeStrings = typeof callCompositeStrings;

/** Every word `acs-call` and the components inside it show. */
export type CallStrings = CallCompositeStrings &
  DeviceSetupStrings &
  VideoGalleryStrings &
  VideoTileStrings &
  CallControlsStrings &
  CallParticipantListStrings &
  IncomingCallStrings &
  CallStatusStrings;

/** Which screen shows: choosing devices and whom to call, the call, or how it ended. */
export type CallScreen = 'setup' | 'in-call' | 'ended';

export interface CallStateChangeDetail {
  state: CallState;
  call: Call;
}
export interface CallEndedDetail {
  callEndReason: CallEndReason | undefined;
  call: Call;
}
/** Detail of `acs-error` from `<acs-call>`. */
export type CallErrorDetail = AcsErrorDetail;
export interface CallReadyDetail {
  callAgent: CallAgent;
}

export interface StartCallUiOptions {
  /** Start with the camera on (default: as chosen on the setup screen). */
  video?: boolean;
  /** Start muted (default: as chosen on the setup screen). */
  muted?: boolean;
  /**
   * What the page calls the one it calls (a single target), shown while they ring, before the
   * call has their own name (see `rememberDisplayName`).
   */
  displayName?: string;
}

type Panel = 'participants' | 'devices';

/**
 * @summary A whole calling experience: a setup screen (camera preview, devices, and a form to call
 * someone by identifier), the call (video gallery, status, controls, people and devices panels),
 * and an ended screen saying why it ended. Incoming calls ring with a prompt on any screen.
 *
 * With `group-id` (a GUID) or `room-id`, the setup screen offers "Join call" instead of the form,
 * and the ended screen "Rejoin". In the call, raise a hand and react from the controls, pin or
 * spotlight someone from their tile's menu, and switch to the speaker view above the gallery;
 * controls your role (in a room) does not allow say so.
 *
 * Give it a ready `callAgent` (and the `deviceManager` of the same CallClient, so device choices
 * apply to calls), or an `endpoint`, a `token` and a `display-name`: then it makes its own
 * CallClient and CallAgent, and disposes of them when it leaves the page.
 *
 * @event {CustomEvent<CallReadyDetail>} acs-call-ready - The call agent is ready (made here, or given).
 * @event {CustomEvent<CallStateChangeDetail>} acs-call-state-change - The shown call changed state.
 * @event {CustomEvent<CallEndedDetail>} acs-call-ended - The shown call ended; `callEndReason` says why.
 * @event {CustomEvent<CallErrorDetail>} acs-error - Something failed: signing in, starting, answering, a device.
 *
 * @csspart base - The wrapper; also `setup`, `in-call` or `ended` by screen.
 * @csspart device-setup - The setup screen's `acs-device-setup`.
 * @csspart call-form - The form to call someone.
 * @csspart callee-input - Its input.
 * @csspart start-call-button - Its button.
 * @csspart identity - Your own identifier.
 * @csspart status - The `acs-call-status` of the call and of the ended screen.
 * @csspart gallery - The `acs-video-gallery`.
 * @csspart controls - The `acs-call-controls`.
 * @csspart notice - On the setup screen, what happened to a call that rang here and stopped by itself ("Answered on another device", "Missed call from …").
 * @csspart stats-toggle - The "Connection info" button above the gallery.
 * @csspart layout-toggle - The "Speaker view" button above the gallery.
 * @csspart join-button - The setup screen's "Join call" button (with `group-id` or `room-id`).
 * @csspart rejoin-button - The ended screen's "Rejoin" button (after a group or room call).
 * @csspart panel - The side panel (people or devices).
 * @csspart participant-list - The `acs-call-participant-list`.
 * @csspart incoming-call - The `acs-incoming-call` prompt.
 * @csspart call-waiting-note - Under the prompt while in another call: answering ends that one.
 * @csspart new-call-button - The ended screen's "New call" button.
 * @csspart call-again-button - The ended screen's "Call again" button.
 *
 * @cssproperty --acs-call-background - Behind everything (default the theme's surface).
 * @cssproperty --acs-call-panel-width - Width of the side panel (default 18rem).
 * @cssproperty --acs-call-overlay-background - Behind the incoming call prompt (default translucent black).
 */
@customElement('acs-call')
export class AcsCall extends LitElement {
  static override styles = [baseStyles, styles];

  readonly #tokenUrl = new TokenUrlController(this);
  /** The calling policy (one call at a time, cameras, who the call is with); this element renders and emits. */
  readonly #session = new CallSessionController();
  readonly #agentController = new CallAgentController(this, {
    // A call started through the agent directly shows here too, unless one already does.
    onCallsUpdated: (change) => this.#session.handleCallsUpdated(change),
    // A call that stopped ringing by itself says why: answered in another tab, or missed.
    onIncomingCallEnded: (incomingCall, { code, subCode }) => {
      const name = incomingCall.callerInfo.displayName || this.#strings.someone;
      if (code === 0 && subCode === 10003) this.notice = this.#strings.answeredElsewhere;
      else if (code === 487 || code === 480) this.notice = format(this.#strings.missedCall, { name });
    },
  });
  readonly #connection = new CallAgentConnection(this, {
    onAgent: (agent) => this.#onAgent(agent),
    onDeviceManager: (deviceManager) => {
      this.devices = deviceManager;
      this.#session.deviceManager = deviceManager;
    },
    onError: (error) => {
      this.errorMessage = format(this.#strings.connectFailed, { message: messageOf(error) });
      emit(this, 'acs-error', { error });
    },
  });
  readonly #callController = new CallController(this);

  private get calleeInput(): HTMLInputElement | null {
    return this.renderRoot.querySelector('input[name="callee"]');
  }

  @state() private agent: CallAgent | undefined;
  @state() private devices: DeviceManager | undefined;
  @state() private endSeen = false;
  @state() private panel: Panel | undefined;
  @state() private camera: VideoDeviceInfo | undefined;
  @state() private cameraOn = false;
  @state() private micMuted = false;
  @state() private formError = '';
  @state() private errorMessage = '';
  /** What happened to a call that rang here and stopped by itself (until the next call). */
  @state() private notice = '';

  /** A ready call agent (from `CallClient.createCallAgent`). */
  @property({ attribute: false }) callAgent: CallAgent | undefined;

  /**
   * Shows the connection diagnostics on every remote tile (direct or relayed, round trip, loss).
   * The "Connection info" button in the call turns it on and off.
   */
  @property({ type: Boolean, reflect: true, attribute: 'show-connection-stats' }) showConnectionStats = false;

  /** The device manager of the agent's CallClient; device choices apply to calls through it. */
  @property({ attribute: false }) deviceManager: DeviceManager | undefined;

  /** The service's URL, to make a call agent here (with `token`). */
  @property() endpoint = '';

  /** A user access token with the `voip` scope, or a credential, to make a call agent here. */
  @property({ attribute: false }) token: string | CommunicationTokenCredential | undefined;

  /**
   * Instead of a token: a URL of the page's own server that answers `POST` with `{ token }` for the
   * signed-in user (the credential refreshes from it before the token expires).
   */
  @property({ attribute: 'token-url' }) tokenUrl = '';

  /** Your name, shown to others (for an agent made here) and on your own tile. */
  @property({ attribute: 'display-name' }) displayName = '';

  /** A group call to join (a GUID, as `crypto.randomUUID()` gives): the setup screen offers "Join call". */
  @property({ attribute: 'group-id' }) groupId = '';

  /** A room whose call to join (its id): the setup screen offers "Join call". */
  @property({ attribute: 'room-id' }) roomId = '';

  /**
   * The phone number (E.164, a number of the resource, usually your own) that people called by
   * phone see. Without it, calling a phone number says at once that it needs one.
   */
  @property({ attribute: 'alternate-caller-id' }) alternateCallerId = '';

  /** The gallery's layout: `grid` (default) or `speaker`; the "Speaker view" button switches it. */
  @property() layout: VideoGalleryLayout = 'grid';

  /** Who to call, filled into the form. */
  @property() callee = '';

  /** Overrides for any of the words shown (this component's and those inside it). */
  @property({ attribute: false }) strings: Partial<CallStrings> | undefined;

  constructor() {
    super();
    this.#session.on('callChanged', ({ call }) => {
      this.#callController.call = call;
      this.endSeen = false;
      this.notice = '';
      this.panel = undefined;
      this.requestUpdate();
      emit(this, 'acs-call-state-change', { state: call.state, call });
    });
    this.#session.on('stateChanged', ({ state, call }) => emit(this, 'acs-call-state-change', { state, call }));
    this.#session.on('callEnded', ({ call, callEndReason }) => {
      emit(this, 'acs-call-ended', { callEndReason, call });
      // Focus was in the call's controls, which are gone now: it moves to the ended screen (and is not
      // taken from elsewhere in the page).
      const hadFocus = this.matches(':focus-within') || document.activeElement === document.body || document.activeElement === null;
      if (hadFocus) void this.updateComplete.then(() => this.shadowRoot?.querySelector<HTMLElement>('[part~="new-call-button"]')?.focus());
    });
  }

  protected override willUpdate(): void {
    // The connection makes a new agent only when one of these changed (a given token wins over token-url).
    this.#connection.update({
      callAgent: this.callAgent,
      deviceManager: this.deviceManager,
      endpoint: this.endpoint,
      token: this.#tokenUrl.resolve(this.token, this.tokenUrl),
      displayName: this.displayName,
    });
  }

  #onAgent(agent: CallAgent | undefined): void {
    this.agent = agent;
    this.#agentController.agent = agent;
    if (agent) {
      this.errorMessage = '';
      emit(this, 'acs-call-ready', { callAgent: agent });
    }
    // After acs-call-ready, as before: a call the agent is already in then shows.
    this.#session.agent = agent;
  }

  get #strings(): CallCompositeStrings {
    return mergeStrings(callCompositeStrings, this.strings);
  }

  #fail(error: unknown, template: string): void {
    this.errorMessage = format(template, { message: messageOf(error) });
    emit(this, 'acs-error', { error });
  }

  async #onSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const text = this.calleeInput?.value ?? '';
    if (parseCallTargets(text).length === 0) {
      this.formError = this.#strings.calleeMissing;
      this.calleeInput?.focus();
      return;
    }
    this.formError = '';
    this.callee = text;
    try {
      await this.startCall(text);
    } catch (error) {
      this.#fail(error, this.#strings.callFailed);
    }
  }

  #onDevicesChange(event: CustomEvent<DevicesChangeDetail>): void {
    const { camera, cameraOn, muted } = event.detail;
    const previous = this.camera;
    this.camera = camera;
    if (!this.#session.isActive) {
      this.cameraOn = cameraOn;
      this.micMuted = muted;
      return;
    }
    // During a call the devices panel only chooses: a new camera replaces the one being sent.
    if (camera && camera.id !== previous?.id) {
      this.#session.switchCamera(camera).catch((error: unknown) => emit(this, 'acs-error', { error }));
    }
  }

  #onTogglePanel(panel: Panel, event: CustomEvent<TogglePanelDetail>): void {
    this.panel = event.detail.open ? panel : undefined;
  }

  async #onAccepted(event: CustomEvent<CallAcceptedDetail>): Promise<void> {
    if (!event.detail.incomingCall) return;
    try {
      await this.acceptIncomingCall({ video: event.detail.withVideo }, event.detail.incomingCall);
      // The prompt that had the focus is gone: it goes to the call's first control (Mute).
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('acs-call-controls')?.focus();
    } catch (error) {
      emit(this, 'acs-error', { error });
    }
  }

  async #onDeclined(event: CustomEvent<CallDeclinedDetail>): Promise<void> {
    if (!event.detail.incomingCall) return;
    try {
      await this.declineIncomingCall(event.detail.incomingCall);
    } catch (error) {
      emit(this, 'acs-error', { error });
    }
  }

  /** The call agent in use: the given one, or the one made here. */
  get currentCallAgent(): CallAgent | undefined {
    return this.agent;
  }

  /** The call shown: in progress, or just ended (until "New call"). */
  get call(): Call | undefined {
    return this.#session.call;
  }

  /** Calls ringing here, oldest first. */
  get incomingCalls(): IncomingCall[] {
    return this.#agentController.incomingCalls;
  }

  /** The screen showing now. */
  get screen(): CallScreen {
    if (this.#session.isActive) return 'in-call';
    return this.#session.call && !this.endSeen ? 'ended' : 'setup';
  }

  /** Resolves with the call agent once it is ready (at once for a given one). */
  async whenReady(): Promise<CallAgent | undefined> {
    await this.updateComplete;
    return this.#connection.whenReady();
  }

  /**
   * Calls `target`: identifiers, or text as typed in the form (raw ids or phone numbers, separated
   * by commas). Camera and microphone start as chosen on the setup screen unless `options` say. A
   * call in progress is left first.
   */
  async startCall(target: string | CommunicationIdentifier | CommunicationIdentifier[], options: StartCallUiOptions = {}): Promise<Call> {
    await this.whenReady();
    const targets = typeof target === 'string' ? parseCallTargets(target) : Array.isArray(target) ? target : [target];
    if (targets.some((t) => 'phoneNumber' in t) && !this.alternateCallerId) {
      throw new TypeError(this.#strings.phoneNeedsCallerId);
    }
    if (options.displayName !== undefined && targets.length === 1) rememberDisplayName(targets[0]!, options.displayName);
    const starting = this.#session.startCall(targets, {
      video: options.video ?? this.cameraOn,
      muted: options.muted ?? this.micMuted,
      camera: this.camera,
      ...(this.alternateCallerId ? { alternateCallerId: { phoneNumber: this.alternateCallerId } } : {}),
    });
    this.errorMessage = '';
    return starting;
  }

  /** The group or room given (`group-id`, `room-id`), if any. */
  get #locator(): GroupCallLocator | RoomCallLocator | undefined {
    if (this.roomId) return { roomId: this.roomId };
    if (this.groupId) return { groupId: this.groupId };
    return undefined;
  }

  /**
   * Joins the call of `group-id` or `room-id` (or of the locator given), with camera and microphone
   * as chosen on the setup screen unless `options` say. A call in progress is left first.
   */
  async joinCall(locator: GroupCallLocator | RoomCallLocator | undefined = this.#locator, options: StartCallUiOptions = {}): Promise<Call> {
    if (!locator) throw new TypeError('Set group-id or room-id, or pass { groupId } or { roomId }.');
    await this.whenReady();
    const joining = this.#session.join(locator, {
      video: options.video ?? this.cameraOn,
      muted: options.muted ?? this.micMuted,
      camera: this.camera,
    });
    this.errorMessage = '';
    return joining;
  }

  #join(locator: GroupCallLocator | RoomCallLocator | undefined): void {
    this.joinCall(locator).catch((error: unknown) => this.#fail(error, this.#strings.joinFailed));
  }

  /** Answers a ringing call (the first one by default), leaving the call in progress if any. */
  async acceptIncomingCall(
    options: { video?: boolean } = {},
    incomingCall: IncomingCall | undefined = this.incomingCalls[0],
  ): Promise<Call> {
    if (!incomingCall) throw new Error('No call is ringing.');
    this.#agentController.forget(incomingCall);
    return this.#session.accept(incomingCall, { video: options.video ?? false, muted: this.micMuted, camera: this.camera });
  }

  /** Declines a ringing call (the first one by default). */
  async declineIncomingCall(incomingCall: IncomingCall | undefined = this.incomingCalls[0]): Promise<void> {
    if (!incomingCall) return;
    this.#agentController.forget(incomingCall);
    await incomingCall.reject();
  }

  /** Leaves the call in progress. */
  async hangUp(): Promise<void> {
    await this.#session.hangUp();
  }

  /** Back to the setup screen after a call ended. */
  newCall(): void {
    this.endSeen = true;
    void this.updateComplete.then(() => (this.calleeInput ?? this.renderRoot.querySelector<HTMLElement>('[part~="join-button"]'))?.focus());
  }

  /** Leaves any call and disposes of the call agent made here (a given one stays the page's). */
  async dispose(): Promise<void> {
    await this.#session.dispose();
    await this.#connection.release();
  }

  #renderSetup(strings: CallCompositeStrings) {
    const agent = this.agent;
    return html`<div part="base setup" class="base setup">
      <acs-device-setup
        part="device-setup"
        .deviceManager=${this.devices}
        ?camera-on=${this.cameraOn}
        ?muted=${this.micMuted}
        camera-id=${this.camera?.id ?? ''}
        .strings=${this.strings}
        @acs-devices-change=${this.#onDevicesChange}
      ></acs-device-setup>
      <div>
        ${this.#locator ? this.#renderJoin(strings) : this.#renderCallForm(strings)}
        ${this.errorMessage ? html`<p class="error" role="alert">${this.errorMessage}</p>` : nothing}
        <p part="notice" class="notice" role="status">${this.notice}</p>
        <p part="identity" class="identity">
          ${agent ? html`${strings.yourIdentifier} <code>${agent.userId}</code>` : strings.connectingToService}
        </p>
      </div>
    </div>`;
  }

  #renderJoin(strings: CallCompositeStrings) {
    return html`<h2 class="heading">${this.roomId ? strings.joinRoomHeading : strings.joinGroupHeading}</h2>
      <button
        type="button"
        part="join-button"
        class="primary"
        aria-disabled=${this.agent ? 'false' : 'true'}
        @click=${() => (this.agent ? this.#join(this.#locator) : undefined)}
      >
        ${callingIcon('phone')}${strings.joinCall}
      </button>`;
  }

  #renderCallForm(strings: CallCompositeStrings) {
    const formError = this.formError;
    const agent = this.agent;
    return html`<h2 class="heading">${strings.setupHeading}</h2>
      <form part="call-form" novalidate @submit=${this.#onSubmit}>
        <label for="callee">${strings.calleeLabel}</label>
        <input
          id="callee"
          name="callee"
          part="callee-input"
          autocomplete="off"
          spellcheck="false"
          .value=${this.callee}
          aria-describedby=${formError ? 'callee-hint callee-error' : 'callee-hint'}
          aria-invalid=${formError ? 'true' : 'false'}
        />
        <p class="hint" id="callee-hint">${strings.calleeHint}</p>
        ${formError ? html`<p class="error" id="callee-error">${formError}</p>` : nothing}
        <button type="submit" part="start-call-button" class="primary" aria-disabled=${agent ? 'false' : 'true'}>
          ${callingIcon('phone')}${strings.startCall}
        </button>
      </form>`;
  }

  #renderInCall(call: Call, strings: CallCompositeStrings) {
    const name = this.displayName || this.agent?.displayName || '';
    const panel = this.panel;
    const userId = this.agent?.identifier ? getIdentifierRawId(this.agent.identifier) : '';
    const speaker = this.layout === 'speaker';
    const remoteName = this.#remoteName(call, strings);
    return html`<div part="base in-call" class="base in-call">
      <div class="top">
        <acs-call-status part="status" .call=${call} remote-name=${remoteName} .strings=${this.strings}></acs-call-status>
        <button
          part="stats-toggle"
          type="button"
          class="secondary small"
          aria-pressed=${this.showConnectionStats ? 'true' : 'false'}
          @click=${() => (this.showConnectionStats = !this.showConnectionStats)}
        >
          ${strings.connectionInfo}
        </button>
        <button
          part="layout-toggle"
          type="button"
          class="secondary small"
          aria-pressed=${speaker ? 'true' : 'false'}
          @click=${() => (this.layout = speaker ? 'grid' : 'speaker')}
        >
          ${strings.speakerView}
        </button>
      </div>
      <div class="stage">
        <acs-video-gallery
          part="gallery"
          .call=${call}
          display-name=${name}
          user-id=${userId}
          layout=${this.layout}
          ?show-connection-stats=${this.showConnectionStats}
          .strings=${this.strings}
        ></acs-video-gallery>
        ${
          panel
            ? html`<aside part="panel" class="panel" aria-labelledby="panel-heading">
                <div class="panel-header">
                  <h2 id="panel-heading">${panel === 'participants' ? strings.participantsPanel : strings.devicesPanel}</h2>
                  <button type="button" class="secondary close" @click=${() => (this.panel = undefined)}>${strings.closePanel}</button>
                </div>
                <div class="panel-body">
                  ${
                    panel === 'participants'
                      ? html`<acs-call-participant-list
                          part="participant-list"
                          no-heading
                          .call=${call}
                          display-name=${name}
                          user-id=${userId}
                          .strings=${this.strings}
                        ></acs-call-participant-list>`
                      : html`<acs-device-setup
                          compact
                          .deviceManager=${this.devices}
                          camera-id=${this.camera?.id ?? ''}
                          .strings=${this.strings}
                          @acs-devices-change=${this.#onDevicesChange}
                        ></acs-device-setup>`
                  }
                </div>
              </aside>`
            : nothing
        }
      </div>
      <acs-call-controls
        part="controls"
        .call=${call}
        .deviceManager=${this.devices}
        .camera=${this.camera}
        user-id=${userId}
        ?participants-open=${panel === 'participants'}
        ?devices-open=${panel === 'devices'}
        .strings=${this.strings}
        @acs-participants-toggle=${(e: CustomEvent<TogglePanelDetail>) => this.#onTogglePanel('participants', e)}
        @acs-devices-toggle=${(e: CustomEvent<TogglePanelDetail>) => this.#onTogglePanel('devices', e)}
      ></acs-call-controls>
    </div>`;
  }

  /** Who the call is with, in words: the people called, or the group or room joined. */
  #remoteName(call: Call, strings: CallCompositeStrings): string {
    if (this.#session.remoteLabel) return this.#session.remoteLabel;
    const info = (call as Partial<Call>).info;
    return info?.roomId ? strings.roomCallName : info?.groupId ? strings.groupCallName : '';
  }

  #renderEnded(call: Call, strings: CallCompositeStrings) {
    return html`<div part="base ended" class="base ended">
      <acs-call-status
        part="status"
        .call=${call}
        remote-name=${this.#remoteName(call, strings)}
        .strings=${this.strings}
      ></acs-call-status>
      <div class="ended-actions">
        <button type="button" part="new-call-button" class="primary" @click=${() => this.newCall()}>${strings.newCall}</button>
        ${
          this.#session.lastLocator
            ? html`<button type="button" part="rejoin-button" class="secondary" @click=${() => this.#join(this.#session.lastLocator)}>
                ${strings.rejoin}
              </button>`
            : nothing
        }
        ${
          call.direction === 'Outgoing' && this.#session.lastTargets.length > 0
            ? html`<button
                type="button"
                part="call-again-button"
                class="secondary"
                @click=${() => void this.startCall([...this.#session.lastTargets]).catch((error: unknown) => this.#fail(error, strings.callFailed))}
              >
                ${strings.callAgain}
              </button>`
            : nothing
        }
      </div>
    </div>`;
  }

  override render() {
    const strings = this.#strings;
    const call = this.#session.call;
    const screen = this.screen;
    const ringing = this.#agentController.incomingCalls[0];
    const inCall = screen === 'in-call' && call;
    // While a call rings, the prompt is the one thing to act on: what is under it is inert. Out of
    // a call it replaces the screen (setup or "Call ended"); in one it covers it (call waiting).
    return html`<div class="screen" ?inert=${!!ringing}>
        ${inCall ? this.#renderInCall(call, strings) : screen === 'ended' && call ? this.#renderEnded(call, strings) : this.#renderSetup(strings)}
      </div>
      ${
        ringing
          ? html`<div class=${inCall ? 'overlay' : 'overlay replaces'}>
              <acs-incoming-call
                part="incoming-call"
                .incomingCall=${ringing}
                .strings=${this.strings}
                @acs-call-accepted=${this.#onAccepted}
                @acs-call-declined=${this.#onDeclined}
              ></acs-incoming-call>
              ${
                inCall
                  ? html`<p part="call-waiting-note" class="call-waiting-note">
                      ${format(strings.answeringEndsCall, { name: this.#remoteName(call, strings) || strings.someone })}
                    </p>`
                  : nothing
              }
            </div>`
          : nothing
      }`;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

declare global {
  interface HTMLElementTagNameMap {
    'acs-call': AcsCall;
  }
  interface GlobalEventHandlersEventMap {
    'acs-call-ready': CustomEvent<CallReadyDetail>;
    'acs-call-state-change': CustomEvent<CallStateChangeDetail>;
    'acs-call-ended': CustomEvent<CallEndedDetail>;
  }
}
