import { CALLING_ENDPOINT_ID_RULE, isCallingEndpointId } from '../common/realtimeProtocol.js';

/**
 * PeerJS ids for calling endpoints. A PeerJS id allows only letters and digits joined by single
 * `-`, `_` or spaces, so a user's raw id (`8:acs:...`) is carried hex-encoded: `p<hex(rawId)>-<endpointId>`.
 * The service decodes it to check that a peer registers only an id of its own token's user.
 */
const PEER_ID = /^p([0-9a-f]+)-(.+)$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function peerIdFor(userRawId: string, endpointId: string): string {
  if (!isCallingEndpointId(endpointId)) throw new TypeError(CALLING_ENDPOINT_ID_RULE);
  const hex = Array.from(encoder.encode(userRawId), (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `p${hex}-${endpointId}`;
}

/** The user and endpoint a peer id names, or `undefined` for anything that is not such an id. */
export function parsePeerId(peerId: string): { userRawId: string; endpointId: string } | undefined {
  const match = PEER_ID.exec(peerId);
  if (!match || match[1]!.length % 2 !== 0 || !isCallingEndpointId(match[2])) return undefined;
  const bytes = new Uint8Array(match[1]!.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(match[1]!.slice(i * 2, i * 2 + 2), 16);
  try {
    return { userRawId: decoder.decode(bytes), endpointId: match[2]! };
  } catch {
    return undefined;
  }
}

/** Which side of a pair dials: the lower peer id, so a pair never dials twice. */
export function dialsFirst(ownPeerId: string, otherPeerId: string): boolean {
  return ownPeerId < otherPeerId;
}
