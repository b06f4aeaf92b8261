// The group-call end-to-end tests' page: one person (its own browser context) in a group or room
// call through the library, with a small driver on `window.groupHarness` and everything they have
// seen (hands, reactions, spotlights, data) kept for the test to read.
import { AzureCommunicationTokenCredential } from '../../../src/common/credential.js';
import { getIdentifierRawId } from '../../../src/common/identifiers.js';
import { CallClient } from '../../../src/calling/callClient.js';
import type { CallAgent } from '../../../src/calling/callAgent.js';
import type { Call } from '../../../src/calling/call.js';
import { type DataChannelSender, Features } from '../../../src/calling/features/index.js';
import { LocalVideoStream } from '../../../src/calling/localVideoStream.js';
import type { RemoteParticipant } from '../../../src/calling/remoteParticipant.js';
import { VideoStreamRenderer } from '../../../src/calling/videoStreamRenderer.js';

let agent: CallAgent | undefined;
let call: Call | undefined;
const frames = new Map<string, number>();
const reactions: string[] = [];
const handEvents: string[] = [];
const spotlightEvents: string[] = [];
const received: { from: string; channelId: number; sequenceNumber: number; bytes: number[] }[] = [];
const closedReceivers: string[] = [];
const senders = new Map<number, DataChannelSender>();
const rendered = new Set<RemoteParticipant>();

const raw = (identifier: Parameters<typeof getIdentifierRawId>[0]) => getIdentifierRawId(identifier);

function watch(current: Call): void {
  const hands = current.feature(Features.RaiseHand);
  hands.on('raisedHandEvent', ({ identifier }) => handEvents.push(`raised:${raw(identifier)}`));
  hands.on('loweredHandEvent', ({ identifier }) => handEvents.push(`lowered:${raw(identifier)}`));
  current
    .feature(Features.Reaction)
    .on('reaction', ({ identifier, reactionMessage }) => reactions.push(`${raw(identifier)}:${reactionMessage.reactionType}`));
  current
    .feature(Features.Spotlight)
    .on('spotlightChanged', ({ added, removed }) =>
      spotlightEvents.push(...added.map((p) => `on:${raw(p.identifier)}`), ...removed.map((p) => `off:${raw(p.identifier)}`)),
    );
  current.feature(Features.DataChannel).on('dataChannelReceiverCreated', (receiver) => {
    const from = raw(receiver.senderParticipantIdentifier);
    receiver.on('messageReady', () => {
      for (let m = receiver.readMessage(); m; m = receiver.readMessage()) {
        received.push({ from, channelId: receiver.channelId, sequenceNumber: m.sequenceNumber, bytes: [...m.data] });
      }
    });
    receiver.on('close', () => closedReceivers.push(`${from}/${receiver.channelId}`));
  });
}

/** Renders every remote camera that is available and counts its decoded frames. */
async function renderRemotes(): Promise<void> {
  for (const participant of call?.remoteParticipants ?? []) {
    const stream = participant.videoStreams.find((s) => s.mediaStreamType === 'Video');
    if (!stream?.isAvailable || rendered.has(participant)) continue;
    rendered.add(participant);
    const id = raw(participant.identifier);
    const view = await new VideoStreamRenderer(stream).createView();
    view.target.style.width = '160px';
    document.getElementById('videos')!.append(view.target);
    const count = () => {
      frames.set(id, (frames.get(id) ?? 0) + 1);
      view.videoElement.requestVideoFrameCallback(count);
    };
    view.videoElement.requestVideoFrameCallback(count);
  }
}

const harness = {
  async signIn(displayName: string): Promise<string> {
    const response = await fetch('/demo/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    if (!response.ok) throw new Error(`/demo/token: ${response.status}`);
    const issued = (await response.json()) as { user: { communicationUserId: string }; token: string };
    agent = await new CallClient().createCallAgent(new AzureCommunicationTokenCredential(issued.token), { displayName });
    return issued.user.communicationUserId;
  },
  async join(locator: { groupId: string } | { roomId: string }, video: boolean): Promise<void> {
    const cameras = await (await new CallClient().getDeviceManager()).getCameras();
    const streams = video ? [new LocalVideoStream(cameras[0]!)] : [];
    call = agent!.join(locator, { videoOptions: { localVideoStreams: streams } });
    watch(call);
    call.on('remoteParticipantsUpdated', () => void renderRemotes());
    setInterval(() => void renderRemotes(), 250);
  },
  state: () => ({
    call: call?.state ?? 'None',
    endCode: call?.callEndReason?.code,
    role: call?.role,
    remote: (call?.remoteParticipants ?? []).map((p) => ({
      id: raw(p.identifier),
      state: p.state,
      frames: frames.get(raw(p.identifier)) ?? 0,
    })),
    hands: call
      ? call
          .feature(Features.RaiseHand)
          .getRaisedHands()
          .map((h) => `${h.order}:${raw(h.identifier)}`)
      : [],
    spotlights: call
      ? call
          .feature(Features.Spotlight)
          .getSpotlightedParticipants()
          .map((p) => raw(p.identifier))
      : [],
    handEvents: [...handEvents],
    spotlightEvents: [...spotlightEvents],
    reactions: [...reactions],
    received: received.map((r) => ({ ...r })),
    closedReceivers: [...closedReceivers],
    capabilities: call
      ? Object.fromEntries(Object.entries(call.feature(Features.Capabilities).capabilities).map(([name, c]) => [name, c.isPresent]))
      : {},
  }),
  /** Runs an action; resolves with the error code (or message) it failed with, or '' when it worked. */
  async act(action: string, argument?: unknown): Promise<string> {
    const current = call!;
    try {
      switch (action) {
        case 'raiseHand':
          await current.feature(Features.RaiseHand).raiseHand();
          break;
        case 'lowerHand':
          await current.feature(Features.RaiseHand).lowerHand();
          break;
        case 'lowerAllHands':
          await current.feature(Features.RaiseHand).lowerAllHands();
          break;
        case 'react':
          await current.feature(Features.Reaction).sendReaction({ reactionType: argument as 'like' });
          break;
        case 'spotlight':
          await current.feature(Features.Spotlight).startSpotlight([{ communicationUserId: argument as string }]);
          break;
        case 'stopAllSpotlight':
          await current.feature(Features.Spotlight).stopAllSpotlight();
          break;
        case 'unmute':
          await current.unmute();
          break;
        case 'shareScreen': {
          const canvas = document.createElement('canvas');
          canvas.getContext('2d')!.fillRect(0, 0, 10, 10);
          await current.startScreenSharing(new LocalVideoStream(canvas.captureStream(5), 'ScreenSharing'));
          break;
        }
        case 'openSender': {
          const { channelId, reliability } = argument as { channelId: number; reliability: 'Durable' | 'Lossy' };
          senders.set(channelId, current.feature(Features.DataChannel).createDataChannelSender({ channelId, reliability }));
          break;
        }
        case 'send': {
          const { channelId, messages } = argument as { channelId: number; messages: number[][] };
          for (const message of messages) await senders.get(channelId)!.sendMessage(Uint8Array.from(message));
          break;
        }
        case 'closeSender':
          senders.get(argument as number)!.close();
          break;
        case 'hangUp':
          await current.hangUp();
          break;
        default:
          throw new Error(`unknown action ${action}`);
      }
      return '';
    } catch (error) {
      return (error as { code?: string }).code ?? String(error);
    }
  },
};

declare global {
  interface Window {
    groupHarness: typeof harness;
  }
}
window.groupHarness = harness;
document.body.dataset.ready = 'true';
