import { getIdentifierRawId } from '../../common/identifiers.js';
import { TypedEventEmitter } from '../../common/events.js';
import type { RemoteParticipant } from '../remoteParticipant.js';
import type { CallFeature, CallFeatureContext } from './callFeature.js';

/**
 * `Features.MediaStats`, as the ACS Calling SDK has it: collectors that report the call's media
 * statistics every second (`sampleReported`) and aggregated over intervals (`summaryReported`),
 * from `RTCPeerConnection.getStats()` on every connection of the mesh. Besides the ACS fields each
 * entry names the remote participant it is about (`participantId`, the raw id), and each transport
 * says which path the media takes (`path`: `direct` or `relayed`).
 */

/** Fields every stream entry has (ours: `participantId`). */
interface StreamStatsBase<N, S> {
  id: string;
  codecName?: S;
  bitrate?: N;
  jitterInMs?: N;
  packets?: N;
  packetsPerSecond?: N;
  packetsLost?: N;
  packetsLostPerSecond?: N;
  rttInMs?: N;
  transportId?: S;
  /** The raw id of the remote participant this stream goes to or comes from. */
  participantId?: S;
}

export interface OutgoingAudioMediaStats<N, S> extends StreamStatsBase<N, S> {
  audioInputLevel?: N;
}

export interface IncomingAudioMediaStats<N, S> extends StreamStatsBase<N, S> {
  jitterBufferDelayInMs?: N;
  audioOutputLevel?: N;
  healedRatio?: N;
}

export interface OutgoingVideoMediaStats<N, S> extends StreamStatsBase<N, S> {
  frameRateInput?: N;
  frameWidthInput?: N;
  frameHeightInput?: N;
  framesEncoded?: N;
  frameRateEncoded?: N;
  framesSent?: N;
  frameRateSent?: N;
  frameWidthSent?: N;
  frameHeightSent?: N;
  keyFramesEncoded?: N;
}

export interface IncomingVideoMediaStats<N, S> extends StreamStatsBase<N, S> {
  jitterBufferDelayInMs?: N;
  frameRateDecoded?: N;
  frameRateReceived?: N;
  frameWidthReceived?: N;
  frameHeightReceived?: N;
  totalFreezeDurationInMs?: N;
  framesReceived?: N;
  framesDropped?: N;
  framesDecoded?: N;
  keyFramesDecoded?: N;
}

export type OutgoingScreenShareMediaStats<N, S> = OutgoingVideoMediaStats<N, S>;
export type IncomingScreenShareMediaStats<N, S> = IncomingVideoMediaStats<N, S>;

export interface TransportMediaStats<N> {
  id: string;
  rttInMs?: N;
  availableIncomingBitrate?: N;
  availableOutgoingBitrate?: N;
  /** Ours: `relayed` when either end of the selected candidate pair is a TURN relay candidate. */
  path?: 'direct' | 'relayed';
  /** Ours: the raw id of the remote participant this transport connects to. */
  participantId?: string;
}

export interface MediaStatsReportSample {
  audio: { send: OutgoingAudioMediaStats<number, string>[]; receive: IncomingAudioMediaStats<number, string>[] };
  video: { send: OutgoingVideoMediaStats<number, string>[]; receive: IncomingVideoMediaStats<number, string>[] };
  screenShare: { send: OutgoingScreenShareMediaStats<number, string>[]; receive: IncomingScreenShareMediaStats<number, string>[] };
  transports: TransportMediaStats<number>[];
}

export interface MediaStatsAggregation {
  count: number[];
  sum: number[];
  min: number[];
  max: number[];
}

export interface MediaStatValue<T> {
  aggregation?: MediaStatsAggregation;
  raw: T[];
  timestamp: Date;
}

type V<T> = MediaStatValue<T>;
export interface MediaStatsReportSummary {
  audio: { send: OutgoingAudioMediaStats<V<number>, V<string>>[]; receive: IncomingAudioMediaStats<V<number>, V<string>>[] };
  video: { send: OutgoingVideoMediaStats<V<number>, V<string>>[]; receive: IncomingVideoMediaStats<V<number>, V<string>>[] };
  screenShare: {
    send: OutgoingScreenShareMediaStats<V<number>, V<string>>[];
    receive: IncomingScreenShareMediaStats<V<number>, V<string>>[];
  };
  transports: TransportMediaStats<V<number>>[];
}

export interface MediaStatsCollectorOptions {
  /** Seconds of samples aggregated into one data point of a summary (default 10). */
  aggregationInterval?: number;
  /** Data points in each `summaryReported` (default 6): a summary every interval × points seconds. */
  dataPointsPerAggregation?: number;
}

export type MediaStatsCollectorEvents = {
  sampleReported: MediaStatsReportSample;
  summaryReported: MediaStatsReportSummary;
};

/** A sample a second, as the ACS SDK reports them. */
const SAMPLE_MS = 1000;

/** Collects samples and summaries until disposed (or the call ends). */
export class MediaStatsCollector extends TypedEventEmitter<MediaStatsCollectorEvents> {
  readonly #interval: number;
  readonly #points: number;
  readonly #sampler: StatsSampler;
  readonly #samples: { at: Date; sample: MediaStatsReportSample }[] = [];
  readonly #timer: ReturnType<typeof setInterval>;
  #busy = false;
  #disposed = false;
  readonly #onDispose: (collector: MediaStatsCollector) => void;

  /** @internal */
  constructor(context: CallFeatureContext, options: MediaStatsCollectorOptions, onDispose: (collector: MediaStatsCollector) => void) {
    super();
    this.#interval = positiveInteger(options.aggregationInterval, 10, 'aggregationInterval');
    this.#points = positiveInteger(options.dataPointsPerAggregation, 6, 'dataPointsPerAggregation');
    this.#sampler = new StatsSampler(context);
    this.#onDispose = onDispose;
    this.#timer = setInterval(() => void this.#tick(), SAMPLE_MS);
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    clearInterval(this.#timer);
    this.removeAllListeners();
    this.#onDispose(this);
  }

  async #tick(): Promise<void> {
    if (this.#busy || this.#disposed) return;
    this.#busy = true;
    try {
      const sample = await this.#sampler.sample();
      if (this.#disposed) return;
      this.emit('sampleReported', sample);
      this.#samples.push({ at: new Date(), sample });
      if (this.#samples.length >= this.#interval * this.#points) {
        const samples = this.#samples.splice(0);
        this.emit('summaryReported', summarize(samples, this.#interval));
      }
    } finally {
      this.#busy = false;
    }
  }
}

export class MediaStatsCallFeature implements CallFeature {
  readonly name = 'MediaStats';
  readonly #context: CallFeatureContext;
  readonly #collectors = new Set<MediaStatsCollector>();

  /** @internal */
  constructor(context: CallFeatureContext) {
    this.#context = context;
  }

  createCollector(options: MediaStatsCollectorOptions = {}): MediaStatsCollector {
    const collector = new MediaStatsCollector(this.#context, options, (c) => this.#collectors.delete(c));
    this.#collectors.add(collector);
    return collector;
  }

  /** Disposes every collector this feature made. */
  disposeAllCollectors(): void {
    for (const collector of [...this.#collectors]) collector.dispose();
  }

  dispose(): void {
    this.disposeAllCollectors();
  }
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > 3600) {
    throw new RangeError(`MediaStatsCollectorOptions.${name} is a whole number from 1 to 3600 (got ${String(value)}).`);
  }
  return value;
}

interface StatsEntry {
  type: string;
  id: string;
  timestamp: number;
  [key: string]: unknown;
}

type Slot = 'audio' | 'video' | 'screenShare';

/**
 * Turns `getStats()` reports into samples: counters as they are, rates from the difference with the
 * previous report of the same entry (bitrate in bits per second, packets and frames per second).
 */
class StatsSampler {
  readonly #context: CallFeatureContext;
  readonly #previous = new Map<string, StatsEntry>();

  constructor(context: CallFeatureContext) {
    this.#context = context;
  }

  async sample(): Promise<MediaStatsReportSample> {
    const sample: MediaStatsReportSample = {
      audio: { send: [], receive: [] },
      video: { send: [], receive: [] },
      screenShare: { send: [], receive: [] },
      transports: [],
    };
    const seen = new Set<string>();
    const connections = this.#context.peerConnections();
    const reports = await Promise.all(connections.map(({ pc }) => pc.getStats().catch(() => undefined)));
    connections.forEach(({ participant, pc }, index) => {
      const report = reports[index];
      if (report) this.#add(sample, participant, pc, report, seen);
    });
    for (const key of [...this.#previous.keys()]) if (!seen.has(key)) this.#previous.delete(key);
    return sample;
  }

  #add(sample: MediaStatsReportSample, participant: RemoteParticipant, pc: RTCPeerConnection, report: RTCStatsReport, seen: Set<string>) {
    const participantId = getIdentifierRawId(participant.identifier);
    const entries = new Map<string, StatsEntry>();
    report.forEach((value: StatsEntry) => entries.set(value.id, value));
    const slotOfMid = slotsByMid(pc);
    const senderOfMid = new Map(pc.getTransceivers().map((t) => [String(t.mid), t.sender.track !== null]));
    const key = (entry: StatsEntry) => `${participantId}/${entry.id}`;
    const rate = (entry: StatsEntry, field: string, scale = 1): number | undefined => {
      const before = this.#previous.get(key(entry));
      const now = Number(entry[field]);
      if (!before || !Number.isFinite(now) || entry.timestamp <= before.timestamp) return undefined;
      const delta = now - Number(before[field] ?? 0);
      return Math.max(0, (delta * scale * 1000) / (entry.timestamp - before.timestamp));
    };
    const codecOf = (entry: StatsEntry) => {
      const mime = entries.get(entry.codecId as string)?.mimeType;
      return typeof mime === 'string' ? mime.replace(/^[a-z]+\//, '') : undefined;
    };
    const ms = (value: unknown) => (typeof value === 'number' ? value * 1000 : undefined);
    const num = (value: unknown) => (typeof value === 'number' ? value : undefined);
    const transportId = (entry: StatsEntry) =>
      typeof entry.transportId === 'string' ? `${participantId}/${entry.transportId}` : undefined;

    for (const entry of entries.values()) {
      if (entry.type !== 'inbound-rtp' && entry.type !== 'outbound-rtp') continue;
      const slot: Slot | undefined = entry.kind === 'audio' ? 'audio' : slotOfMid.get(String(entry.mid));
      if (!slot) continue;
      const packets = num(entry.type === 'inbound-rtp' ? entry.packetsReceived : entry.packetsSent) ?? 0;
      // A slot with nothing in it (camera off, no share) keeps its RTP entry: leave it out. Sent:
      // its sender has no track; received: no packets came since the last sample.
      if (packets === 0) continue;
      if (entry.type === 'outbound-rtp' && !senderOfMid.get(String(entry.mid))) continue;
      const before = this.#previous.get(key(entry));
      if (entry.type === 'inbound-rtp' && before && Number(before.packetsReceived ?? 0) >= packets) continue;
      seen.add(key(entry));
      const base = {
        id: key(entry),
        participantId,
        codecName: codecOf(entry),
        bitrate: rate(entry, entry.type === 'inbound-rtp' ? 'bytesReceived' : 'bytesSent', 8),
        packets,
        packetsPerSecond: rate(entry, entry.type === 'inbound-rtp' ? 'packetsReceived' : 'packetsSent'),
        transportId: transportId(entry),
      };
      if (entry.type === 'inbound-rtp') {
        const emitted = num(entry.jitterBufferEmittedCount);
        const common = {
          ...base,
          packetsLost: Math.max(0, num(entry.packetsLost) ?? 0),
          packetsLostPerSecond: rate(entry, 'packetsLost'),
          jitterInMs: ms(entry.jitter),
          jitterBufferDelayInMs: emitted ? ((num(entry.jitterBufferDelay) ?? 0) / emitted) * 1000 : undefined,
        };
        if (slot === 'audio') {
          sample.audio.receive.push(compact({ ...common, audioOutputLevel: num(entry.audioLevel) }));
        } else {
          sample[slot].receive.push(
            compact({
              ...common,
              frameRateDecoded: rate(entry, 'framesDecoded'),
              frameRateReceived: num(entry.framesPerSecond) ?? rate(entry, 'framesReceived'),
              frameWidthReceived: num(entry.frameWidth),
              frameHeightReceived: num(entry.frameHeight),
              totalFreezeDurationInMs: ms(entry.totalFreezesDuration),
              framesReceived: num(entry.framesReceived),
              framesDropped: num(entry.framesDropped),
              framesDecoded: num(entry.framesDecoded),
              keyFramesDecoded: num(entry.keyFramesDecoded),
            }),
          );
        }
      } else {
        const remote = [...entries.values()].find((e) => e.type === 'remote-inbound-rtp' && e.localId === entry.id);
        const source = entries.get(entry.mediaSourceId as string);
        const common = {
          ...base,
          rttInMs: ms(remote?.roundTripTime),
          jitterInMs: ms(remote?.jitter),
          packetsLost: remote ? Math.max(0, num(remote.packetsLost) ?? 0) : undefined,
        };
        if (slot === 'audio') {
          sample.audio.send.push(compact({ ...common, audioInputLevel: num(source?.audioLevel) }));
        } else {
          sample[slot].send.push(
            compact({
              ...common,
              frameRateInput: num(source?.framesPerSecond),
              frameWidthInput: num(source?.width),
              frameHeightInput: num(source?.height),
              framesEncoded: num(entry.framesEncoded),
              frameRateEncoded: rate(entry, 'framesEncoded'),
              framesSent: num(entry.framesSent),
              frameRateSent: num(entry.framesPerSecond) ?? rate(entry, 'framesSent'),
              frameWidthSent: num(entry.frameWidth),
              frameHeightSent: num(entry.frameHeight),
              keyFramesEncoded: num(entry.keyFramesEncoded),
            }),
          );
        }
      }
    }

    for (const transport of entries.values()) {
      if (transport.type !== 'transport') continue;
      const pair = entries.get(transport.selectedCandidatePairId as string);
      if (!pair) continue;
      const local = entries.get(pair.localCandidateId as string);
      const remote = entries.get(pair.remoteCandidateId as string);
      sample.transports.push(
        compact({
          id: key(transport),
          participantId,
          rttInMs: ms(pair.currentRoundTripTime),
          availableOutgoingBitrate: num(pair.availableOutgoingBitrate),
          availableIncomingBitrate: num(pair.availableIncomingBitrate),
          path: local?.candidateType === 'relay' || remote?.candidateType === 'relay' ? ('relayed' as const) : ('direct' as const),
        }),
      );
    }
    for (const entry of entries.values()) this.#previous.set(key(entry), entry);
  }
}

/** Video transceivers by mid: the first negotiated is the camera's, the second the screen's. */
function slotsByMid(pc: RTCPeerConnection): Map<string, Slot> {
  const videos = pc
    .getTransceivers()
    .filter((t) => t.mid !== null && (t.receiver.track.kind === 'video' || t.sender.track?.kind === 'video'))
    .sort((a, b) => Number(a.mid) - Number(b.mid));
  const slots = new Map<string, Slot>();
  if (videos[0]) slots.set(videos[0].mid!, 'video');
  if (videos[1]) slots.set(videos[1].mid!, 'screenShare');
  return slots;
}

/** Drops the fields that have no value, so an entry only says what is known. */
function compact<T extends object>(entry: T): T {
  for (const [field, value] of Object.entries(entry)) {
    if (value === undefined) delete (entry as Record<string, unknown>)[field];
  }
  return entry;
}

type Entry = { id: string } & Record<string, unknown>;
type Group = keyof MediaStatsReportSample;

/**
 * The summary of a run of samples: per entry (by id), each field's raw values in order, and for
 * numbers the count, sum, min and max over every `interval` samples (one data point each).
 */
function summarize(samples: { at: Date; sample: MediaStatsReportSample }[], interval: number): MediaStatsReportSummary {
  const lists = (sample: MediaStatsReportSample): [string, Entry[]][] => [
    ['audio.send', sample.audio.send as Entry[]],
    ['audio.receive', sample.audio.receive as Entry[]],
    ['video.send', sample.video.send as Entry[]],
    ['video.receive', sample.video.receive as Entry[]],
    ['screenShare.send', sample.screenShare.send as Entry[]],
    ['screenShare.receive', sample.screenShare.receive as Entry[]],
    ['transports', sample.transports as Entry[]],
  ];
  // list name → entry id → field → values with the index of their sample
  const byList = new Map<string, Map<string, Map<string, { index: number; value: unknown }[]>>>();
  samples.forEach(({ sample }, index) => {
    for (const [name, entries] of lists(sample)) {
      let byId = byList.get(name);
      if (!byId) byList.set(name, (byId = new Map()));
      for (const entry of entries) {
        let fields = byId.get(entry.id);
        if (!fields) byId.set(entry.id, (fields = new Map()));
        for (const [field, value] of Object.entries(entry)) {
          if (field === 'id') continue;
          let values = fields.get(field);
          if (!values) fields.set(field, (values = []));
          values.push({ index, value });
        }
      }
    }
  });
  const timestamp = samples.at(-1)?.at ?? new Date();
  const points = Math.ceil(samples.length / interval);
  const summaryOf = (name: string): Entry[] =>
    [...(byList.get(name) ?? new Map<string, Map<string, { index: number; value: unknown }[]>>()).entries()].map(([id, fields]) => {
      const entry: Entry = { id };
      for (const [field, values] of fields) {
        const raw = values.map((v) => v.value);
        if (!raw.every((v) => typeof v === 'number')) {
          entry[field] = { raw, timestamp };
          continue;
        }
        const aggregation: MediaStatsAggregation = { count: [], sum: [], min: [], max: [] };
        for (let point = 0; point < points; point++) {
          const inPoint = values.filter((v) => Math.floor(v.index / interval) === point).map((v) => v.value as number);
          aggregation.count.push(inPoint.length);
          aggregation.sum.push(inPoint.reduce((a, b) => a + b, 0));
          aggregation.min.push(inPoint.length ? Math.min(...inPoint) : 0);
          aggregation.max.push(inPoint.length ? Math.max(...inPoint) : 0);
        }
        entry[field] = { raw, timestamp, aggregation };
      }
      return entry;
    });
  const group = (prefix: Exclude<Group, 'transports'>) => ({ send: summaryOf(`${prefix}.send`), receive: summaryOf(`${prefix}.receive`) });
  return {
    audio: group('audio'),
    video: group('video'),
    screenShare: group('screenShare'),
    transports: summaryOf('transports'),
  } as unknown as MediaStatsReportSummary;
}
