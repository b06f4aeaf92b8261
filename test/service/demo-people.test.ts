/**
 * The demo app's own directory of its people (issue 13): the mapping the identity-model page asks an
 * app to keep, since the service keeps none. Names, search, who is online (a real-time connection),
 * and deletion with the user.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { REALTIME_PATH, realtimeProtocols } from '../../src/common/realtimeProtocol.js';
import type { RunningService } from '../../mock-server/service.js';
import { withService } from '../kit/node.js';
import { until } from '../kit/wait.js';
import { adminRequest, assertError, plainRequest } from '../kit/serverHelpers.js';

interface Person {
  user: { communicationUserId: string };
  displayName: string;
  lastSeen: string;
  online: boolean;
  isYou?: true;
}

async function demoUser(service: RunningService): Promise<{ id: string; token: string }> {
  const issued = await plainRequest<{ user: { communicationUserId: string }; token: string }>(service, 'POST', '/demo/token', {
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  assert.equal(issued.status, 201);
  return { id: issued.body.user.communicationUserId, token: issued.body.token };
}

const as = (token: string, body?: unknown) => ({
  headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

describe('demo app: its own directory of people', () => {
  const service = withService({ demo: true, demoRateLimits: { createsPerWindow: 100 } });
  const introduce = (token: string, displayName: unknown) =>
    plainRequest<Person>(service(), 'PATCH', '/demo/me', as(token, { displayName }));
  const people = (token: string, query = '') => plainRequest<{ value: Person[] }>(service(), 'GET', `/demo/people${query}`, as(token));

  test('people who signed in are listed by name, searchable, with who is you', async () => {
    const [ann, bo, cy] = await Promise.all([1, 2, 3].map(() => demoUser(service())));
    assert.equal((await introduce(ann!.token, '  Ann Lee ')).body.displayName, 'Ann Lee');
    await introduce(bo!.token, 'Bo Diddley');
    await introduce(cy!.token, 'Cy Twombly');
    const all = await people(ann!.token);
    assert.equal(all.status, 200);
    const mine = all.body.value.filter((p) => [ann!.id, bo!.id, cy!.id].includes(p.user.communicationUserId));
    assert.deepEqual(mine.map((p) => p.displayName).sort(), ['Ann Lee', 'Bo Diddley', 'Cy Twombly']);
    assert.equal(mine.find((p) => p.user.communicationUserId === ann!.id)!.isYou, true);
    assert.equal(mine.find((p) => p.user.communicationUserId === bo!.id)!.isYou, undefined);

    const found = await people(ann!.token, '?search=DIDD');
    assert.deepEqual(
      found.body.value.map((p) => p.displayName),
      ['Bo Diddley'],
    );
    // A new name replaces the old one.
    await introduce(bo!.token, 'Bo');
    assert.deepEqual(
      (await people(cy!.token, '?search=bo')).body.value.map((p) => p.displayName),
      ['Bo'],
    );
    assert.equal((await people(cy!.token, '?maxPageSize=1')).body.value.length, 1);
  });

  test('online means a live real-time connection; it goes when the connection closes', async () => {
    const [dee, eve] = await Promise.all([1, 2].map(() => demoUser(service())));
    await introduce(dee!.token, 'Dee Online');
    await introduce(eve!.token, 'Eve');
    const deeNow = async () => (await people(eve!.token, '?search=Dee%20Online')).body.value[0]!;
    assert.equal((await deeNow()).online, false);
    const url = new URL(REALTIME_PATH.slice(1), service().endpoint);
    url.protocol = 'ws:';
    url.searchParams.set('endpointId', 'deeTab1');
    const ws = new WebSocket(url, realtimeProtocols(dee!.token));
    await new Promise((resolve, reject) => {
      ws.once('message', resolve);
      ws.once('error', reject);
      ws.once('close', (code) => reject(new Error(`closed ${code}`)));
    });
    await until(async () => (await deeNow()).online, 'Dee online');
    ws.close();
    await until(async () => !(await deeNow()).online, 'Dee offline');
  });

  test('bad input is a 400 that changes nothing; other pages and no token are refused', async () => {
    const fay = await demoUser(service());
    await introduce(fay.token, 'Fay');
    for (const bad of ['', '   ', 42, null, 'x'.repeat(65)]) assertError(await introduce(fay.token, bad), 400);
    assertError(await plainRequest(service(), 'PATCH', '/demo/me', as(fay.token, {})), 400);
    assert.equal((await people(fay.token, '?search=Fay')).body.value[0]!.displayName, 'Fay');
    assertError(await people(fay.token, `?search=${'y'.repeat(65)}`), 400);
    assertError(await people(fay.token, '?maxPageSize=0'), 400);
    assertError(await plainRequest(service(), 'GET', '/demo/people'), 401);
  });

  test('search ignores case and accents in any script', async () => {
    const [asker, alice, zoe] = await Promise.all([1, 2, 3].map(() => demoUser(service())));
    await introduce(alice!.token, 'Ålice Ørsted');
    await introduce(zoe!.token, 'ZOË Δημήτρη');
    const names = async (search: string) =>
      (await people(asker!.token, `?search=${encodeURIComponent(search)}`)).body.value.map((p) => p.displayName);
    for (const search of ['alice', 'ålice', 'ÅLICE', 'Alice']) assert.deepEqual(await names(search), ['Ålice Ørsted'], search);
    for (const search of ['zoe', 'zoë', 'δημητρη', 'ΔΗΜΉΤΡΗ']) assert.deepEqual(await names(search), ['ZOË Δημήτρη'], search);
  });

  test('signing out for good (DELETE /demo/me) takes the caller out of the directory, and only the caller', async () => {
    const [hal, ida] = await Promise.all([1, 2].map(() => demoUser(service())));
    await introduce(hal!.token, 'Hal Leaves');
    await introduce(ida!.token, 'Ida Stays');
    const gone = await plainRequest(service(), 'DELETE', '/demo/me', as(hal!.token));
    assert.equal(gone.status, 204, gone.text);
    assert.deepEqual((await people(ida!.token, '?search=Hal%20Leaves')).body.value, []);
    assert.equal((await people(hal!.token, '?search=Ida%20Stays')).body.value.length, 1);
    // Again: nothing left to remove, still fine.
    assert.equal((await plainRequest(service(), 'DELETE', '/demo/me', as(hal!.token))).status, 204);
  });

  test('deleting the user deletes them from the directory', async () => {
    const gus = await demoUser(service());
    await introduce(gus.token, 'Gus Gone');
    const watcher = await demoUser(service());
    assert.equal((await people(watcher.token, '?search=Gus%20Gone')).body.value.length, 1);
    assert.equal((await adminRequest(service(), 'DELETE', `/identities/${encodeURIComponent(gus.id)}`)).status, 204);
    assert.deepEqual((await people(watcher.token, '?search=Gus%20Gone')).body.value, []);
    assert.equal((service().db.prepare('SELECT count(*) AS n FROM demo_people WHERE user_id = ?').get(gus.id) as { n: number }).n, 0);
  });
});
