/**
 * The Rooms API's wire details the official SDK does not reach: every bad input's 4xx (and that it
 * writes nothing), merge-patch semantics, paging, repeatable creates, api-version differences,
 * admin-only auth, users deleted from every room, durability, and the interface calling uses
 * (`roomAccess`, `onParticipantChanged`).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, test } from 'node:test';
import type { RoomParticipantChange } from '../../mock-server/rooms/roomModels.js';
import type { RunningService } from '../../mock-server/service.js';
import { withDataDir, withService } from '../kit/node.js';
import { type JsonResponse, adminRequest, assertError, chatUser, plainRequest, stateSnapshot, userRequest } from '../kit/serverHelpers.js';

const DAY_MS = 24 * 60 * 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const MERGE_PATCH = { headers: { 'content-type': 'application/merge-patch+json' } };

interface RoomBody {
  id: string;
  createdAt: string;
  validFrom: string;
  validUntil: string;
  pstnDialOutEnabled?: boolean;
}
interface Listing<T> {
  value: T[];
  nextLink?: string;
}

async function createRoom(service: RunningService, body: Record<string, unknown> = {}): Promise<RoomBody> {
  const response = await adminRequest<RoomBody>(service, 'POST', '/rooms', body);
  assert.equal(response.status, 201, response.text);
  return response.body;
}

function patchParticipants(service: RunningService, roomId: string, participants: unknown): Promise<JsonResponse> {
  return adminRequest(service, 'PATCH', `/rooms/${roomId}/participants`, { participants }, MERGE_PATCH);
}

async function participantsOf(service: RunningService, roomId: string): Promise<[string, string][]> {
  const response = await adminRequest<Listing<{ rawId: string; role: string }>>(service, 'GET', `/rooms/${roomId}/participants`);
  assert.equal(response.status, 200, response.text);
  return response.body.value.map((p) => [p.rawId, p.role]);
}

/** Every page of a list, following nextLink (signed again, as the SDK signs each request). */
async function allPages<T>(service: RunningService, path: string): Promise<T[][]> {
  const pages: T[][] = [];
  let next: string | undefined = path;
  while (next !== undefined) {
    const url = new URL(next, service.endpoint);
    const response: JsonResponse<Listing<T>> = await adminRequest<Listing<T>>(service, 'GET', url.pathname + url.search, undefined, {
      apiVersion: url.searchParams.has('api-version') ? null : undefined,
    });
    assert.equal(response.status, 200, response.text);
    pages.push(response.body.value);
    if (response.body.nextLink !== undefined) assert.match(response.body.nextLink, /^http:\/\/127\.0\.0\.1:\d+\/rooms/);
    next = response.body.nextLink;
  }
  return pages;
}

/** ACS's answer for a window it refuses: a generic message and a detail naming ValidUntil. */
function assertWindowError(response: JsonResponse, detail: RegExp): void {
  assert.equal(response.status, 400, response.text);
  const { error } = response.body as {
    error: { code: string; message: string; details: { code: string; message: string; target: string }[] };
  };
  assert.equal(error.code, 'BadRequest');
  assert.match(error.message, /malformed syntax/);
  assert.equal(error.details.length, 1);
  assert.equal(error.details[0]!.code, 'BadArgument');
  assert.equal(error.details[0]!.target, 'ValidUntil');
  assert.match(error.details[0]!.message, detail);
}

describe('rooms: bad input gets its 4xx and changes nothing', () => {
  const service = withService();
  let room: RoomBody;
  let member: string;
  let other: string;
  before(async () => {
    member = service().identities.createUser().id;
    other = service().identities.createUser().id;
    room = await createRoom(service(), { participants: { [member]: { role: 'Presenter' } } });
  });

  interface Case {
    name: string;
    method: string;
    path: () => string;
    /** The body, or a function making it (for ids the hooks create). */
    body?: unknown;
    apiVersion?: string | null;
    headers?: Record<string, string>;
    status: number;
    code?: string;
    /** The error carries ACS's `details` (window errors): checked by `assertWindowError`. */
    window?: RegExp;
    message?: RegExp;
  }
  const now = Date.now();
  const rooms = () => '/rooms';
  const theRoom = () => `/rooms/${room.id}`;
  const itsParticipants = () => `/rooms/${room.id}/participants`;
  const unknownUser = () => `8:acs:${service().secrets.resourceId}_00000000-0000-4000-8000-000000000000`;
  const cases: Case[] = [
    { name: 'create: malformed JSON', method: 'POST', path: rooms, body: '{"validFrom":', status: 400, code: 'InvalidJson' },
    { name: 'create: an array', method: 'POST', path: rooms, body: '[]', status: 400, code: 'InvalidJson' },
    { name: 'create: no body', method: 'POST', path: rooms, status: 400, code: 'MissingBody' },
    {
      name: 'create: an unknown field',
      method: 'POST',
      path: rooms,
      body: { roomJoinPolicy: 'InviteOnly' },

      status: 400,
      code: 'ValidationError',
    },
    { name: 'create: validFrom a number', method: 'POST', path: rooms, body: { validFrom: now }, status: 400, code: 'ValidationError' },

    { name: 'create: validFrom not a date', method: 'POST', path: rooms, body: { validFrom: 'tomorrow' }, status: 400, code: 'BadRequest' },

    {
      name: 'create: validUntil without a time zone',
      method: 'POST',
      path: rooms,
      body: { validUntil: '2030-01-01T00:00:00' },

      status: 400,
      code: 'BadRequest',
    },
    {
      name: 'create: validUntil in the past',
      method: 'POST',
      path: rooms,
      body: { validUntil: iso(now - 1000) },

      status: 400,
      window: /end is in the past/,
    },
    {
      name: 'create: longer than 180 days',
      method: 'POST',
      path: rooms,
      body: { validFrom: iso(now + DAY_MS), validUntil: iso(now + 181 * DAY_MS + 1000) },

      status: 400,
      window: /larger than 180 days/,
    },
    {
      name: 'create: ends when it starts',
      method: 'POST',
      path: rooms,
      body: { validFrom: iso(now + DAY_MS), validUntil: iso(now + DAY_MS) },

      status: 400,
      window: /incorrect/,
    },
    {
      name: 'create: starts after the default end',
      method: 'POST',
      path: rooms,
      body: { validFrom: iso(now + 190 * DAY_MS) },

      status: 400,
      window: /incorrect/,
    },
    {
      name: 'create: pstnDialOutEnabled a string',
      method: 'POST',
      path: rooms,
      body: { pstnDialOutEnabled: 'yes' },

      status: 400,
      code: 'BadRequest',
    },
    {
      name: 'create: pstnDialOutEnabled under 2023-06-14',
      method: 'POST',
      path: rooms,
      body: { pstnDialOutEnabled: true },

      apiVersion: '2023-06-14',
      status: 400,
      code: 'ValidationError',
    },
    {
      name: 'create: participants an array',
      method: 'POST',
      path: rooms,
      body: () => ({ participants: [member] }),
      status: 400,
      code: 'BadRequest',
    },
    {
      name: 'create: a participant a string',
      method: 'POST',
      path: rooms,
      body: () => ({ participants: { [member]: 'Presenter' } }),
      status: 400,
      code: 'BadRequest',
    },
    {
      name: 'create: a participant with an unknown field',
      method: 'POST',
      path: rooms,
      body: () => ({ participants: { [member]: { role: 'Presenter', displayName: 'x' } } }),
      status: 400,
      code: 'ValidationError',
    },
    {
      name: 'create: a role that is none',
      method: 'POST',
      path: rooms,
      body: () => ({ participants: { [member]: { role: 'Kafka' } } }),
      status: 400,
      code: 'BadRequest',
    },
    {
      name: 'create: Collaborator under 2024-04-15',
      method: 'POST',
      path: rooms,
      body: () => ({ participants: { [member]: { role: 'Collaborator' } } }),
      apiVersion: '2024-04-15',
      status: 400,
      code: 'BadRequest',
    },
    {
      name: 'create: a raw id that is no communication user',
      method: 'POST',
      path: rooms,
      body: { participants: { wrong_mri: { role: 'Attendee' } } },

      status: 400,
      code: 'BadRequest',
      message: /Invalid format for communication identifier/,
    },
    {
      name: 'create: a phone number',
      method: 'POST',
      path: rooms,
      body: { participants: { '4:+14255550100': { role: 'Attendee' } } },

      status: 400,
      code: 'BadRequest',
    },
    {
      name: 'create: a calling application',
      method: 'POST',
      path: rooms,
      body: { participants: { [`28:acs:${'x'}_${randomUUID()}`]: { role: 'Attendee' } } },

      status: 400,
      code: 'BadRequest',
    },
    {
      name: 'create: a user that does not exist, beside one that does',
      method: 'POST',
      path: rooms,
      body: () => ({ participants: { [member]: { role: 'Attendee' }, [`8:acs:${'r'}_${randomUUID()}`]: { role: 'Attendee' } } }),
      status: 400,
      code: 'BadRequest',
      message: /Invalid value for the Participants/,
    },
    {
      name: 'create: Repeatability-Request-ID not a UUID',
      method: 'POST',
      path: rooms,
      body: {},

      headers: { 'repeatability-request-id': 'again', 'repeatability-first-sent': new Date().toUTCString() },
      status: 400,
      code: 'BadRequest',
    },
    {
      name: 'create: Repeatability-First-Sent not a date',
      method: 'POST',
      path: rooms,
      body: {},

      headers: { 'repeatability-request-id': randomUUID(), 'repeatability-first-sent': 'yesterday' },
      status: 400,
      code: 'BadRequest',
    },
    {
      name: 'get: an id too short',
      method: 'GET',
      path: () => '/rooms/123',
      status: 400,
      code: 'BadRequest',
      message: /Invalid room ID length/,
    },
    { name: 'get: an id too long', method: 'GET', path: () => `/rooms/${'9'.repeat(40)}`, status: 400, code: 'BadRequest' },
    { name: 'get: no such room', method: 'GET', path: () => '/rooms/99000000000000000', status: 404, code: 'NotFound' },
    { name: 'delete: an id too short', method: 'DELETE', path: () => '/rooms/invalid_id', status: 400, code: 'BadRequest' },
    { name: 'update: no such room', method: 'PATCH', path: () => '/rooms/99000000000000000', body: {}, status: 404, code: 'NotFound' },

    {
      name: 'update: participants are not a room field',
      method: 'PATCH',
      path: theRoom,
      body: { participants: {} },

      status: 400,
      code: 'ValidationError',
    },
    {
      name: 'update: validUntil in the past',
      method: 'PATCH',
      path: theRoom,
      body: { validUntil: iso(now - DAY_MS) },

      status: 400,
      window: /end is in the past/,
    },
    {
      name: 'update: validFrom after validUntil',
      method: 'PATCH',
      path: theRoom,
      body: { validFrom: iso(now + 200 * DAY_MS) },

      status: 400,
      window: /incorrect/,
    },
    { name: 'update: no body', method: 'PATCH', path: theRoom, status: 400, code: 'MissingBody' },
    {
      name: 'participants: no such room',
      method: 'PATCH',
      path: () => '/rooms/99000000000000000/participants',
      body: { participants: {} },

      status: 404,
    },
    {
      name: 'participants: not an object',
      method: 'PATCH',
      path: itsParticipants,
      body: { participants: 'all' },

      status: 400,
      code: 'BadRequest',
    },
    {
      name: 'participants: removing a raw id that is none',
      method: 'PATCH',
      path: itsParticipants,
      body: { participants: { wrong_mri: null } },

      status: 400,
      code: 'BadRequest',
      message: /Invalid value for the Participants/,
    },
    {
      name: 'participants: an unknown user beside a valid change (all or nothing)',
      method: 'PATCH',
      path: itsParticipants,
      body: () => ({
        participants: { [member]: { role: 'Consumer' }, [other]: { role: 'Attendee' }, [unknownUser()]: { role: 'Attendee' } },
      }),
      status: 400,
      message: /Invalid value for the Participants/,
    },
    {
      name: 'participants: a user of another resource',
      method: 'PATCH',
      path: itsParticipants,
      body: { participants: { [`8:acs:11111111-2222-4333-8444-555555555555_${randomUUID()}`]: { role: 'Attendee' } } },

      status: 400,
    },
    {
      name: 'participants: an unknown top-level field',
      method: 'PATCH',
      path: itsParticipants,
      body: () => ({ members: {} }),
      status: 400,
      code: 'ValidationError',
    },
    {
      name: 'list: a continuation that is no offset',
      method: 'GET',
      path: () => '/rooms?continuationToken=abc',
      status: 400,
      code: 'ValidationError',
    },
    {
      name: 'list participants: a negative continuation',
      method: 'GET',
      path: () => `/rooms/${room.id}/participants?continuationToken=-2`,
      status: 400,
      code: 'ValidationError',
    },
    {
      name: 'an api-version rooms never had',
      method: 'GET',
      path: rooms,
      apiVersion: '2022-02-01',
      status: 400,
      code: 'UnsupportedApiVersion',
    },
    { name: 'no api-version', method: 'GET', path: rooms, apiVersion: null, status: 400, code: 'MissingApiVersionParameter' },
  ];

  for (const c of cases) {
    test(c.name, async () => {
      const before = stateSnapshot(service());
      const body: unknown = typeof c.body === 'function' ? (c.body as () => unknown)() : c.body;
      const response = await adminRequest(service(), c.method, c.path(), body, {
        ...(c.apiVersion !== undefined ? { apiVersion: c.apiVersion } : {}),
        ...(c.headers ? { headers: c.headers } : {}),
      });
      if (c.window) assertWindowError(response, c.window);
      else assertError(response, c.status, c.code);
      if (c.message) assert.match((response.body as { error: { message: string } }).error.message, c.message);
      assert.deepEqual(stateSnapshot(service()), before);
    });
  }

  test('more participants than a room holds (350) is a 400, and none of them is added', async () => {
    const many = Object.fromEntries(Array.from({ length: 350 }, () => [service().identities.createUser().id, { role: 'Attendee' }]));
    const before = stateSnapshot(service());
    assertError(await patchParticipants(service(), room.id, many), 400, 'BadRequest');
    assertError(await adminRequest(service(), 'POST', '/rooms', { participants: { ...many, [other]: {} } }), 400, 'BadRequest');
    assert.deepEqual(stateSnapshot(service()), before);
  });
});

describe('rooms: merge-patch participants, room updates, paging, headers', () => {
  const service = withService({ rooms: { pageSize: 2, participantsPageSize: 2 } });

  test('a role adds or changes a participant (keeping their place), null removes, absent or null roles are Attendee', async () => {
    const [a, b, c, d] = [0, 1, 2, 3].map(() => service().identities.createUser().id) as [string, string, string, string];
    const room = await createRoom(service(), { participants: { [a]: { role: 'Presenter' }, [b]: {}, [d]: null } });
    assert.deepEqual(await participantsOf(service(), room.id), [
      [a, 'Presenter'],
      [b, 'Attendee'],
    ]);
    const response = await patchParticipants(service(), room.id, { [a]: { role: 'Consumer' }, [c]: { role: null }, [b]: null });
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(response.body, {});
    assert.deepEqual(await participantsOf(service(), room.id), [
      [a, 'Consumer'],
      [c, 'Attendee'],
    ]);
    // Removing someone not in the room, an empty patch and no participants at all change nothing.
    const before = stateSnapshot(service());
    for (const body of [{ participants: { [b]: null, [d]: null } }, { participants: {} }, {}]) {
      const noop = await adminRequest(service(), 'PATCH', `/rooms/${room.id}/participants`, body, MERGE_PATCH);
      assert.equal(noop.status, 200, noop.text);
    }
    assert.deepEqual(stateSnapshot(service()), before);
  });

  test('PATCH /rooms/{id} changes only the fields given; null keeps a field as it was', async () => {
    const validFrom = Date.now() + DAY_MS;
    const room = await createRoom(service(), { validFrom: iso(validFrom), validUntil: iso(validFrom + DAY_MS) });
    const onlyDialOut = await adminRequest<RoomBody>(
      service(),
      'PATCH',
      `/rooms/${room.id}`,
      { pstnDialOutEnabled: true, validFrom: null },
      MERGE_PATCH,
    );
    assert.equal(onlyDialOut.status, 200, onlyDialOut.text);
    assert.deepEqual(onlyDialOut.body, { ...room, pstnDialOutEnabled: true });
    const later = await adminRequest<RoomBody>(service(), 'PATCH', `/rooms/${room.id}`, { validUntil: iso(validFrom + 180 * DAY_MS) });
    assert.equal(later.status, 200, later.text);
    assert.deepEqual(later.body, { ...room, pstnDialOutEnabled: true, validUntil: iso(validFrom + 180 * DAY_MS) });
    const got = await adminRequest<RoomBody>(service(), 'GET', `/rooms/${room.id}`);
    assert.deepEqual(got.body, later.body);
  });

  test('lists page through absolute nextLinks that keep the api-version', async () => {
    const known = new Set<string>();
    for (const page of await allPages<RoomBody>(service(), '/rooms')) for (const r of page) known.add(r.id);
    const created = [await createRoom(service()), await createRoom(service()), await createRoom(service())];
    const pages = await allPages<RoomBody>(service(), '/rooms');
    assert.ok(pages.slice(0, -1).every((page) => page.length === 2));
    const ids = pages.flat().map((r) => r.id);
    assert.deepEqual(
      ids.slice(-3),
      created.map((r) => r.id),
      'creation order',
    );
    assert.equal(new Set(ids).size, ids.length, 'each room once');
    assert.equal(ids.length, known.size + 3);
    const first = await adminRequest<Listing<RoomBody>>(service(), 'GET', '/rooms');
    assert.match(first.body.nextLink ?? '', /[?&]api-version=2025-03-13(&|$)/);

    const users = [0, 1, 2, 3, 4].map(() => service().identities.createUser().id);
    const room = await createRoom(service(), { participants: Object.fromEntries(users.map((id) => [id, { role: 'Attendee' }])) });
    const participantPages = await allPages<{ rawId: string }>(service(), `/rooms/${room.id}/participants`);
    assert.deepEqual(
      participantPages.map((page) => page.length),
      [2, 2, 1],
    );
    assert.deepEqual(
      participantPages.flat().map((p) => p.rawId),
      users,
    );
  });

  test('a room or a participant removed between two pages makes the next page skip no one', async () => {
    const created = [await createRoom(service()), await createRoom(service()), await createRoom(service()), await createRoom(service())];
    const pages = await allPages<RoomBody>(service(), '/rooms');
    const ids = pages.flat().map((r) => r.id);
    // The page holding the first two of these: delete its first room, then read on from its nextLink.
    const index = ids.indexOf(created[0]!.id);
    const pageStart = index - (index % 2);
    const url = new URL('/rooms', service().endpoint);
    let response = await adminRequest<Listing<RoomBody>>(service(), 'GET', url.pathname);
    for (let i = 0; i < pageStart / 2; i++) {
      const next = new URL(response.body.nextLink!);
      response = await adminRequest<Listing<RoomBody>>(service(), 'GET', next.pathname + next.search, undefined, { apiVersion: null });
    }
    const deleted = response.body.value[0]!.id;
    assert.equal((await adminRequest(service(), 'DELETE', `/rooms/${deleted}`)).status, 204);
    const rest = new URL(response.body.nextLink!);
    const after = (await allPages<RoomBody>(service(), rest.pathname + rest.search)).flat().map((r) => r.id);
    assert.deepEqual(after, ids.slice(pageStart + 2));

    const users = [0, 1, 2, 3].map(() => service().identities.createUser().id);
    const room = await createRoom(service(), { participants: Object.fromEntries(users.map((id) => [id, {}])) });
    const first = await adminRequest<Listing<{ rawId: string }>>(service(), 'GET', `/rooms/${room.id}/participants`);
    await patchParticipants(service(), room.id, { [users[0]!]: null });
    const next = new URL(first.body.nextLink!);
    const tail = (await allPages<{ rawId: string }>(service(), next.pathname + next.search)).flat().map((p) => p.rawId);
    assert.deepEqual(tail, users.slice(2));
  });

  test('create answers 201 with Location; a repeated Repeatability-Request-ID gets the first room back and makes no other', async () => {
    const requestId = randomUUID();
    const headers = { 'repeatability-request-id': requestId, 'repeatability-first-sent': new Date().toUTCString() };
    const first = await adminRequest<RoomBody>(service(), 'POST', '/rooms', { pstnDialOutEnabled: true }, { headers });
    assert.equal(first.status, 201, first.text);
    assert.equal(first.headers.get('location'), first.body.id);
    assert.equal(first.headers.get('repeatability-result'), 'accepted');
    const before = stateSnapshot(service());
    const again = await adminRequest<RoomBody>(service(), 'POST', '/rooms', { pstnDialOutEnabled: true }, { headers });
    assert.equal(again.status, 201, again.text);
    assert.deepEqual(again.body, first.body);
    assert.deepEqual(stateSnapshot(service()), before);
    const plain = await adminRequest(service(), 'POST', '/rooms', {});
    assert.equal(plain.headers.get('repeatability-result'), null);
  });

  test('api-version 2023-06-14 has no pstnDialOutEnabled in its answers; every version sees the same rooms', async () => {
    const room = await createRoom(service(), { pstnDialOutEnabled: true });
    const old = await adminRequest<RoomBody>(service(), 'GET', `/rooms/${room.id}`, undefined, { apiVersion: '2023-06-14' });
    assert.equal(old.status, 200, old.text);
    const { pstnDialOutEnabled: _pstn, ...withoutDialOut } = room;
    assert.deepEqual(old.body, withoutDialOut);
    const middle = await adminRequest<RoomBody>(service(), 'GET', `/rooms/${room.id}`, undefined, { apiVersion: '2024-04-15' });
    assert.deepEqual(middle.body, room);
  });

  test('DELETE removes the room and its participants, and answers 204 again for a room already gone', async () => {
    const user = service().identities.createUser().id;
    const room = await createRoom(service(), { participants: { [user]: { role: 'Presenter' } } });
    for (let i = 0; i < 2; i++) {
      const response = await adminRequest(service(), 'DELETE', `/rooms/${room.id}`);
      assert.equal(response.status, 204, response.text);
      assert.equal(response.text, '');
    }
    assertError(await adminRequest(service(), 'GET', `/rooms/${room.id}`), 404, 'NotFound');
    assertError(await adminRequest(service(), 'GET', `/rooms/${room.id}/participants`), 404, 'NotFound');
    assert.equal(service().db.prepare('SELECT COUNT(*) AS n FROM room_participants WHERE room_id = ?').pluck().get(room.id), 0);
  });
});

describe('rooms: admin only', () => {
  const service = withService();

  test('a user access token, no credential, another key or a tampered body are 401 on every rooms route, and change nothing', async () => {
    const room = await createRoom(service());
    const user = await chatUser(service(), ['chat', 'voip']);
    const routes = service().routes.filter((route) => route.api === 'rooms');
    assert.equal(routes.length, 7);
    const before = stateSnapshot(service());
    for (const route of routes) {
      const path = route.template.replace('{roomId}', room.id);
      const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
      assertError(await userRequest(service(), user.token, route.method, path, body), 401);
      assertError(await userRequest(service(), undefined, route.method, path, body), 401);
      assertError(await adminRequest(service(), route.method, path, body, { key: Buffer.from('k'.repeat(32)).toString('base64') }), 401);
      if (body) assertError(await adminRequest(service(), route.method, path, body, { tamperBody: '{"pstnDialOutEnabled":true}' }), 401);
      assert.equal(route.auth, 'hmac');
    }
    assert.deepEqual(stateSnapshot(service()), before);
    // The CORS preflight of a browser page is answered, as for the other ACS APIs.
    const preflight = await plainRequest(service(), 'OPTIONS', '/rooms', { headers: { origin: 'https://app.example' } });
    assert.equal(preflight.status, 204);
  });
});

describe('rooms: the interface calling uses', () => {
  const service = withService();

  test('roomAccess: the role while the room is valid; NoSuchRoom, NotInRoom, NotYetValid, Expired otherwise', async () => {
    const [inside, outside] = [service().identities.createUser().id, service().identities.createUser().id];
    const validFrom = Date.now() + DAY_MS;
    const validUntil = validFrom + DAY_MS;
    const room = await createRoom(service(), {
      validFrom: iso(validFrom),
      validUntil: iso(validUntil),
      participants: { [inside]: { role: 'Presenter' } },
    });
    const rooms = service().rooms;
    assert.deepEqual(rooms.roomAccess(room.id, inside, validFrom), { role: 'Presenter' });
    assert.deepEqual(rooms.roomAccess(room.id, inside, validUntil - 1), { role: 'Presenter' });
    assert.deepEqual(rooms.roomAccess(room.id, inside), { denied: 'NotYetValid' });
    assert.deepEqual(rooms.roomAccess(room.id, inside, validUntil), { denied: 'Expired' });
    assert.deepEqual(rooms.roomAccess(room.id, outside, validFrom), { denied: 'NotInRoom' });
    // An outsider does not learn the room's window.
    assert.deepEqual(rooms.roomAccess(room.id, outside), { denied: 'NotInRoom' });
    assert.deepEqual(rooms.roomAccess('99000000000000000', inside), { denied: 'NoSuchRoom' });
    assert.deepEqual(rooms.roomAccess('no room id', inside), { denied: 'NoSuchRoom' });
  });

  test('onParticipantChanged tells of additions, role changes, removals, room and user deletions, after the commit, and nothing for a refused change', async () => {
    const changes: RoomParticipantChange[] = [];
    const stop = service().rooms.onParticipantChanged((change) => changes.push(change));
    const [a, b] = [service().identities.createUser().id, service().identities.createUser().id];
    const room = await createRoom(service(), { participants: { [a]: { role: 'Attendee' } } });
    const other = await createRoom(service(), { participants: { [b]: { role: 'Consumer' } } });
    await patchParticipants(service(), room.id, { [a]: { role: 'Presenter' }, [b]: { role: 'Collaborator' } });
    // Same role again: no change, no event. A refused patch: no event.
    await patchParticipants(service(), room.id, { [a]: { role: 'Presenter' } });
    assertError(await patchParticipants(service(), room.id, { [a]: { role: 'Consumer' }, wrong: null }), 400);
    await patchParticipants(service(), room.id, { [a]: null });
    const deleteUser = await adminRequest(service(), 'DELETE', `/identities/${encodeURIComponent(b)}`);
    assert.equal(deleteUser.status, 204, deleteUser.text);
    await patchParticipants(service(), room.id, { [a]: { role: 'Consumer' } });
    await adminRequest(service(), 'DELETE', `/rooms/${room.id}`);
    stop();
    await patchParticipants(service(), other.id, { [a]: { role: 'Attendee' } });
    assert.deepEqual(
      changes.map(({ roomId, rawId, role, previousRole, reason }) => [
        roomId === room.id ? 'room' : 'other',
        rawId === a ? 'a' : 'b',
        role,
        previousRole,
        reason,
      ]),
      [
        ['room', 'a', 'Attendee', null, 'added'],
        ['other', 'b', 'Consumer', null, 'added'],
        ['room', 'a', 'Presenter', 'Attendee', 'roleChanged'],
        ['room', 'b', 'Collaborator', null, 'added'],
        ['room', 'a', null, 'Presenter', 'removed'],
        ['other', 'b', null, 'Consumer', 'userDeleted'],
        ['room', 'b', null, 'Collaborator', 'userDeleted'],
        ['room', 'a', 'Consumer', null, 'added'],
        ['room', 'a', null, 'Consumer', 'roomDeleted'],
      ],
    );
  });

  test("onRoomChanged tells of a room's new window and of its deletion, and nothing for a refused update", async () => {
    const changes: [string, number | null][] = [];
    const stop = service().rooms.onRoomChanged(({ roomId, room }) => changes.push([roomId, room?.validUntil ?? null]));
    const room = await createRoom(service());
    const validUntil = Date.now() + DAY_MS;
    assert.equal((await adminRequest(service(), 'PATCH', `/rooms/${room.id}`, { validUntil: iso(validUntil) })).status, 200);
    assertWindowError(await adminRequest(service(), 'PATCH', `/rooms/${room.id}`, { validUntil: iso(Date.now() - DAY_MS) }), /past/);
    assert.equal((await adminRequest(service(), 'DELETE', `/rooms/${room.id}`)).status, 204);
    assert.equal((await adminRequest(service(), 'DELETE', `/rooms/${room.id}`)).status, 204);
    stop();
    assert.deepEqual(
      changes.map(([roomId, until]) => [roomId === room.id, until]),
      [
        [true, validUntil],
        [true, null],
      ],
    );
  });

  test('a deleted user is gone from every room (and a deletion that fails keeps them)', async () => {
    const [leaving, staying] = [service().identities.createUser().id, service().identities.createUser().id];
    const first = await createRoom(service(), { participants: { [leaving]: { role: 'Presenter' }, [staying]: {} } });
    const second = await createRoom(service(), { participants: { [staying]: {}, [leaving]: { role: 'Consumer' } } });
    // A later area's deleter that fails rolls the whole deletion back, room memberships included.
    service().identities.onUserDeleted('zz-failing', () => {
      throw new Error('refused');
    });
    assert.throws(() => service().identities.deleteUser(leaving), /refused/);
    assert.deepEqual(await participantsOf(service(), first.id), [
      [leaving, 'Presenter'],
      [staying, 'Attendee'],
    ]);
    service().identities.onUserDeleted('zz-failing', () => {});
    assert.equal(service().identities.deleteUser(leaving), true);
    assert.deepEqual(await participantsOf(service(), first.id), [[staying, 'Attendee']]);
    assert.deepEqual(await participantsOf(service(), second.id), [[staying, 'Attendee']]);
    assert.equal(service().db.prepare('SELECT COUNT(*) AS n FROM room_participants WHERE raw_id = ?').pluck().get(leaving), 0);
  });
});

describe('rooms: durable across a restart', () => {
  const data = withDataDir('oc-rooms-');

  test('rooms, their settings and participants (in order, with roles) survive a restart; a repeated create still finds its room', async () => {
    const first = await data.start();
    const [a, b, c] = [0, 1, 2].map(() => first.identities.createUser().id) as [string, string, string];
    const requestId = randomUUID();
    const created = await adminRequest<RoomBody>(
      first,
      'POST',
      '/rooms',
      { pstnDialOutEnabled: true, participants: { [a]: { role: 'Presenter' }, [b]: { role: 'Collaborator' } } },
      { headers: { 'repeatability-request-id': requestId, 'repeatability-first-sent': new Date().toUTCString() } },
    );
    assert.equal(created.status, 201, created.text);
    const room = created.body;
    await patchParticipants(first, room.id, { [c]: { role: 'Consumer' }, [a]: { role: 'Attendee' } });
    const gone = await createRoom(first);
    await adminRequest(first, 'DELETE', `/rooms/${gone.id}`);
    const participantsBefore = await participantsOf(first, room.id);
    await first.close();

    const second = await data.start();
    const got = await adminRequest<RoomBody>(second, 'GET', `/rooms/${room.id}`);
    assert.equal(got.status, 200, got.text);
    assert.deepEqual(got.body, room);
    assert.deepEqual(await participantsOf(second, room.id), participantsBefore);
    assert.deepEqual(participantsBefore, [
      [a, 'Attendee'],
      [b, 'Collaborator'],
      [c, 'Consumer'],
    ]);
    assertError(await adminRequest(second, 'GET', `/rooms/${gone.id}`), 404, 'NotFound');
    assert.deepEqual(second.rooms.roomAccess(room.id, c), { role: 'Consumer' });
    const repeated = await adminRequest<RoomBody>(second, 'POST', '/rooms', {}, { headers: { 'repeatability-request-id': requestId } });
    assert.equal(repeated.body.id, room.id);
    assert.equal(second.db.prepare('PRAGMA integrity_check').pluck().get() as string, 'ok');
  });
});
