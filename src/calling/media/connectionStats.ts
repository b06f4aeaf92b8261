/**
 * Which path a peer connection's media takes and how well, from `RTCPeerConnection.getStats()`:
 * the selected candidate pair (direct: host, srflx or prflx on both ends; relayed: a TURN relay on
 * either end), its round-trip time, and the inbound RTP counters.
 */
export type MediaPath = 'direct' | 'relayed' | 'unknown';

export interface ConnectionStats {
  /** `relayed` when either end of the selected candidate pair is a TURN relay candidate. */
  path: MediaPath;
  /** Candidate types of the selected pair (`host`, `srflx`, `prflx`, `relay`). */
  localCandidateType?: string;
  remoteCandidateType?: string;
  /** The selected pair's current round-trip time (STUN consent checks), in milliseconds. */
  roundTripTimeMs?: number;
  /** Inbound RTP over audio and video: packets received and lost, and the lost fraction (0-1). */
  packetsReceived: number;
  packetsLost: number;
  packetLossFraction: number;
  /** Video frames decoded so far. */
  framesDecoded: number;
}

interface StatsEntry {
  type: string;
  id: string;
  [key: string]: unknown;
}

export async function connectionStatsOf(pc: RTCPeerConnection): Promise<ConnectionStats> {
  const report = await pc.getStats();
  const entries = new Map<string, StatsEntry>();
  report.forEach((value: StatsEntry) => entries.set(value.id, value));
  let pair: StatsEntry | undefined;
  for (const entry of entries.values()) {
    if (entry.type === 'transport' && typeof entry.selectedCandidatePairId === 'string') {
      pair = entries.get(entry.selectedCandidatePairId);
      if (pair) break;
    }
  }
  // Browsers without transport stats mark the selected pair itself.
  pair ??= [...entries.values()].find(
    (entry) => entry.type === 'candidate-pair' && (entry.selected === true || (entry.nominated === true && entry.state === 'succeeded')),
  );
  const local = pair ? entries.get(pair.localCandidateId as string) : undefined;
  const remote = pair ? entries.get(pair.remoteCandidateId as string) : undefined;
  const localType = local?.candidateType as string | undefined;
  const remoteType = remote?.candidateType as string | undefined;
  let packetsReceived = 0;
  let packetsLost = 0;
  let framesDecoded = 0;
  for (const entry of entries.values()) {
    if (entry.type !== 'inbound-rtp') continue;
    packetsReceived += Number(entry.packetsReceived ?? 0);
    packetsLost += Math.max(0, Number(entry.packetsLost ?? 0));
    framesDecoded += Number(entry.framesDecoded ?? 0);
  }
  const rtt = pair?.currentRoundTripTime;
  return {
    path: !localType || !remoteType ? 'unknown' : localType === 'relay' || remoteType === 'relay' ? 'relayed' : 'direct',
    ...(localType ? { localCandidateType: localType } : {}),
    ...(remoteType ? { remoteCandidateType: remoteType } : {}),
    ...(typeof rtt === 'number' ? { roundTripTimeMs: rtt * 1000 } : {}),
    packetsReceived,
    packetsLost,
    packetLossFraction: packetsReceived + packetsLost === 0 ? 0 : packetsLost / (packetsReceived + packetsLost),
    framesDecoded,
  };
}
