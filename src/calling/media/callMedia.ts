import type { MediaConnection } from 'peerjs';
import { TypedEventEmitter } from '../../common/events.js';
import { dialsFirst } from '../peerIds.js';
import type { LocalMedia } from './localMedia.js';
import type { PeerEndpoint } from './peerEndpoint.js';

/** What one remote endpoint sends us, by slot. */
export interface RemoteMedia {
  audio?: MediaStreamTrack;
  camera?: MediaStreamTrack;
  screen?: MediaStreamTrack;
}

export type PeerMediaState = 'connecting' | 'connected' | 'disconnected';

export type CallMediaEvents = {
  remoteMedia: { peerId: string; media: RemoteMedia };
  peerStateChanged: { peerId: string; state: PeerMediaState };
  /** Bytes that arrived on one of the link's data channels. */
  data: { peerId: string; bytes: Uint8Array };
};

/** How a data channel delivers: `Durable` reliable and ordered, `Lossy` unordered without retransmits. */
export type DataReliability = 'Durable' | 'Lossy';

/**
 * The two data channels every link carries for `Features.DataChannel`, negotiated by id on both
 * sides (the media connection's SCTP association is there from the offer, so no renegotiation; and
 * negotiated channels never reach PeerJS's own `ondatachannel`, which would take them over).
 */
const DATA_CHANNELS: Record<DataReliability, { id: number; init: RTCDataChannelInit }> = {
  Durable: { id: 1001, init: { ordered: true } },
  Lossy: { id: 1002, init: { ordered: false, maxRetransmits: 0 } },
};

/**
 * The channel a link renegotiates on (an m-line added after the first offer: the screen's). PeerJS
 * signals only a connection's first offer and answer; this one is ordered and reliable, and
 * negotiated by id on both sides like the data channels.
 */
const NEGOTIATION_CHANNEL = { label: 'acs-negotiation', id: 1000 } as const;

/**
 * What goes over the negotiation channel, as JSON: the dialler's offer and the answerer's answer,
 * or the answerer asking the dialler to offer (it has something new to negotiate).
 */
type NegotiationMessage = { description: RTCSessionDescriptionInit } | { request: true };

/**
 * A link's renegotiation. Only the side that dialled the link ever offers, so two offers never
 * cross (a rolled-back offer in Chrome can leave a receiver's video stalled): the answerer asks for
 * an offer instead. The dialler adds a receiving video m-line if the answerer's new screen needs
 * one, and offers again if something changed while an offer was out.
 */
interface Renegotiation {
  channel: RTCDataChannel;
  /** This side dialled the link: it makes the offers. */
  offerer: boolean;
  /** An offer is out (made, its answer not yet set). */
  offering: boolean;
  /** Something changed while the offer was out: offer again once it is answered. */
  offerAgain: boolean;
  /** The messages received, handled one after another in the order they came. */
  handling: Promise<void>;
  /** Messages written before the channel opened, sent once it does. */
  queued: string[];
}

interface Link {
  connection: MediaConnection;
  /** The connection's peer connection (PeerJS drops its own reference when it closes). */
  pc: RTCPeerConnection;
  state: PeerMediaState;
  data: Record<DataReliability, RTCDataChannel>;
  negotiation: Renegotiation;
  /** When the link was made (dialled or answered), for the connect timeout. */
  createdAt: number;
  /** Since when the connection has been `disconnected`, if it is. */
  disconnectedSince?: number;
}

const REDIAL_DELAYS_MS = [500, 1000, 2000, 4000, 8000];

/**
 * @internal How long a link may take or stay broken before it is given up (and redialled by the
 * dialling side). Tests shorten them; they are not options because nothing else should.
 */
export const mediaTimeouts = {
  /**
   * A link not connected this long after it was made is given up: an offer that was never answered
   * (lost with a signalling socket, or left pending by the other side) would otherwise keep the
   * dialler in `have-local-offer` for good, and ICE that never completes would never be retried.
   */
  connectMs: 15_000,
  /** A connection that stays `disconnected` this long (the other side vanished or closed it) is given up. */
  disconnectedMs: 3_000,
  /** How often the links are checked. */
  checkMs: 500,
  /**
   * A call that stays `Connecting` this long (started or answered, nobody ringing, but no media
   * connection to anyone) ends with `CallEndReasons.connectTimedOut`, instead of for good. Each
   * link is redialled every `connectMs` meanwhile.
   */
  callConnectMs: 45_000,
};

/**
 * One call's media: a full mesh of PeerJS media connections, one per pair of endpoints. Of each
 * pair the endpoint with the lower peer id dials, so a pair never dials twice; the other answers.
 * A connection that drops while both are still in the call is dialled again by the same side.
 */
export class CallMedia extends TypedEventEmitter<CallMediaEvents> {
  readonly #callId: string;
  readonly #peer: PeerEndpoint;
  readonly #local: LocalMedia;
  readonly #links = new Map<string, Link>();
  readonly #wanted = new Set<string>();
  readonly #redials = new Map<string, { attempt: number; timer?: ReturnType<typeof setTimeout> }>();
  #watchdog: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  readonly #onSignalling: (change: { connected: boolean }) => void;

  constructor(callId: string, peer: PeerEndpoint, local: LocalMedia) {
    super();
    this.#callId = callId;
    this.#peer = peer;
    this.#local = local;
    // Signalling back: dial at once whoever could not be dialled while it was away.
    this.#onSignalling = ({ connected }) => {
      if (!connected || this.#closed) return;
      for (const peerId of this.#wanted) {
        if (this.#links.has(peerId) || !dialsFirst(this.#peer.peerId, peerId)) continue;
        clearTimeout(this.#redials.get(peerId)?.timer);
        this.#dial(peerId);
      }
    };
    peer.on('signallingChanged', this.#onSignalling);
  }

  /** The remote endpoints (peer ids) this call should be connected with now. */
  sync(peerIds: Iterable<string>): void {
    if (this.#closed) return;
    const next = new Set(peerIds);
    next.delete(this.#peer.peerId);
    for (const peerId of [...this.#wanted]) {
      if (!next.has(peerId)) this.#drop(peerId);
    }
    for (const peerId of next) {
      this.#wanted.add(peerId);
      if (!this.#links.has(peerId) && dialsFirst(this.#peer.peerId, peerId)) this.#dial(peerId);
    }
  }

  /** Takes an incoming connection for this call; false when it is not from a wanted endpoint. */
  accept(connection: MediaConnection): boolean {
    const peerId = connection.peer;
    if (this.#closed || !this.#wanted.has(peerId)) return false;
    this.#links.get(peerId)?.connection.close();
    connection.answer(this.#local.streamForConnection());
    this.#track(peerId, connection);
    return true;
  }

  /** The data channel of this reliability on the link to an endpoint (it may still be opening). */
  dataChannel(peerId: string, reliability: DataReliability): RTCDataChannel | undefined {
    return this.#links.get(peerId)?.data[reliability];
  }

  /** The peer connection to an endpoint, for statistics. */
  peerConnection(peerId: string): RTCPeerConnection | undefined {
    return this.#links.get(peerId)?.connection.peerConnection;
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#watchdog);
    this.#watchdog = undefined;
    this.#peer.off('signallingChanged', this.#onSignalling);
    for (const peerId of [...this.#wanted]) this.#drop(peerId);
    this.removeAllListeners();
  }

  #dial(peerId: string): void {
    const connection = this.#peer.call(peerId, this.#local.streamForConnection(), { callId: this.#callId });
    // Signalling is down: try again later (or as soon as it is back).
    if (!connection) this.#scheduleRedial(peerId);
    else this.#track(peerId, connection, { dialled: true });
  }

  #track(peerId: string, connection: MediaConnection, { dialled } = { dialled: false }): void {
    const pc = connection.peerConnection;
    const data = {} as Record<DataReliability, RTCDataChannel>;
    for (const reliability of ['Durable', 'Lossy'] as const) {
      const { id, init } = DATA_CHANNELS[reliability];
      const channel = pc.createDataChannel(`acs-data-${reliability.toLowerCase()}`, { ...init, negotiated: true, id });
      channel.binaryType = 'arraybuffer';
      channel.onmessage = (event: MessageEvent<ArrayBuffer>) => {
        if (this.#links.get(peerId)?.connection === connection && event.data instanceof ArrayBuffer) {
          this.emit('data', { peerId, bytes: new Uint8Array(event.data) });
        }
      };
      data[reliability] = channel;
    }
    const channel = pc.createDataChannel(NEGOTIATION_CHANNEL.label, { negotiated: true, id: NEGOTIATION_CHANNEL.id, ordered: true });
    const negotiation: Renegotiation = {
      channel,
      offerer: dialled,
      offering: false,
      offerAgain: false,
      handling: Promise.resolve(),
      queued: [],
    };
    const link: Link = { connection, pc, state: 'connecting', createdAt: Date.now(), data, negotiation };
    channel.onopen = () => {
      for (const text of negotiation.queued.splice(0)) channel.send(text);
    };
    channel.onmessage = (event: MessageEvent<unknown>) => {
      const text = event.data;
      if (this.#links.get(peerId) !== link || typeof text !== 'string') return;
      negotiation.handling = negotiation.handling.then(() => this.#onNegotiation(link, text));
    };
    // An m-line added later (the screen's). The first offer and answer are PeerJS's: until both
    // are set, nothing is renegotiated (the browser fires the event again once they are, if needed).
    pc.addEventListener('negotiationneeded', () => {
      if (this.#links.get(peerId) !== link || !pc.localDescription || !pc.remoteDescription) return;
      if (negotiation.offerer) void this.#offer(link);
      else this.#signal(link, { request: true });
    });
    this.#links.set(peerId, link);
    this.#watchdog ??= setInterval(() => this.#check(), mediaTimeouts.checkMs);
    this.#setState(peerId, link, 'connecting');
    void this.#local.attach(pc);
    const publish = () => {
      if (this.#links.get(peerId) === link) this.emit('remoteMedia', { peerId, media: remoteMedia(pc) });
    };
    connection.on('stream', publish);
    const onState = () => {
      if (this.#links.get(peerId) !== link) return;
      if (pc.connectionState === 'connected') {
        void this.#local.encodeFor(pc);
        link.disconnectedSince = undefined;
        this.#redials.delete(peerId);
        this.#setState(peerId, link, 'connected');
        publish();
      } else if (pc.connectionState === 'failed') {
        this.#fail(peerId, link);
      }
    };
    pc.addEventListener('connectionstatechange', onState);
    // The encoding is set as soon as the negotiation is done, before media flows: set later, it
    // restarts an encoder that has started (the first frame comes a keyframe later).
    pc.addEventListener('signalingstatechange', () => {
      if (pc.signalingState === 'stable' && this.#links.get(peerId) === link) void this.#local.encodeFor(pc);
    });
    connection.on('close', () => this.#lost(peerId, link));
    connection.on('error', () => this.#lost(peerId, link));
  }

  /** The dialler offers what changed on a link (its local description, made by the browser). */
  async #offer(link: Link): Promise<void> {
    const { pc, negotiation } = link;
    if (negotiation.offering || pc.signalingState !== 'stable') {
      negotiation.offerAgain = true;
      return;
    }
    negotiation.offering = true;
    negotiation.offerAgain = false;
    try {
      await pc.setLocalDescription();
      if (pc.localDescription) this.#signal(link, { description: pc.localDescription.toJSON() });
    } catch {
      negotiation.offering = false; // The connection closed meanwhile.
    }
  }

  async #onNegotiation(link: Link, text: string): Promise<void> {
    let message: NegotiationMessage;
    try {
      message = JSON.parse(text) as NegotiationMessage;
    } catch {
      return;
    }
    const { pc, negotiation } = link;
    if (typeof message !== 'object' || message === null) return;
    if ('request' in message) {
      if (!negotiation.offerer) return;
      // The answerer's new screen needs an m-line to send on: a receiving one, unless there is one.
      const videos = pc.getTransceivers().filter((t) => t.receiver.track.kind === 'video' && t.currentDirection !== 'stopped');
      if (videos.length < 2) pc.addTransceiver('video', { direction: 'recvonly' });
      await this.#offer(link);
      return;
    }
    const description = message.description;
    if (typeof description !== 'object' || description === null) return;
    try {
      if (description.type === 'offer' && !negotiation.offerer) {
        await pc.setRemoteDescription(description);
        await pc.setLocalDescription();
        if (pc.localDescription) this.#signal(link, { description: pc.localDescription.toJSON() });
      } else if (description.type === 'answer' && negotiation.offerer && negotiation.offering) {
        await pc.setRemoteDescription(description);
        negotiation.offering = false;
        if (negotiation.offerAgain) await this.#offer(link);
      }
    } catch {
      // The connection closed meanwhile.
      negotiation.offering = false;
    }
  }

  #signal(link: Link, message: NegotiationMessage): void {
    const { channel, queued } = link.negotiation;
    const text = JSON.stringify(message);
    if (channel.readyState === 'open') channel.send(text);
    else if (channel.readyState === 'connecting') queued.push(text);
  }

  /**
   * Checks every link: one closed under us (no event fires for a local close), failed, stuck before
   * connecting, or disconnected for too long is given up, and the dialling side dials again.
   */
  #check(): void {
    const now = Date.now();
    for (const [peerId, link] of [...this.#links]) {
      const pc = link.connection.peerConnection;
      if (!pc || pc.signalingState === 'closed' || pc.connectionState === 'closed' || pc.connectionState === 'failed') {
        this.#fail(peerId, link);
      } else if (link.state !== 'connected' && now - link.createdAt > mediaTimeouts.connectMs) {
        this.#fail(peerId, link);
      } else if (pc.connectionState === 'disconnected') {
        link.disconnectedSince ??= now;
        if (now - link.disconnectedSince > mediaTimeouts.disconnectedMs) this.#fail(peerId, link);
      } else {
        link.disconnectedSince = undefined;
      }
    }
  }

  /** Gives a link up: closes it (PeerJS emits no `close` for one that never opened) and handles the loss. */
  #fail(peerId: string, link: Link): void {
    if (this.#links.get(peerId) !== link) return;
    link.connection.close();
    this.#lost(peerId, link);
  }

  #lost(peerId: string, link: Link): void {
    if (this.#links.get(peerId) !== link) return;
    this.#links.delete(peerId);
    this.#local.detach(link.pc);
    this.#setState(peerId, link, 'disconnected');
    if (this.#links.size === 0) {
      clearInterval(this.#watchdog);
      this.#watchdog = undefined;
    }
    if (this.#closed || !this.#wanted.has(peerId) || !dialsFirst(this.#peer.peerId, peerId)) return;
    this.#scheduleRedial(peerId);
  }

  #scheduleRedial(peerId: string): void {
    if (this.#closed || !this.#wanted.has(peerId)) return;
    clearTimeout(this.#redials.get(peerId)?.timer);
    const redial = this.#redials.get(peerId) ?? { attempt: 0 };
    this.#redials.set(peerId, redial);
    const delay = REDIAL_DELAYS_MS[Math.min(redial.attempt++, REDIAL_DELAYS_MS.length - 1)]!;
    redial.timer = setTimeout(() => {
      if (!this.#closed && this.#wanted.has(peerId) && !this.#links.has(peerId)) this.#dial(peerId);
    }, delay);
  }

  #drop(peerId: string): void {
    this.#wanted.delete(peerId);
    clearTimeout(this.#redials.get(peerId)?.timer);
    this.#redials.delete(peerId);
    const link = this.#links.get(peerId);
    if (!link) return;
    this.#links.delete(peerId);
    this.#local.detach(link.pc);
    link.connection.close();
    this.#setState(peerId, link, 'disconnected');
    if (this.#links.size === 0) {
      clearInterval(this.#watchdog);
      this.#watchdog = undefined;
    }
  }

  #setState(peerId: string, link: Link, state: PeerMediaState): void {
    if (link.state === state && state !== 'connecting') return;
    link.state = state;
    this.emit('peerStateChanged', { peerId, state });
  }
}

/** Slots by transceiver order: audio, then the camera's and the screen's video, as offered. */
function remoteMedia(pc: RTCPeerConnection): RemoteMedia {
  const transceivers = pc
    .getTransceivers()
    .filter((t) => t.mid !== null)
    .sort((a, b) => Number(a.mid) - Number(b.mid));
  const audio = transceivers.find((t) => t.receiver.track.kind === 'audio');
  const videos = transceivers.filter((t) => t.receiver.track.kind === 'video');
  const media: RemoteMedia = {};
  if (audio) media.audio = audio.receiver.track;
  if (videos[0]) media.camera = videos[0].receiver.track;
  if (videos[1]) media.screen = videos[1].receiver.track;
  return media;
}
