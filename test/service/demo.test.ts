/**
 * The demo routes' guards (issue 11): same-origin only, always throttled, numbers from a pool of
 * their own that is recycled, and a refresh that keeps the presented token's lifetime.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, test } from 'node:test';
import { clientNetwork } from '../../mock-server/http/dispatch.js';
import { type RunningService, startService } from '../../mock-server/service.js';
import { withService } from '../kit/node.js';
import { DEMO_AREA_CODES } from '../../mock-server/telephony/phoneNumberStore.js';
import {
  type JsonResponse,
  adminRequest,
  assertError,
  claimsOf,
  countUsers,
  createUser,
  issueToken,
  plainRequest,
  stateSnapshot,
} from '../kit/serverHelpers.js';

interface TokenBody {
  user: { communicationUserId: string };
  token: string;
  expiresOn: string;
}

const HOUR = 60 * 60_000;

function demoToken(service: RunningService, headers: Record<string, string> = {}): Promise<JsonResponse<TokenBody>> {
  return plainRequest<TokenBody>(service, 'POST', '/demo/token', {
    headers: { 'content-type': 'application/json', ...headers },
    body: '{}',
  });
}

function refresh(service: RunningService, token: string, headers: Record<string, string> = {}): Promise<JsonResponse<TokenBody>> {
  return plainRequest<TokenBody>(service, 'POST', '/demo/token/refresh', {
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body: '{}',
  });
}

async function signIn(service: RunningService): Promise<TokenBody> {
  const response = await demoToken(service);
  assert.equal(response.status, 201, response.text);
  return response.body;
}

async function phoneNumberOf(service: RunningService, token: string): Promise<string | undefined> {
  const response = await plainRequest<{ phoneNumber?: string }>(service, 'GET', '/demo/me', {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(response.status, 200, response.text);
  return response.body.phoneNumber;
}

describe('demo routes: origins', () => {
  const service = withService({ demo: true, demoOrigins: ['https://a.example', 'http://b.example:8443'] });
  const ownOrigin = () => new URL(service().endpoint).origin;

  test('a page of a foreign origin gets 403 on every demo route, and nothing is created', async () => {
    const { token } = await signIn(service());
    for (const origin of [
      'https://evil.example',
      'null',
      'http://a.example',
      'https://a.example:444',
      'garbage',
      `${ownOrigin().replace('http:', 'https:')}`,
    ]) {
      const before = stateSnapshot(service());
      assertError(await demoToken(service(), { origin }), 403, 'OriginNotAllowed');
      // A simple cross-origin POST (text/plain, no preflight) is refused just the same.
      assertError(
        await plainRequest(service(), 'POST', '/demo/token', { headers: { origin, 'content-type': 'text/plain' }, body: '{}' }),
        403,
        'OriginNotAllowed',
      );
      assertError(await refresh(service(), token, { origin }), 403, 'OriginNotAllowed');
      assertError(
        await plainRequest(service(), 'GET', '/demo/me', { headers: { origin, authorization: `Bearer ${token}` } }),
        403,
        'OriginNotAllowed',
      );
      const sms = await plainRequest(service(), 'POST', '/demo/sms', {
        headers: { origin, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ to: '+14255550100', message: 'hi' }),
      });
      assertError(sms, 403, 'OriginNotAllowed');
      assert.deepEqual(stateSnapshot(service()), before, `${origin}: a refused request changed stored state`);
    }
  });

  test('the own origin, allow-listed origins and requests without Origin get their token', async () => {
    const variants: Record<string, string>[] = [
      { origin: ownOrigin() },
      { origin: 'https://a.example' },
      { origin: 'http://b.example:8443' },
      {},
    ];
    for (const headers of variants) {
      const users = countUsers(service());
      const response = await demoToken(service(), headers);
      assert.equal(response.status, 201, `${JSON.stringify(headers)}: ${response.text}`);
      assert.equal(countUsers(service()), users + 1);
      assert.equal((await refresh(service(), response.body.token, headers)).status, 200);
    }
  });

  test('CORS headers only for allow-listed origins: a foreign page cannot read a demo answer', async () => {
    const allowed = await demoToken(service(), { origin: 'https://a.example' });
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://a.example');
    const foreign = await demoToken(service(), { origin: 'https://evil.example' });
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
    const own = await demoToken(service(), { origin: ownOrigin() });
    assert.equal(own.headers.get('access-control-allow-origin'), null, 'same origin needs no CORS');
    const preflight = await fetch(new URL('/demo/token', service().endpoint), {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
    const allowedPreflight = await fetch(new URL('/demo/token', service().endpoint), {
      method: 'OPTIONS',
      headers: { origin: 'https://a.example' },
    });
    assert.equal(allowedPreflight.status, 204);
    assert.equal(allowedPreflight.headers.get('access-control-allow-origin'), 'https://a.example');
  });

  test('a demo origin that is no origin refuses to start', async () => {
    await assert.rejects(startService({ demo: true, demoOrigins: ['not an origin'] }), /Not an origin/);
  });
});

describe('demo routes: host names', () => {
  const service = withService({
    demo: true,
    demoOrigins: ['https://a.example'],
    demoRateLimits: { createsPerWindow: 1000, refreshesPerWindow: 1000 },
  });

  test('a rebound host name (DNS rebinding) gets 421 on every demo route; addresses, localhost and allowed origins pass', async () => {
    const { port } = new URL(service().endpoint);
    /** fetch does not let a page set Host; a rebinding attack gets it set by the browser. */
    const post = (path: string, host: string, origin = `http://${host}`) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, path, method: 'POST', headers: { host, 'content-type': 'application/json', origin } },
          (res) => {
            let body = '';
            res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.end('{}');
      });
    const users = countUsers(service());
    for (const host of [`evil.example:${port}`, `attacker.test:${port}`, `127.0.0.1.evil.example:${port}`]) {
      for (const path of ['/demo/token', '/demo/token/refresh', '/demo/sms']) {
        const answer = await post(path, host);
        assert.equal(answer.status, 421, `${host} ${path}: ${answer.body}`);
        assert.equal((JSON.parse(answer.body) as { error: { code: string } }).error.code, 'HostNotAllowed');
      }
    }
    assert.equal(countUsers(service()), users, 'a refused request created a user');
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      assert.equal((await post('/demo/token', host)).status, 201, host);
    }
    // A host named by --demo-origins is answered (its page is allowed, so is its name).
    assert.equal((await post('/demo/token', 'a.example', 'https://a.example')).status, 201);
  });
});

describe('demo routes: throttling', () => {
  let clock = Date.now();
  const service = withService({
    demo: true,
    demoRateLimits: { windowMs: 60_000, createsPerWindow: 10, refreshesPerWindow: 3, now: () => clock },
  });

  test('the 11th creation from one address within the window is a 429 that creates nothing', async () => {
    for (let i = 0; i < 10; i++) await signIn(service());
    const before = stateSnapshot(service());
    const refused = await demoToken(service());
    assertError(refused, 429, 'TooManyRequests');
    assert.ok(Number(refused.headers.get('retry-after')) >= 1, `retry-after: ${refused.headers.get('retry-after')}`);
    assert.ok(Number(refused.headers.get('retry-after-ms')) >= 1);
    assert.deepEqual(stateSnapshot(service()), before);

    clock += 60_000; // the next window
    await signIn(service());
  });

  test('refresh is throttled per user', async () => {
    clock += 60_000;
    const first = await signIn(service());
    const second = await signIn(service());
    for (let i = 0; i < 3; i++) assert.equal((await refresh(service(), first.token)).status, 200);
    const before = stateSnapshot(service());
    assertError(await refresh(service(), first.token), 429, 'TooManyRequests');
    assert.deepEqual(stateSnapshot(service()), before);
    // Another user's budget is their own.
    assert.equal((await refresh(service(), second.token)).status, 200);
  });

  test('without --rate-limits the demo routes are throttled all the same (defaults: 10 per minute)', async () => {
    const plain = await startService({ demo: true });
    try {
      for (let i = 0; i < 10; i++) assert.equal((await demoToken(plain)).status, 201);
      assertError(await demoToken(plain), 429, 'TooManyRequests');
    } finally {
      await plain.close();
    }
  });
});

describe('demo routes: the number pool', () => {
  let clock = Date.now();
  const service = withService({ demo: true, demoNumberPoolSize: 2, demoRateLimits: { createsPerWindow: 1000, now: () => clock } });

  test('demo users get numbers of the reserved area codes; the admin API never hands those out', async () => {
    const { token } = await signIn(service());
    const number = await phoneNumberOf(service(), token);
    assert.ok(number && DEMO_AREA_CODES.some((code) => number.startsWith(`+1${code}`)), `not a demo number: ${number}`);
    for (const areaCode of DEMO_AREA_CODES) {
      const before = stateSnapshot(service());
      assertError(await adminRequest(service(), 'POST', '/phoneNumbers/:acquire', { areaCode }), 400, 'AreaCodeReserved');
      assert.deepEqual(stateSnapshot(service()), before);
    }
  });

  test('exhausting the demo pool leaves the admin numbers and acquire alone', async () => {
    const owned = await adminRequest<{ phoneNumbers: { phoneNumber: string }[] }>(service(), 'POST', '/phoneNumbers/:acquire', {
      areaCode: '425',
      quantity: 3,
    });
    assert.equal(owned.status, 201, owned.text);
    const adminRows = () => service().db.prepare("SELECT * FROM phone_numbers WHERE number LIKE '+1425%' ORDER BY number").all();
    const adminBefore = adminRows();

    await signIn(service()); // the pool's second number
    const late = await signIn(service());
    assert.equal(await phoneNumberOf(service(), late.token), undefined, 'the pool of 2 is used up: no number');

    assert.deepEqual(adminRows(), adminBefore, 'the admin numbers were touched');
    const more = await adminRequest<{ phoneNumbers: { phoneNumber: string }[] }>(service(), 'POST', '/phoneNumbers/:acquire', {
      areaCode: '425',
      quantity: 2,
    });
    assert.equal(more.status, 201, more.text);
  });

  test("a deleted demo user's number goes to the next demo user", async () => {
    const holders = service()
      .db.prepare("SELECT number, assigned_to FROM phone_numbers WHERE number LIKE '+129%' ORDER BY number")
      .all() as { number: string; assigned_to: string }[];
    assert.equal(holders.length, 2);
    const gone = holders[1]!;
    const deleted = await adminRequest(service(), 'DELETE', `/identities/${encodeURIComponent(gone.assigned_to)}`);
    assert.equal(deleted.status, 204, deleted.text);
    const next = await signIn(service());
    assert.equal(await phoneNumberOf(service(), next.token), gone.number);
  });

  test('when the pool is empty, the number of a user whose last token expired over 24 h ago is recycled', async () => {
    const holders = service()
      .db.prepare("SELECT number, assigned_to FROM phone_numbers WHERE number LIKE '+129%' ORDER BY number")
      .all() as { number: string; assigned_to: string }[];
    // Both holders' latest tokens expire in 24 h: they are gone 48 h from now, not before.
    const earliest = Math.min(...holders.map((h) => service().identities.getUser(h.assigned_to)!.lastTokenExpiresOn!));
    clock = earliest + 24 * HOUR - 1;
    const tooSoon = await signIn(service());
    assert.equal(await phoneNumberOf(service(), tooSoon.token), undefined, 'a number was taken from a user who may still be around');

    clock = earliest + 24 * HOUR + 1;
    const next = await signIn(service());
    const recycled = await phoneNumberOf(service(), next.token);
    const previous = holders.find((h) => h.number === recycled);
    assert.ok(previous, `not a recycled number: ${recycled}`);
    assert.equal(service().identities.getUser(previous.assigned_to)!.lastTokenExpiresOn, earliest);
    assert.equal(service().phoneNumbers.numbersOf(previous.assigned_to).length, 0, 'the gone user still holds it');
  });
});

describe('demo routes: refresh keeps the lifetime', () => {
  const service = withService({ demo: true });

  test('a 60-minute admin-issued token refreshes to 60 minutes, again and again', async () => {
    const { id } = await createUser(service());
    let token = (await issueToken(service(), id, ['chat', 'voip'], 60)).token;
    for (let i = 0; i < 3; i++) {
      const response = await refresh(service(), token);
      assert.equal(response.status, 200, response.text);
      const { iat, exp } = claimsOf(response.body.token);
      assert.ok(Math.abs(exp! - iat! - 3600) <= 1, `lifetime ${exp! - iat!} s`);
      assert.equal(Date.parse(response.body.expiresOn), exp! * 1000);
      token = response.body.token;
    }
  });

  test("a demo user's 24-hour token refreshes to 24 hours", async () => {
    const { token } = await signIn(service());
    const response = await refresh(service(), token);
    assert.equal(response.status, 200, response.text);
    const { iat, exp } = claimsOf(response.body.token);
    assert.ok(Math.abs(exp! - iat! - 24 * 3600) <= 1, `lifetime ${exp! - iat!} s`);
  });
});

describe('demo routes: who a per-address budget counts', () => {
  test('every IPv6 address of one /64 shares one budget; IPv4 (mapped or not) counts per address', () => {
    assert.equal(clientNetwork('2001:db8:1:2:3:4:5:6'), clientNetwork('2001:db8:1:2::9'));
    assert.equal(clientNetwork('2001:0db8:0001:0002:ffff::1'), '2001:db8:1:2::/64');
    assert.notEqual(clientNetwork('2001:db8:1:2::1'), clientNetwork('2001:db8:1:3::1'));
    assert.equal(clientNetwork('::ffff:127.0.0.1'), '127.0.0.1');
    assert.notEqual(clientNetwork('10.0.0.1'), clientNetwork('10.0.0.2'));
  });
});

describe('demo routes: texts', () => {
  const service = withService({ demo: true, demoRateLimits: { createsPerWindow: 1000 } });
  const text = (token: string, to: string) =>
    plainRequest<{ successful: boolean; messageId?: string }>(service(), 'POST', '/demo/sms', {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ to, message: 'Running late!' }),
    });

  test('a text to a number someone here holds is sent; to one nobody holds, or no number at all, it is refused at once', async () => {
    const alice = await signIn(service());
    const bob = await signIn(service());
    const bobsNumber = await phoneNumberOf(service(), bob.token);
    assert.ok(bobsNumber);
    const sent = await text(alice.token, bobsNumber);
    assert.equal(sent.status, 202, sent.text);
    assert.equal(sent.body.successful, true);

    for (const [to, status, code] of [
      ['+14255550100', 409, 'RecipientUnreachable'],
      ['not-a-number', 400, 'ValidationError'],
      ['+1', 400, 'ValidationError'],
    ] as const) {
      const before = stateSnapshot(service());
      assertError(await text(alice.token, to), status, code);
      assert.deepEqual(stateSnapshot(service()), before, `${to}: a refused text changed stored state`);
    }
  });
});
