import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { type CommunicationRoom, type RoomParticipant, RoomsClient } from '@azure/communication-rooms';
import { CommunicationIdentityClient } from '@azure/communication-identity';
import type { PipelineRequest, SendRequest } from '@azure/core-rest-pipeline';
import { withService } from '../kit/node.js';
import { countRows, stateSnapshot } from '../kit/serverHelpers.js';

const DAY_MS = 24 * 60 * 60_000;
const user = (communicationUserId: string) => ({ communicationUserId });

/** What the SDK raises for a non-2xx answer. */
const restError = (status: number, code?: string, message?: RegExp) => (error: unknown) => {
  const e = error as { name?: string; statusCode?: number; code?: string; message?: string };
  assert.equal(e.name, 'RestError');
  assert.equal(e.statusCode, status, e.message);
  if (code !== undefined) assert.equal(e.code, code);
  if (message !== undefined) assert.match(e.message ?? '', message);
  return true;
};

/** The participants as the SDK lists them: raw id and role. */
async function participantsOf(client: RoomsClient, roomId: string): Promise<[string, string][]> {
  const listed: [string, string][] = [];
  for await (const participant of client.listParticipants(roomId)) {
    listed.push([(participant.id as { communicationUserId: string }).communicationUserId, participant.role]);
  }
  return listed;
}

describe('the official @azure/communication-rooms SDK (1.2.0) against the service', () => {
  // Pages of two, so the SDK follows nextLink for rooms and for participants.
  const service = withService({ rooms: { pageSize: 2, participantsPageSize: 2 } });
  let client: RoomsClient;
  /** Which api-versions the SDK sent, and to which paths (checked by the first test). */
  const sent: string[] = [];
  before(() => {
    client = new RoomsClient(service().connectionString, { allowInsecureConnection: true } as never);
    (client as unknown as { client: { pipeline: { addPolicy(policy: unknown): void } } }).client.pipeline.addPolicy({
      name: 'recordApiVersion',
      sendRequest: (request: PipelineRequest, next: SendRequest) => {
        const url = new URL(request.url);
        sent.push(`${request.method} ${url.pathname.replace(/\d{17}/, '{roomId}')} ${url.searchParams.get('api-version')}`);
        return next(request);
      },
    });
  });

  test('the whole flow: create, get, list, update, add/update/list/remove participants, delete', async () => {
    const [presenter, attendee, collaborator] = [0, 1, 2].map(() => service().identities.createUser().id) as [string, string, string];
    const validFrom = new Date(Date.now() + 60_000);
    const validUntil = new Date(validFrom.getTime() + 7 * DAY_MS);
    const created = await client.createRoom({
      validFrom,
      validUntil,
      pstnDialOutEnabled: true,
      participants: [{ id: user(presenter), role: 'Presenter' }, { id: user(attendee) }],
    });
    assert.match(created.id, /^\d{17}$/);
    assert.ok(created.createdOn instanceof Date && Math.abs(created.createdOn.getTime() - Date.now()) < 5_000);
    assert.equal(created.validFrom.getTime(), validFrom.getTime());
    assert.equal(created.validUntil.getTime(), validUntil.getTime());
    assert.equal(created.pstnDialOutEnabled, true);

    const got = await client.getRoom(created.id);
    assert.deepEqual(got, created);

    const others = [await client.createRoom(), await client.createRoom()];
    const listed: CommunicationRoom[] = [];
    for await (const room of client.listRooms()) listed.push(room);
    assert.deepEqual(
      listed.map((room) => room.id),
      [created.id, ...others.map((room) => room.id)],
    );
    const pages: number[] = [];
    for await (const page of client.listRooms().byPage()) pages.push(page.length);
    assert.deepEqual(pages, [2, 1]);

    const moved = new Date(validUntil.getTime() + DAY_MS);
    const updated = await client.updateRoom(created.id, { validUntil: moved, pstnDialOutEnabled: false });
    assert.equal(updated.validUntil.getTime(), moved.getTime());
    assert.equal(updated.validFrom.getTime(), validFrom.getTime(), 'validFrom not given: unchanged');
    assert.equal(updated.pstnDialOutEnabled, false);
    assert.deepEqual(await client.getRoom(created.id), updated);

    assert.deepEqual(await participantsOf(client, created.id), [
      [presenter, 'Presenter'],
      [attendee, 'Attendee'],
    ]);
    await client.addOrUpdateParticipants(created.id, [
      { id: user(attendee), role: 'Consumer' },
      { id: user(collaborator), role: 'Collaborator' },
    ]);
    assert.deepEqual(await participantsOf(client, created.id), [
      [presenter, 'Presenter'],
      [attendee, 'Consumer'],
      [collaborator, 'Collaborator'],
    ]);
    const participantPages: RoomParticipant[][] = [];
    for await (const page of client.listParticipants(created.id).byPage()) participantPages.push(page);
    assert.deepEqual(
      participantPages.map((page) => page.length),
      [2, 1],
    );
    assert.deepEqual(service().rooms.roomAccess(created.id, attendee, validFrom.getTime()), { role: 'Consumer' });

    await client.removeParticipants(created.id, [user(presenter), user(collaborator)]);
    assert.deepEqual(await participantsOf(client, created.id), [[attendee, 'Consumer']]);

    await client.deleteRoom(created.id);
    await assert.rejects(client.getRoom(created.id), restError(404, 'NotFound'));
    assert.equal(countRows(service(), 'room_participants WHERE room_id = ?', created.id), 0);
    // ACS answers a room already deleted with 204 again.
    await client.deleteRoom(created.id);

    assert.deepEqual(
      [...new Set(sent)].sort(),
      [
        'DELETE /rooms/{roomId} 2025-03-13',
        'GET /rooms 2025-03-13',
        'GET /rooms/{roomId} 2025-03-13',
        'GET /rooms/{roomId}/participants 2025-03-13',
        'PATCH /rooms/{roomId} 2025-03-13',
        'PATCH /rooms/{roomId}/participants 2025-03-13',
        'POST /rooms 2025-03-13',
      ],
      'the SDK sends its default api-version everywhere, nextLinks included',
    );
  });

  test("createRoom() with nothing takes ACS's defaults: valid from now for 180 days, no dial-out, nobody invited", async () => {
    const before = Date.now();
    const room = await client.createRoom();
    assert.ok(room.validFrom.getTime() >= before && room.validFrom.getTime() <= Date.now());
    assert.equal(room.validUntil.getTime() - room.createdOn.getTime(), 180 * DAY_MS);
    assert.equal(room.pstnDialOutEnabled, false);
    assert.deepEqual(await participantsOf(client, room.id), []);
  });

  test('a window that ends in the past, ends before it starts or spans more than 180 days is a 400, and no room is made', async () => {
    const now = Date.now();
    const state = stateSnapshot(service());
    for (const [validFrom, validUntil] of [
      [undefined, new Date(now - 60_000)],
      [new Date(now + DAY_MS), new Date(now + 60_000)],
      [new Date(now), new Date(now + 181 * DAY_MS)],
      [new Date(now + 200 * DAY_MS), undefined],
    ] as const) {
      await assert.rejects(
        client.createRoom({ ...(validFrom ? { validFrom } : {}), ...(validUntil ? { validUntil } : {}) }),
        restError(400, 'BadRequest'),
      );
    }
    const room = await client.createRoom();
    const afterCreate = stateSnapshot(service());
    await assert.rejects(client.updateRoom(room.id, { validUntil: new Date(now + 365 * DAY_MS) }), restError(400, 'BadRequest'));
    assert.deepEqual(stateSnapshot(service()), afterCreate);
    assert.notDeepEqual(afterCreate, state);
  });

  test('participants must be users of this resource that exist: others are a 400, and nothing is written', async () => {
    const known = service().identities.createUser().id;
    const room = await client.createRoom({ participants: [{ id: user(known), role: 'Presenter' }] });
    const state = stateSnapshot(service());
    const strangers = [
      `8:acs:${service().secrets.resourceId}_00000000-0000-4000-8000-000000000000`,
      '8:acs:11111111-2222-4333-8444-555555555555_00000000-0000-4000-8000-000000000000',
    ];
    for (const stranger of strangers) {
      await assert.rejects(
        client.createRoom({ participants: [{ id: user(known) }, { id: user(stranger) }] }),
        restError(400, 'BadRequest', /Invalid value for the Participants/),
      );
      await assert.rejects(
        client.addOrUpdateParticipants(room.id, [{ id: user(known), role: 'Consumer' }, { id: user(stranger) }]),
        restError(400, 'BadRequest', /Invalid value for the Participants/),
      );
    }
    assert.deepEqual(stateSnapshot(service()), state);
    assert.deepEqual(await participantsOf(client, room.id), [[known, 'Presenter']]);
    // Removing someone who is not in the room is no error (as ACS).
    await client.removeParticipants(room.id, [user(strangers[0]!)]);
    assert.deepEqual(stateSnapshot(service()), state);
  });

  test('a room that does not exist is a 404; an id that cannot be one is a 400', async () => {
    const missing = '99000000000000001';
    await assert.rejects(client.getRoom(missing), restError(404, 'NotFound'));
    await assert.rejects(client.updateRoom(missing, { pstnDialOutEnabled: true }), restError(404, 'NotFound'));
    await assert.rejects(client.addOrUpdateParticipants(missing, []), restError(404, 'NotFound'));
    await assert.rejects(participantsOf(client, missing), restError(404, 'NotFound'));
    await assert.rejects(client.getRoom('123'), restError(400, 'BadRequest', /Invalid room ID length/));
    await assert.rejects(client.deleteRoom('invalid_id'), restError(400, 'BadRequest', /Invalid room ID length/));
  });

  test('a user deleted through the identity SDK leaves every room they were in', async () => {
    const identity = new CommunicationIdentityClient(service().connectionString, { allowInsecureConnection: true } as never);
    const leaving = await identity.createUser();
    const staying = await identity.createUser();
    const rooms = [
      await client.createRoom({ participants: [{ id: leaving, role: 'Presenter' }, { id: staying }] }),
      await client.createRoom({ participants: [{ id: leaving, role: 'Consumer' }] }),
    ];
    await identity.deleteUser(leaving);
    assert.deepEqual(await participantsOf(client, rooms[0]!.id), [[staying.communicationUserId, 'Attendee']]);
    assert.deepEqual(await participantsOf(client, rooms[1]!.id), []);
    assert.deepEqual(service().rooms.roomAccess(rooms[0]!.id, leaving.communicationUserId), { denied: 'NotInRoom' });
  });

  test('a client with another access key is refused (401) and creates nothing', async () => {
    const state = stateSnapshot(service());
    const foreign = new RoomsClient(
      service().connectionString.replace(/accesskey=.*/, `accesskey=${Buffer.from('x'.repeat(32)).toString('base64')}`),
      { allowInsecureConnection: true, retryOptions: { maxRetries: 0 } } as never,
    );
    await assert.rejects(foreign.createRoom(), restError(401));
    assert.deepEqual(stateSnapshot(service()), state);
  });
});
