import { TypedEventEmitter } from '../../common/events.js';
import { getIdentifierRawId, isCommunicationIdentifier } from '../../common/identifiers.js';
import type { DataReliability } from '../media/callMedia.js';
import type { RemoteParticipant } from '../remoteParticipant.js';
import type { CallFeature, CallFeatureContext, IdentifierInput, MediaParticipantKind } from './callFeature.js';

/**
 * `Features.DataChannel`, as the ACS Calling SDK has it: send bytes to the others in the call, peer
 * to peer over the mesh's own connections (no service in between). Every link carries two data
 * channels, `Durable` (reliable, ordered) and `Lossy` (unordered, no retransmits); each message
 * travels with a small header naming its channel id and sequence number, so many senders share
 * them. A receiver appears (`dataChannelReceiverCreated`) with the first message of a channel from
 * a participant, and closes when the sender closes its channel or leaves the call.
 */

export type DataChannelReliability = DataReliability;
export type DataChannelPriority = 'High' | 'Normal';

export interface DataChannelSenderOpenOptions {
  /** 0 to 4095; the first free one when not given. */
  channelId?: number;
  reliability?: DataChannelReliability;
  priority?: DataChannelPriority;
  /** Accepted for ACS compatibility; the browser's congestion control sets the rate. */
  bitrateInKbps?: number;
  /** Who receives: these participants; everyone in the call (joiners too) when not given. */
  participants?: IdentifierInput[];
}

export interface DataChannelMessage {
  sequenceNumber: number;
  data: Uint8Array;
}

/** The largest message, in bytes, a sender takes (as in ACS). */
export const DATA_CHANNEL_MAX_MESSAGE_SIZE = 32 * 1024;
export const DATA_CHANNEL_MAX_CHANNEL_ID = 4095;
/** A Durable sender waits while this much is buffered on a link, so a fast sender cannot exhaust memory. */
const HIGH_WATER_BYTES = 1024 * 1024;
const HEADER_BYTES = 7;
const FRAME_DATA = 0;
const FRAME_CLOSE = 1;

function frame(type: number, channelId: number, sequenceNumber: number, data?: Uint8Array): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(HEADER_BYTES + (data?.length ?? 0));
  const view = new DataView(bytes.buffer);
  view.setUint8(0, type);
  view.setUint16(1, channelId);
  view.setUint32(3, sequenceNumber);
  if (data) bytes.set(data, HEADER_BYTES);
  return bytes;
}

export class DataChannelSender {
  readonly channelId: number;
  readonly maxMessageSize = DATA_CHANNEL_MAX_MESSAGE_SIZE;
  readonly #context: CallFeatureContext;
  readonly #reliability: DataChannelReliability;
  #participants: Set<string> | undefined;
  #sequence = 0;
  #closed = false;
  readonly #onClose: () => void;

  /** @internal */
  constructor(
    context: CallFeatureContext,
    channelId: number,
    reliability: DataChannelReliability,
    participants: Set<string> | undefined,
    onClose: () => void,
  ) {
    this.#context = context;
    this.channelId = channelId;
    this.#reliability = reliability;
    this.#participants = participants;
    this.#onClose = onClose;
  }

  /** Who receives from now on; an empty array sends to nobody. */
  setParticipants(participants: IdentifierInput[]): void {
    this.#participants = rawIdsOf(participants);
  }

  /**
   * Sends one message to every receiving participant. Durable messages wait for a link that is
   * still opening and for a full buffer to drain; Lossy ones go only where a link is open now.
   */
  async sendMessage(data: Uint8Array): Promise<void> {
    if (this.#closed) throw new TypeError('This data channel sender is closed.');
    if (!(data instanceof Uint8Array)) throw new TypeError('Pass the message as a Uint8Array.');
    if (data.length > this.maxMessageSize) {
      throw new RangeError(`A data channel message is at most ${this.maxMessageSize} bytes (got ${data.length}).`);
    }
    const bytes = frame(FRAME_DATA, this.channelId, ++this.#sequence, data);
    await Promise.all(this.#targets().map((participant) => this.#sendTo(participant, bytes)));
  }

  /** Stops sending; receivers are told and close. */
  close(): void {
    if (this.#closed) return;
    const bytes = frame(FRAME_CLOSE, this.channelId, this.#sequence);
    for (const participant of this.#targets()) {
      const channel = this.#context.dataChannel(participant, 'Durable');
      if (channel?.readyState === 'open') channel.send(bytes);
    }
    this.#closed = true;
    this.#onClose();
  }

  #targets(): RemoteParticipant[] {
    return this.#context.call.remoteParticipants.filter(
      (p) => p.state === 'Connected' && (!this.#participants || this.#participants.has(getIdentifierRawId(p.identifier))),
    );
  }

  async #sendTo(participant: RemoteParticipant, bytes: Uint8Array<ArrayBuffer>): Promise<void> {
    const channel = this.#context.dataChannel(participant, this.#reliability);
    if (!channel) return;
    if (this.#reliability === 'Lossy') {
      if (channel.readyState === 'open') channel.send(bytes);
      return;
    }
    if (channel.readyState === 'connecting') await once(channel, 'open');
    if (channel.bufferedAmount > HIGH_WATER_BYTES) {
      channel.bufferedAmountLowThreshold = HIGH_WATER_BYTES / 2;
      await once(channel, 'bufferedamountlow');
    }
    if (channel.readyState === 'open') channel.send(bytes);
  }
}

export type DataChannelReceiverEvents = { messageReady: Record<string, never>; close: Record<string, never> };

export class DataChannelReceiver extends TypedEventEmitter<DataChannelReceiverEvents> {
  readonly channelId: number;
  readonly senderParticipantIdentifier: MediaParticipantKind;
  readonly #messages: DataChannelMessage[] = [];

  /** @internal */
  constructor(channelId: number, sender: MediaParticipantKind) {
    super();
    this.channelId = channelId;
    this.senderParticipantIdentifier = sender;
  }

  /** The oldest message not read yet, or undefined. */
  readMessage(): DataChannelMessage | undefined {
    return this.#messages.shift();
  }

  /** @internal */
  push(message: DataChannelMessage): void {
    this.#messages.push(message);
    this.emit('messageReady', {});
  }

  /** @internal */
  close(): void {
    this.emit('close', {});
    this.removeAllListeners();
  }
}

export type DataChannelEvents = { dataChannelReceiverCreated: DataChannelReceiver };

export class DataChannelCallFeature extends TypedEventEmitter<DataChannelEvents> implements CallFeature {
  readonly name = 'DataChannel';
  readonly #context: CallFeatureContext;
  readonly #senders = new Map<number, DataChannelSender>();
  /** Receivers by sender raw id and channel id. */
  readonly #receivers = new Map<string, DataChannelReceiver>();
  readonly #onData: (event: Event) => void;
  readonly #onParticipants: (change: { removed: RemoteParticipant[] }) => void;

  /** @internal */
  constructor(context: CallFeatureContext) {
    super();
    this.#context = context;
    this.#onData = (event) => {
      const { participant, bytes } = (event as CustomEvent<{ participant: RemoteParticipant; bytes: Uint8Array }>).detail;
      this.#receive(participant, bytes);
    };
    this.#onParticipants = ({ removed }) => {
      for (const participant of removed) this.#closeReceiversOf(getIdentifierRawId(participant.identifier));
    };
    context.events.addEventListener('data', this.#onData);
    context.call.on('remoteParticipantsUpdated', this.#onParticipants);
  }

  createDataChannelSender(options: DataChannelSenderOpenOptions = {}): DataChannelSender {
    const reliability = options.reliability ?? 'Lossy';
    if (reliability !== 'Durable' && reliability !== 'Lossy') throw new TypeError('reliability is "Durable" or "Lossy".');
    if (options.priority !== undefined && options.priority !== 'High' && options.priority !== 'Normal') {
      throw new TypeError('priority is "High" or "Normal".');
    }
    let channelId = options.channelId;
    if (channelId === undefined) {
      channelId = 0;
      while (this.#senders.has(channelId)) channelId++;
    }
    if (!Number.isInteger(channelId) || channelId < 0 || channelId > DATA_CHANNEL_MAX_CHANNEL_ID) {
      throw new RangeError(`channelId is a whole number from 0 to ${DATA_CHANNEL_MAX_CHANNEL_ID}.`);
    }
    if (this.#senders.has(channelId)) throw new TypeError(`A sender for channel ${channelId} is open: close it first.`);
    const id = channelId;
    const participants = options.participants === undefined ? undefined : rawIdsOf(options.participants);
    const sender = new DataChannelSender(this.#context, id, reliability, participants, () => this.#senders.delete(id));
    this.#senders.set(id, sender);
    return sender;
  }

  #receive(participant: RemoteParticipant, bytes: Uint8Array): void {
    if (bytes.length < HEADER_BYTES) return;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const type = view.getUint8(0);
    const channelId = view.getUint16(1);
    const sequenceNumber = view.getUint32(3);
    const senderId = getIdentifierRawId(participant.identifier);
    const key = `${senderId}\n${channelId}`;
    let receiver = this.#receivers.get(key);
    if (type === FRAME_CLOSE) {
      this.#receivers.delete(key);
      receiver?.close();
      return;
    }
    if (type !== FRAME_DATA) return;
    if (!receiver) {
      if (participant.identifier.kind === 'callingApplication') return;
      receiver = new DataChannelReceiver(channelId, participant.identifier);
      this.#receivers.set(key, receiver);
      this.emit('dataChannelReceiverCreated', receiver);
    }
    receiver.push({ sequenceNumber, data: bytes.slice(HEADER_BYTES) });
  }

  #closeReceiversOf(senderId: string): void {
    for (const [key, receiver] of [...this.#receivers]) {
      if (key.startsWith(`${senderId}\n`)) {
        this.#receivers.delete(key);
        receiver.close();
      }
    }
  }

  dispose(): void {
    for (const sender of [...this.#senders.values()]) sender.close();
    this.#context.events.removeEventListener('data', this.#onData);
    this.#context.call.off('remoteParticipantsUpdated', this.#onParticipants);
    for (const receiver of this.#receivers.values()) receiver.close();
    this.#receivers.clear();
    this.removeAllListeners();
  }
}

function rawIdsOf(participants: IdentifierInput[]): Set<string> {
  if (!Array.isArray(participants)) throw new TypeError('participants is an array of identifiers.');
  return new Set(participants.filter(isCommunicationIdentifier).map(getIdentifierRawId));
}

function once(target: EventTarget, type: string): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      target.removeEventListener(type, done);
      target.removeEventListener('close', done);
      resolve();
    };
    target.addEventListener(type, done);
    target.addEventListener('close', done);
  });
}
