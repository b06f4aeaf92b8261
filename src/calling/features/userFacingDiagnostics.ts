import { TypedEventEmitter } from '../../common/events.js';
import { SpeakingDetector } from '../media/speakingDetector.js';
import type { CallFeature, CallFeatureContext, MediaIssueName } from './callFeature.js';

/**
 * `Features.UserFacingDiagnostics`, as the ACS Calling SDK has it: what is wrong with this
 * endpoint's network and media now, in terms a person can act on ("you are speaking while muted",
 * "your connection is reconnecting"). Each diagnostic is raised (a flag `true`, or a quality `Poor`
 * / `Bad`) when the problem starts and lowered (`false`, `Good`) when it ends; `getLatest()` holds
 * the last value of each that was ever raised. From the mesh's own signals: ICE connection states,
 * `getStats()` packet loss, the candidates gathered, the microphone's level while muted, the devices
 * the browser lists and the call's own failures to open them.
 */

export const DiagnosticQuality = { Good: 1, Poor: 2, Bad: 3 } as const;
export type DiagnosticQuality = (typeof DiagnosticQuality)[keyof typeof DiagnosticQuality];
export type DiagnosticFlag = boolean;
export type DiagnosticValueType = 'DiagnosticQuality' | 'DiagnosticFlag';

export interface LatestDiagnosticValue {
  value: DiagnosticQuality | DiagnosticFlag;
  valueType: DiagnosticValueType;
}

export interface LatestNetworkDiagnostics {
  /** Poor while a media connection is lost and reconnecting, Bad when it failed, Good when all are back. */
  networkReconnect?: LatestDiagnosticValue;
  /** From the packets lost on what this endpoint receives: Poor from 3 %, Bad from 10 %. */
  networkReceiveQuality?: LatestDiagnosticValue;
  /** From the packets the others report lost of what this endpoint sends: Poor from 3 %, Bad from 10 %. */
  networkSendQuality?: LatestDiagnosticValue;
  /** True while the browser says it is offline. */
  noNetwork?: LatestDiagnosticValue;
  /** True when TURN relays are configured and none could be reached (no relay candidate was gathered). */
  networkRelaysNotReachable?: LatestDiagnosticValue;
}

export interface LatestMediaDiagnostics {
  /** True while the microphone is muted and picks up speech. */
  speakingWhileMicrophoneIsMuted?: LatestDiagnosticValue;
  /** True when the browser lists no speaker (audio output) device. */
  noSpeakerDevicesEnumerated?: LatestDiagnosticValue;
  /** True when the browser lists no microphone. */
  noMicrophoneDevicesEnumerated?: LatestDiagnosticValue;
  /** True when the camera could not be started; false once one starts. */
  cameraStartFailed?: LatestDiagnosticValue;
  /** True when the call has no working microphone (it could not be opened, or it ended). */
  microphoneNotFunctioning?: LatestDiagnosticValue;
  /** True while the microphone track is muted by the system (not by the call). */
  microphoneMuteUnexpectedly?: LatestDiagnosticValue;
  /** True when the camera track ended without the call stopping it. */
  cameraStoppedUnexpectedly?: LatestDiagnosticValue;
}

export type NetworkDiagnosticType = keyof LatestNetworkDiagnostics;
export type MediaDiagnosticType = keyof LatestMediaDiagnostics;

export interface DiagnosticChangedEventArgs {
  value: DiagnosticQuality | DiagnosticFlag;
  valueType: DiagnosticValueType;
}
export type NetworkDiagnosticChangedEventArgs = DiagnosticChangedEventArgs & { diagnostic: NetworkDiagnosticType };
export type MediaDiagnosticChangedEventArgs = DiagnosticChangedEventArgs & { diagnostic: MediaDiagnosticType };

/** One family of diagnostics (network or media): their latest values and a change event. */
class Diagnostics<K extends string, Args extends DiagnosticChangedEventArgs & { diagnostic: K }> extends TypedEventEmitter<{
  diagnosticChanged: Args;
}> {
  readonly #latest = new Map<K, LatestDiagnosticValue>();

  getLatest(): Partial<Record<K, LatestDiagnosticValue>> {
    return Object.fromEntries([...this.#latest].map(([key, value]) => [key, { ...value }])) as Partial<Record<K, LatestDiagnosticValue>>;
  }

  /**
   * Sets a diagnostic; says so only when it changes. A flag that was never raised is not lowered,
   * nor is a quality that was never poor made good: there was nothing to tell.
   */
  set(diagnostic: K, value: DiagnosticQuality | DiagnosticFlag): void {
    const previous = this.#latest.get(diagnostic);
    if (previous?.value === value) return;
    if (!previous && (value === false || value === DiagnosticQuality.Good)) return;
    const valueType: DiagnosticValueType = typeof value === 'boolean' ? 'DiagnosticFlag' : 'DiagnosticQuality';
    this.#latest.set(diagnostic, { value, valueType });
    this.emit('diagnosticChanged', { diagnostic, value, valueType } as Args);
  }

  dispose(): void {
    this.removeAllListeners();
  }
}

export class NetworkDiagnostics extends Diagnostics<NetworkDiagnosticType, NetworkDiagnosticChangedEventArgs> {
  override getLatest(): LatestNetworkDiagnostics {
    return super.getLatest();
  }
}

export class MediaDiagnostics extends Diagnostics<MediaDiagnosticType, MediaDiagnosticChangedEventArgs> {
  override getLatest(): LatestMediaDiagnostics {
    return super.getLatest();
  }
}

/** How often the diagnostics look at the connections. */
const CHECK_MS = 1000;

/** Quality from the fraction of packets lost over the last interval. @internal */
export function qualityOfLoss(lost: number, received: number): DiagnosticQuality {
  const total = lost + received;
  const fraction = total === 0 ? 0 : lost / total;
  return fraction >= 0.1 ? DiagnosticQuality.Bad : fraction >= 0.03 ? DiagnosticQuality.Poor : DiagnosticQuality.Good;
}

/** Reconnect quality from the ICE states of the call's connections. @internal */
export function qualityOfIceStates(states: readonly RTCIceConnectionState[]): DiagnosticQuality {
  if (states.includes('failed')) return DiagnosticQuality.Bad;
  if (states.includes('disconnected')) return DiagnosticQuality.Poor;
  return DiagnosticQuality.Good;
}

export class UserFacingDiagnosticsFeature implements CallFeature {
  readonly name = 'UserFacingDiagnostics';
  readonly network = new NetworkDiagnostics();
  readonly media = new MediaDiagnostics();
  readonly #context: CallFeatureContext;
  readonly #timer: ReturnType<typeof setInterval>;
  /** Counters at the last check, per connection: what was received and lost, sent and reported lost. */
  readonly #counters = new WeakMap<RTCPeerConnection, { received: number; lost: number; sent: number; remoteLost: number }>();
  #mutedSpeech: { track: MediaStreamTrack; detector: SpeakingDetector; context: AudioContext } | undefined;
  #watchedCamera: MediaStreamTrack | undefined;
  #watchedMicrophone: MediaStreamTrack | undefined;
  #checking = false;
  readonly #cleanups: (() => void)[] = [];

  /** @internal */
  constructor(context: CallFeatureContext) {
    this.#context = context;
    const onOnline = () => this.network.set('noNetwork', !navigator.onLine);
    globalThis.addEventListener?.('online', onOnline);
    globalThis.addEventListener?.('offline', onOnline);
    this.#cleanups.push(() => {
      globalThis.removeEventListener?.('online', onOnline);
      globalThis.removeEventListener?.('offline', onOnline);
    });
    onOnline();
    const onIssue = (event: Event) => this.#onMediaIssue(event.type as MediaIssueName);
    const issues: MediaIssueName[] = ['cameraStartFailed', 'cameraStarted', 'microphoneUnavailable', 'microphoneAvailable'];
    for (const issue of context.pastMediaIssues()) this.#onMediaIssue(issue);
    for (const issue of issues) context.mediaIssues.addEventListener(issue, onIssue);
    this.#cleanups.push(() => issues.forEach((issue) => context.mediaIssues.removeEventListener(issue, onIssue)));
    const onDevices = () => void this.#checkDevices();
    navigator.mediaDevices?.addEventListener?.('devicechange', onDevices);
    this.#cleanups.push(() => navigator.mediaDevices?.removeEventListener?.('devicechange', onDevices));
    void this.#checkDevices();
    const onMuted = () => this.#watchMutedSpeech();
    context.call.on('isMutedChanged', onMuted);
    this.#cleanups.push(() => context.call.off('isMutedChanged', onMuted));
    this.#timer = setInterval(() => void this.#check(), CHECK_MS);
    this.#watchMutedSpeech();
    this.#watchTracks();
  }

  dispose(): void {
    clearInterval(this.#timer);
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
    this.#stopMutedSpeech();
    this.network.dispose();
    this.media.dispose();
  }

  #onMediaIssue(issue: MediaIssueName): void {
    if (issue === 'cameraStartFailed') this.media.set('cameraStartFailed', true);
    else if (issue === 'cameraStarted') {
      this.media.set('cameraStartFailed', false);
      this.media.set('cameraStoppedUnexpectedly', false);
      this.#watchTracks();
    } else if (issue === 'microphoneUnavailable') this.media.set('microphoneNotFunctioning', true);
    else {
      this.media.set('microphoneNotFunctioning', false);
      this.#watchTracks();
      this.#watchMutedSpeech();
    }
  }

  async #checkDevices(): Promise<void> {
    const devices = await navigator.mediaDevices?.enumerateDevices?.().catch(() => undefined);
    if (!devices) return;
    this.media.set('noMicrophoneDevicesEnumerated', !devices.some((d) => d.kind === 'audioinput'));
    // Browsers that cannot choose the speaker list none: there is nothing to say then.
    if ('setSinkId' in HTMLMediaElement.prototype) {
      this.media.set('noSpeakerDevicesEnumerated', !devices.some((d) => d.kind === 'audiooutput'));
    }
  }

  /** Listens on the current camera and microphone tracks for ends and mutes the call did not cause. */
  #watchTracks(): void {
    const { camera, microphone } = this.#context.localTracks();
    if (camera && camera !== this.#watchedCamera) {
      this.#watchedCamera = camera;
      const onEnded = () => {
        // The call stops a camera by replacing it; a track that ends while still sent stopped by itself.
        if (this.#context.localTracks().camera === camera) this.media.set('cameraStoppedUnexpectedly', true);
      };
      camera.addEventListener('ended', onEnded);
      this.#cleanups.push(() => camera.removeEventListener('ended', onEnded));
    }
    if (microphone && microphone !== this.#watchedMicrophone) {
      this.#watchedMicrophone = microphone;
      const onMute = () => this.media.set('microphoneMuteUnexpectedly', true);
      const onUnmute = () => this.media.set('microphoneMuteUnexpectedly', false);
      const onEnded = () => {
        if (this.#context.localTracks().microphone === microphone) this.media.set('microphoneNotFunctioning', true);
      };
      microphone.addEventListener('mute', onMute);
      microphone.addEventListener('unmute', onUnmute);
      microphone.addEventListener('ended', onEnded);
      this.#cleanups.push(() => {
        microphone.removeEventListener('mute', onMute);
        microphone.removeEventListener('unmute', onUnmute);
        microphone.removeEventListener('ended', onEnded);
      });
    }
  }

  /**
   * While muted, listens to a copy of the microphone (the call's own track is disabled and sends
   * silence) with the speaking detector; unmuted, stops listening and lowers the flag.
   */
  #watchMutedSpeech(): void {
    const microphone = this.#context.localTracks().microphone;
    const listening = this.#mutedSpeech;
    if (!this.#context.call.isMuted || !microphone || microphone.readyState === 'ended') {
      this.#stopMutedSpeech();
      this.media.set('speakingWhileMicrophoneIsMuted', false);
      return;
    }
    if (listening) return;
    const track = microphone.clone();
    track.enabled = true;
    const context = new AudioContext();
    void context.resume().catch(() => undefined);
    const detector = new SpeakingDetector(context, track, (speaking) => this.media.set('speakingWhileMicrophoneIsMuted', speaking));
    this.#mutedSpeech = { track, detector, context };
  }

  #stopMutedSpeech(): void {
    const listening = this.#mutedSpeech;
    if (!listening) return;
    this.#mutedSpeech = undefined;
    listening.detector.dispose();
    listening.track.stop();
    void listening.context.close().catch(() => undefined);
  }

  async #check(): Promise<void> {
    if (this.#checking) return;
    this.#checking = true;
    try {
      const connections = this.#context.peerConnections().map(({ pc }) => pc);
      if (connections.length === 0) return;
      this.network.set('networkReconnect', qualityOfIceStates(connections.map((pc) => pc.iceConnectionState)));
      let received = 0;
      let lost = 0;
      let sent = 0;
      let remoteLost = 0;
      let relaysConfigured = false;
      let relayGathered = false;
      let gatheringDone = false;
      for (const pc of connections) {
        const report = await pc.getStats().catch(() => undefined);
        if (!report) continue;
        const now = { received: 0, lost: 0, sent: 0, remoteLost: 0 };
        report.forEach((entry: Record<string, unknown>) => {
          if (entry.type === 'inbound-rtp') {
            now.received += Number(entry.packetsReceived ?? 0);
            now.lost += Math.max(0, Number(entry.packetsLost ?? 0));
          } else if (entry.type === 'outbound-rtp') {
            now.sent += Number(entry.packetsSent ?? 0);
          } else if (entry.type === 'remote-inbound-rtp') {
            now.remoteLost += Math.max(0, Number(entry.packetsLost ?? 0));
          } else if (entry.type === 'local-candidate' && entry.candidateType === 'relay') {
            relayGathered = true;
          }
        });
        const before = this.#counters.get(pc) ?? { received: 0, lost: 0, sent: 0, remoteLost: 0 };
        received += Math.max(0, now.received - before.received);
        lost += Math.max(0, now.lost - before.lost);
        sent += Math.max(0, now.sent - before.sent);
        remoteLost += Math.max(0, now.remoteLost - before.remoteLost);
        this.#counters.set(pc, now);
        const servers = pc.getConfiguration().iceServers ?? [];
        if (servers.some((server) => [server.urls].flat().some((url) => /^turns?:/i.test(url)))) relaysConfigured = true;
        if (pc.iceGatheringState === 'complete') gatheringDone = true;
      }
      if (received + lost > 0) this.network.set('networkReceiveQuality', qualityOfLoss(lost, received));
      if (sent > 0) this.network.set('networkSendQuality', qualityOfLoss(remoteLost, Math.max(0, sent - remoteLost)));
      if (relaysConfigured && (relayGathered || gatheringDone)) this.network.set('networkRelaysNotReachable', !relayGathered);
    } finally {
      this.#checking = false;
    }
  }
}
