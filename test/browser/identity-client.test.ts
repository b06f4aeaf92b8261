import { expect } from '@esm-bundle/chai';
import { parseConnectionString } from '../../src/common/connectionString.js';
import { AbortError, RestError } from '../../src/common/errors.js';
import { HttpPipeline } from '../../src/common/http.js';
import { CommunicationIdentityClient, type TokenScope } from '../../src/identity/communicationIdentityClient.js';
import FakeTimers from './fakeTimers.js';
import { MINUTE, rejectionOf } from './helpers.js';
import { type TestService, testService } from './service.js';

const USER_ID = /^8:acs:[0-9a-f-]+_[0-9a-f-]+$/;
/** Slack for the time between the service issuing a token and the test reading the clock. */
const SLACK = 2 * MINUTE;

function expectRestError(error: unknown, statusCode: number | undefined, code?: string): void {
  expect(error).to.be.instanceOf(RestError);
  expect((error as RestError).statusCode).to.equal(statusCode);
  if (code !== undefined) expect((error as RestError).code).to.equal(code);
}

function payloadOf(jwt: string): Record<string, unknown> {
  const part = jwt.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
  return JSON.parse(atob(part.padEnd(part.length + ((4 - (part.length % 4)) % 4), '='))) as Record<string, unknown>;
}

/** Uses a user token against the service (the demo refresh route verifies it): the HTTP status. */
async function statusOfTokenUse(endpoint: string, token: string): Promise<number> {
  const response = await fetch(`${endpoint}demo/token/refresh`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  await response.body?.cancel();
  return response.status;
}

interface RecordedRequest {
  url: string;
  init: RequestInit | undefined;
}

/** A fake `fetch` answering from `responses` in order (a function may also throw), recording requests. */
function fakeFetch(responses: (() => Response)[]) {
  const requests: RecordedRequest[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    requests.push({ url: String(input), init });
    const next = responses[Math.min(requests.length - 1, responses.length - 1)];
    if (!next) throw new Error('fakeFetch has no responses');
    return next();
  }) as typeof globalThis.fetch;
  return { fetch, requests };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): () => Response {
  return () =>
    new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', ...headers },
    });
}

const FAKE_CONNECTION_STRING = `endpoint=https://fake.communication.invalid/;accesskey=${btoa('not-a-real-key')}`;
const FAKE_USER = '8:acs:00000000-0000-4000-8000-000000000001_00000000-0000-4000-8000-000000000002';

describe('CommunicationIdentityClient against the service', () => {
  let service: TestService;
  let client: CommunicationIdentityClient;

  before(async () => {
    service = await testService();
    client = new CommunicationIdentityClient(service.connectionString);
  });

  it('createUser returns a new ACS user id', async () => {
    const first = await client.createUser();
    const second = await client.createUser();
    expect(first.communicationUserId).to.match(USER_ID);
    expect(second.communicationUserId).to.match(USER_ID);
    expect(first.communicationUserId).not.to.equal(second.communicationUserId);
    expect(Object.keys(first)).to.deep.equal(['communicationUserId']);
  });

  it('createUserAndToken issues a 24-hour token with the scopes asked for', async () => {
    const { user, token, expiresOn } = await client.createUserAndToken(['chat', 'voip']);
    expect(user.communicationUserId).to.match(USER_ID);
    expect(expiresOn).to.be.instanceOf(Date);
    expect(expiresOn.getTime()).to.be.closeTo(Date.now() + 24 * 60 * MINUTE, SLACK);
    const claims = payloadOf(token);
    expect(claims.sub).to.equal(user.communicationUserId);
    expect(claims.acsScope).to.equal('chat,voip');
    expect((claims.exp as number) * 1000).to.equal(expiresOn.getTime());
    expect(await statusOfTokenUse(service.endpoint, token)).to.equal(200);
  });

  it('getToken honours tokenExpiresInMinutes 60', async () => {
    const user = await client.createUser();
    const { token, expiresOn } = await client.getToken(user, ['chat'], { tokenExpiresInMinutes: 60 });
    expect(expiresOn.getTime()).to.be.closeTo(Date.now() + 60 * MINUTE, SLACK);
    expect(payloadOf(token).sub).to.equal(user.communicationUserId);
    expect(payloadOf(token).acsScope).to.equal('chat');
  });

  it('createUserAndToken honours tokenExpiresInMinutes', async () => {
    const { expiresOn } = await client.createUserAndToken(['voip'], { tokenExpiresInMinutes: 120 });
    expect(expiresOn.getTime()).to.be.closeTo(Date.now() + 120 * MINUTE, SLACK);
  });

  it('issueToken is an alias that returns { token, expiresOn }', async () => {
    const user = await client.createUser();
    const issued = await client.issueToken(user, ['voip']);
    expect(Object.keys(issued).sort()).to.deep.equal(['expiresOn', 'token']);
    expect(issued.token.split('.')).to.have.length(3);
    expect(issued.expiresOn.getTime()).to.be.closeTo(Date.now() + 24 * 60 * MINUTE, SLACK);
    expect(payloadOf(issued.token).sub).to.equal(user.communicationUserId);
  });

  it('revokeTokens invalidates the tokens issued so far, not later ones', async () => {
    const { user, token } = await client.createUserAndToken(['chat']);
    expect(await statusOfTokenUse(service.endpoint, token)).to.equal(200);
    expect(await client.revokeTokens(user)).to.equal(undefined);
    expect(await statusOfTokenUse(service.endpoint, token)).to.equal(401);
    const after = await client.getToken(user, ['chat']);
    expect(await statusOfTokenUse(service.endpoint, after.token)).to.equal(200);
  });

  it('deleteUser removes the user: getToken for it is a 404 IdentityNotFound', async () => {
    const user = await client.createUser();
    await client.deleteUser(user);
    expectRestError(await rejectionOf(client.getToken(user, ['chat'])), 404, 'IdentityNotFound');
    expectRestError(await rejectionOf(client.deleteUser(user)), 404, 'IdentityNotFound');
    expectRestError(await rejectionOf(client.revokeTokens(user)), 404, 'IdentityNotFound');
  });

  it('works with the (endpoint, { key }) constructor overload', async () => {
    const { endpoint, credential } = parseConnectionString(service.connectionString);
    const withoutSlash = endpoint.replace(/\/$/, '');
    for (const url of [endpoint, withoutSlash]) {
      const keyed = new CommunicationIdentityClient(url, { key: credential.key });
      const { user, token } = await keyed.createUserAndToken(['chat']);
      expect(user.communicationUserId).to.match(USER_ID);
      expect(payloadOf(token).sub).to.equal(user.communicationUserId);
    }
  });

  it('a wrong access key is refused with a 401 RestError', async () => {
    const { endpoint } = parseConnectionString(service.connectionString);
    const wrongKey = btoa('definitely-not-the-access-key-of-this-resource');
    const wrong = new CommunicationIdentityClient(`endpoint=${endpoint};accesskey=${wrongKey}`);
    expectRestError(await rejectionOf(wrong.createUser()), 401, 'InvalidSignature');
    const overload = new CommunicationIdentityClient(endpoint, { key: wrongKey });
    expectRestError(await rejectionOf(overload.createUserAndToken(['chat'])), 401);
  });

  it('an already-aborted AbortSignal rejects with AbortError before any request', async () => {
    const { fetch, requests } = fakeFetch([json(201, { identity: { id: FAKE_USER } })]);
    const faked = new CommunicationIdentityClient(FAKE_CONNECTION_STRING, { fetch });
    const controller = new AbortController();
    controller.abort();
    const user = { communicationUserId: FAKE_USER };
    const abortSignal = controller.signal;
    for (const call of [
      () => faked.createUser({ abortSignal }),
      () => faked.createUserAndToken(['chat'], { abortSignal }),
      () => faked.getToken(user, ['chat'], { abortSignal }),
      () => faked.revokeTokens(user, { abortSignal }),
      () => faked.deleteUser(user, { abortSignal }),
    ]) {
      const error = await rejectionOf(call());
      expect(error).to.be.instanceOf(AbortError);
      expect((error as AbortError).code).to.equal('Aborted');
    }
    expect(requests).to.have.length(0);
    // And against the real service.
    expect(await rejectionOf(client.createUser({ abortSignal }))).to.be.instanceOf(AbortError);
  });
});

describe('CommunicationIdentityClient argument checks', () => {
  const user = { communicationUserId: FAKE_USER };

  function fakedClient() {
    const fake = fakeFetch([json(200, { token: 'x.y.z', expiresOn: new Date().toISOString() })]);
    return { client: new CommunicationIdentityClient(FAKE_CONNECTION_STRING, { fetch: fake.fetch }), requests: fake.requests };
  }

  it('throws TypeError for empty or unknown scopes, before any request', async () => {
    const { client, requests } = fakedClient();
    const badScopes = [[], ['chat', 'fax'], ['CHAT'], 'chat'] as unknown as TokenScope[][];
    for (const scopes of badScopes) {
      expect(await rejectionOf(client.getToken(user, scopes))).to.be.instanceOf(TypeError);
      expect(await rejectionOf(client.createUserAndToken(scopes))).to.be.instanceOf(TypeError);
    }
    expect(requests).to.have.length(0);
  });

  it('throws TypeError for an identifier that is not a communication user, before any request', async () => {
    const { client, requests } = fakedClient();
    const notUsers = [
      { phoneNumber: '+14255550123' },
      { callingApplicationId: '28:acs:abc' },
      { id: 'x' },
      { communicationUserId: 'not-a-raw-id' },
      { communicationUserId: '8:acs:' },
      null,
    ] as never[];
    for (const identifier of notUsers) {
      expect(await rejectionOf(client.getToken(identifier, ['chat']))).to.be.instanceOf(TypeError);
      expect(await rejectionOf(client.revokeTokens(identifier))).to.be.instanceOf(TypeError);
      expect(await rejectionOf(client.deleteUser(identifier))).to.be.instanceOf(TypeError);
    }
    expect(requests).to.have.length(0);
  });

  it('throws RangeError for tokenExpiresInMinutes outside 60..1440 or not whole, before any request', async () => {
    const { client, requests } = fakedClient();
    for (const tokenExpiresInMinutes of [59, 1441, 60.5, 0, -60, Number.NaN]) {
      expect(await rejectionOf(client.getToken(user, ['chat'], { tokenExpiresInMinutes }))).to.be.instanceOf(RangeError);
      expect(await rejectionOf(client.createUserAndToken(['chat'], { tokenExpiresInMinutes }))).to.be.instanceOf(RangeError);
    }
    expect(requests).to.have.length(0);
    // The bounds themselves are fine.
    await client.getToken(user, ['chat'], { tokenExpiresInMinutes: 60 });
    await client.getToken(user, ['chat'], { tokenExpiresInMinutes: 1440 });
    expect(requests).to.have.length(2);
    expect(JSON.parse(String(requests[0]!.init?.body))).to.deep.equal({ scopes: ['chat'], expiresInMinutes: 60 });
  });

  it('throws TypeError for a malformed connection string', () => {
    const key = btoa('key');
    const malformed = [
      '',
      '   ',
      'nonsense',
      'endpoint=https://x.example/',
      `accesskey=${key}`,
      `endpoint=not a url;accesskey=${key}`,
      `endpoint=ftp://x.example/;accesskey=${key}`,
      'endpoint=https://x.example/;accesskey=***',
      'endpoint=https://x.example/;accesskey=',
      `=https://x.example/;accesskey=${key}`,
    ];
    for (const connectionString of malformed) {
      expect(() => new CommunicationIdentityClient(connectionString), connectionString).to.throw(TypeError);
    }
    expect(() => new CommunicationIdentityClient(undefined as never)).to.throw(TypeError);
  });

  it('accepts connection string keys in any case and order', async () => {
    const { fetch, requests } = fakeFetch([json(201, { identity: { id: FAKE_USER } })]);
    const client = new CommunicationIdentityClient(`AccessKey=${btoa('k')};Endpoint=https://reordered.example`, { fetch });
    expect(await client.createUser()).to.deep.equal({ communicationUserId: FAKE_USER });
    expect(requests[0]!.url).to.equal('https://reordered.example/identities?api-version=2023-10-01');
  });
});

describe('HttpPipeline retries', () => {
  const noAuth = async () => ({});

  function pipeline(fetch: typeof globalThis.fetch, maxRetries = 3) {
    return new HttpPipeline('https://retry.example', '2023-10-01', noAuth, {
      fetch,
      retryOptions: { maxRetries, retryDelayInMs: 1, maxRetryDelayInMs: 1000 },
    });
  }

  it('retries a 503 with Retry-After: 0 and succeeds on the second attempt', async () => {
    const fake = fakeFetch([
      json(503, { error: { code: 'ServiceUnavailable', message: 'busy' } }, { 'retry-after': '0' }),
      json(200, { ok: true }),
    ]);
    const response = await pipeline(fake.fetch).send({ method: 'POST', path: 'things', body: { a: 1 } });
    expect(response.status).to.equal(200);
    expect(response.body).to.deep.equal({ ok: true });
    expect(fake.requests).to.have.length(2);
    for (const request of fake.requests) {
      expect(request.url).to.equal('https://retry.example/things?api-version=2023-10-01');
      expect(request.init?.body).to.equal('{"a":1}');
    }
  });

  it('gives up after maxRetries on 429 with a RestError 429', async () => {
    const fake = fakeFetch([json(429, { error: { code: 'TooManyRequests', message: 'slow down' } }, { 'retry-after': '0' })]);
    const error = await rejectionOf(pipeline(fake.fetch, 2).send({ method: 'GET', path: 'things' }));
    expectRestError(error, 429, 'TooManyRequests');
    expect((error as RestError).message).to.equal('slow down');
    expect((error as RestError).details).to.deep.equal({ error: { code: 'TooManyRequests', message: 'slow down' } });
    expect(fake.requests).to.have.length(3);
  });

  it('does not retry a 400', async () => {
    const fake = fakeFetch([json(400, { error: { code: 'ValidationError', message: 'bad' } }), json(200, { ok: true })]);
    expectRestError(await rejectionOf(pipeline(fake.fetch).send({ method: 'POST', path: 'things', body: {} })), 400, 'ValidationError');
    expect(fake.requests).to.have.length(1);
  });

  it('names a status without an error body Http<status>', async () => {
    const fake = fakeFetch([() => new Response('<html>nope</html>', { status: 404, statusText: 'Not Found' })]);
    expectRestError(await rejectionOf(pipeline(fake.fetch).send({ method: 'GET', path: 'x' })), 404, 'Http404');
  });

  it('retries a network TypeError, then fails with RestError NetworkError', async () => {
    const fake = fakeFetch([
      () => {
        throw new TypeError('Failed to fetch');
      },
    ]);
    const error = await rejectionOf(pipeline(fake.fetch, 2).send({ method: 'GET', path: 'things' }));
    expectRestError(error, undefined, 'NetworkError');
    expect((error as RestError).cause).to.be.instanceOf(TypeError);
    expect(fake.requests).to.have.length(3);
  });

  it('recovers when the network comes back', async () => {
    const fake = fakeFetch([
      () => {
        throw new TypeError('Failed to fetch');
      },
      json(200, { ok: true }),
    ]);
    const response = await pipeline(fake.fetch).send({ method: 'GET', path: 'things' });
    expect(response.body).to.deep.equal({ ok: true });
    expect(fake.requests).to.have.length(2);
  });

  it('waits as long as Retry-After says, capped by maxRetryDelayInMs', async () => {
    const clock = FakeTimers.install({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    try {
      const cases = [
        { retryAfter: '30', maxRetryDelayInMs: undefined, expectedWait: 30_000 },
        { retryAfter: '120', maxRetryDelayInMs: 1000, expectedWait: 1000 },
      ];
      for (const { retryAfter, maxRetryDelayInMs, expectedWait } of cases) {
        const fake = fakeFetch([json(503, undefined, { 'retry-after': retryAfter }), json(200, { ok: true })]);
        const pending = new HttpPipeline('https://retry.example', '2023-10-01', noAuth, {
          fetch: fake.fetch,
          retryOptions: { maxRetries: 3, retryDelayInMs: 1, maxRetryDelayInMs },
        }).send({ method: 'GET', path: 'things' });
        await clock.tickAsync(0);
        expect(fake.requests).to.have.length(1);
        await clock.tickAsync(expectedWait - 1);
        expect(fake.requests).to.have.length(1);
        await clock.tickAsync(1);
        expect(fake.requests).to.have.length(2);
        expect((await pending).body).to.deep.equal({ ok: true });
      }
    } finally {
      clock.uninstall();
    }
  });

  it('rejects with AbortError when aborted while waiting to retry, without another attempt', async () => {
    const clock = FakeTimers.install({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    try {
      const fake = fakeFetch([json(503, undefined, { 'retry-after': '30' }), json(200, { ok: true })]);
      const controller = new AbortController();
      const pending = pipeline(fake.fetch, 3).send({ method: 'GET', path: 'things', abortSignal: controller.signal });
      const settled = rejectionOf(pending);
      await clock.tickAsync(0);
      expect(fake.requests).to.have.length(1);
      controller.abort();
      const error = await settled;
      expect(error).to.be.instanceOf(AbortError);
      await clock.tickAsync(60_000);
      expect(fake.requests).to.have.length(1);
    } finally {
      clock.uninstall();
    }
  });

  it('signs every attempt again through the client', async () => {
    const fake = fakeFetch([json(503, undefined, { 'retry-after': '0' }), json(201, { identity: { id: FAKE_USER } })]);
    const client = new CommunicationIdentityClient(FAKE_CONNECTION_STRING, { fetch: fake.fetch });
    expect(await client.createUser()).to.deep.equal({ communicationUserId: FAKE_USER });
    expect(fake.requests).to.have.length(2);
    for (const request of fake.requests) {
      const headers = request.init?.headers as Record<string, string>;
      expect(headers.Authorization).to.match(/^HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=\S+$/);
      expect(headers['x-ms-content-sha256']).to.be.a('string');
    }
  });
});
