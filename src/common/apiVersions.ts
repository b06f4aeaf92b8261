/**
 * The `api-version` values each API accepts, shared by the service (which refuses any other with
 * 400 UnsupportedApiVersion, as ACS does) and the clients (which send each API's `current`).
 *
 * - identity: GA versions of the ACS identity REST API (azure-rest-api-specs
 *   `specification/communication/data-plane/Identity/stable/*`); 2023-10-01 is what
 *   `@azure/communication-identity` 1.3.1 sends (1.0.0 sent 2021-03-07, 1.1.0-beta.2
 *   2021-10-31-preview, 1.1.0 2022-06-01, 1.2.0 2022-10-01), and the preview 2025-03-02-preview that
 *   adds `customId` on create. Our calling-application routes are an identity extension and take
 *   the same versions.
 * - chat: GA versions of the ACS chat REST API (`.../Chat/stable/*`); 2025-03-15 is what
 *   `@azure/communication-chat` 1.6.0 sends.
 * - networkTraversal: the ACS network-traversal (TURN relay) REST API's versions; 2022-03-01-preview
 *   is what `@azure/communication-network-traversal` 1.1.0-beta.1 sends (the API never went GA).
 * - calling: our own calling control API (not an ACS REST API), one version so far.
 * - sms: 2021-03-07 (what `@azure/communication-sms` 1.1.0 and our client send) and
 *   2025-05-29-preview (what 1.2.0-beta.4 sends: opt-outs, `messagingConnect`).
 * - phoneNumbers: 2025-06-01 is what `@azure/communication-phone-numbers` 1.5.0 sends (also to
 *   `/availablePhoneNumbers` and `/operatorInformation`); our acquire and assign routes are extensions.
 * - rooms: the GA versions of the ACS rooms REST API (`.../Rooms/stable/*`): 2023-06-14 (what
 *   `@azure/communication-rooms` 1.0.0 sends), 2024-04-15 (1.1.0: `pstnDialOutEnabled`) and
 *   2025-03-13 (1.2.0: the `Collaborator` role).
 */
export const API_VERSIONS = {
  identity: {
    current: '2023-10-01',
    supported: ['2021-03-07', '2021-10-31-preview', '2022-06-01', '2022-10-01', '2023-08-01', '2023-10-01', '2025-03-02-preview'],
  },
  chat: { current: '2025-03-15', supported: ['2021-03-07', '2021-09-07', '2023-11-07', '2024-03-07', '2025-03-15'] },
  networkTraversal: { current: '2022-03-01-preview', supported: ['2021-06-21-preview', '2021-10-08-preview', '2022-03-01-preview'] },
  calling: { current: '2026-11-01', supported: ['2026-11-01'] },
  phoneNumbers: { current: '2025-06-01', supported: ['2025-06-01'] },
  sms: { current: '2021-03-07', supported: ['2021-03-07', '2025-05-29-preview'] },
  rooms: { current: '2025-03-13', supported: ['2023-06-14', '2024-04-15', '2025-03-13'] },
} as const satisfies Record<string, { current: string; supported: readonly string[] }>;

export type VersionedApi = keyof typeof API_VERSIONS;

/** Which API a service path belongs to, by its first segment; `undefined` for unversioned paths. */
export function apiOfPath(pathname: string): VersionedApi | undefined {
  const segment = /^\/([^/]+)/.exec(pathname)?.[1];
  switch (segment) {
    case 'identities':
    case 'applications':
      return 'identity';
    case 'chat':
      return 'chat';
    case 'calling':
      return 'calling';
    case 'networkTraversal':
      return 'networkTraversal';
    case 'phoneNumbers':
    case 'availablePhoneNumbers':
    case 'operatorInformation':
      return 'phoneNumbers';
    case 'sms':
      return 'sms';
    case 'rooms':
      return 'rooms';
    default:
      return undefined;
  }
}

export function isSupportedApiVersion(api: VersionedApi, version: string): boolean {
  return (API_VERSIONS[api].supported as readonly string[]).includes(version);
}
