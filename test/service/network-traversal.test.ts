import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CommunicationIdentityClient } from '@azure/communication-identity';
import { CommunicationRelayClient } from '@azure/communication-network-traversal';
import { type RunningService, startService } from '../../mock-server/service.js';
import { until } from '../kit/wait.js';
import { adminRequest, assertError, chatUser, userRequest } from '../kit/serverHelpers.js';
import { startServiceProcess } from '../kit/serviceProcess.js';

const SECRET = 'relay-test-secret';
const RELAY = { urls: ['turn:127.0.0.1:3478?transport=udp'], secret: SECRET, callingTtlSeconds: 120 };
const PATH = '/networkTraversal/:issueRelayConfiguration';

/** The TURN REST credential coturn expects for this username. */
const credentialOf = (username: string) => createHmac('sha1', SECRET).update(username).digest('base64');
const expiryOf = (username: string) => Number(username.split(':')[0]);
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('the official @azure/communication-network-traversal SDK as a client', () => {
  let service: RunningService;
  let relayClient: CommunicationRelayClient;
  before(async () => {
    service = await startService({ relay: RELAY });
    relayClient = new CommunicationRelayClient(service.connectionString, { allowInsecureConnection: true } as never);
  });
  after(() => service.close());

  test('getRelayConfiguration() with no options: 48 h TURN REST credentials, routeType any', async () => {
    const config = await relayClient.getRelayConfiguration();
    assert.ok(config.expiresOn instanceof Date);
    assert.equal(config.iceServers.length, 1);
    const [server] = config.iceServers;
    assert.deepEqual(server!.urls, RELAY.urls);
    assert.equal(server!.routeType, 'any');
    assert.match(server!.username, /^\d+:acs$/);
    assert.equal(server!.credential, credentialOf(server!.username));
    assert.equal(config.expiresOn.getTime(), expiryOf(server!.username) * 1000);
    const ttl = expiryOf(server!.username) - nowSeconds();
    assert.ok(ttl > 172_800 - 30 && ttl <= 172_800, `ttl ${ttl}`);
  });

  test('getRelayConfiguration({ id, routeType, ttl }) names the user and honours ttl and routeType', async () => {
    const identity = new CommunicationIdentityClient(service.connectionString, { allowInsecureConnection: true } as never);
    const user = await identity.createUser();
    const config = await relayClient.getRelayConfiguration({ id: user.communicationUserId, routeType: 'nearest', ttl: 3600 });
    const [server] = config.iceServers;
    assert.equal(server!.routeType, 'nearest');
    assert.equal(server!.username, `${expiryOf(server!.username)}:${user.communicationUserId.replace(/:/g, '_')}`);
    assert.equal(server!.credential, credentialOf(server!.username));
    const ttl = expiryOf(server!.username) - nowSeconds();
    assert.ok(ttl > 3600 - 30 && ttl <= 3600, `ttl ${ttl}`);
  });

  test('a ttl below a minute gets a minute; an unknown id is a RestError 404', async () => {
    const config = await relayClient.getRelayConfiguration({ ttl: 5 });
    const ttl = expiryOf(config.iceServers[0]!.username) - nowSeconds();
    assert.ok(ttl > 30 && ttl <= 60, `ttl ${ttl}`);
    await assert.rejects(relayClient.getRelayConfiguration({ id: '8:acs:nobody_x' }), (error: unknown) => {
      assert.equal((error as { statusCode?: number }).statusCode, 404);
      assert.equal((error as { code?: string }).code, 'IdentityNotFound');
      return true;
    });
  });

  test('the wrong access key is a RestError 401', async () => {
    const other = new CommunicationRelayClient(`endpoint=${service.endpoint};accesskey=${Buffer.alloc(32, 7).toString('base64')}`, {
      allowInsecureConnection: true,
    } as never);
    await assert.rejects(other.getRelayConfiguration(), (error: unknown) => {
      assert.equal((error as { statusCode?: number }).statusCode, 401);
      return true;
    });
  });
});

describe('the network-traversal route over HTTP', () => {
  let service: RunningService;
  before(async () => {
    service = await startService({ relay: RELAY });
  });
  after(() => service.close());

  test("a user's voip token gets credentials for that user; a chat-only token is refused", async () => {
    const user = await chatUser(service, ['voip']);
    const response = await userRequest<{ iceServers: { username: string; credential: string }[]; expiresOn: string }>(
      service,
      user.token,
      'POST',
      PATH,
      { ttl: 600 },
    );
    assert.equal(response.status, 200);
    const [server] = response.body.iceServers;
    assert.ok(server!.username.endsWith(`:${user.id.replace(/:/g, '_')}`));
    assert.equal(server!.credential, credentialOf(server!.username));
    assert.equal(Date.parse(response.body.expiresOn), expiryOf(server!.username) * 1000);
    const other = await chatUser(service, ['voip']);
    assertError(await userRequest(service, user.token, 'POST', PATH, { id: other.id }), 403, 'NotYourIdentity');
    const chatOnly = await chatUser(service, ['chat']);
    assertError(await userRequest(service, chatOnly.token, 'POST', PATH, {}), 403, 'InsufficientScope');
  });

  test('bad bodies are 400s; a service without a relay answers 404 RelayNotConfigured', async () => {
    for (const body of [{ ttl: -1 }, { ttl: 172_801 }, { ttl: 1.5 }, { ttl: '60' }, { routeType: 'fastest' }, { extra: 1 }]) {
      assertError(await adminRequest(service, 'POST', PATH, body), 400);
    }
    const bare = await startService();
    try {
      assertError(await adminRequest(bare, 'POST', PATH, {}), 404, 'RelayNotConfigured');
    } finally {
      await bare.close();
    }
  });

  test('GET /calling/config hands each agent fresh relay credentials with their expiresOn', async () => {
    const user = await chatUser(service, ['voip']);
    const response = await userRequest<{ iceServers: { urls: string[]; username: string; credential: string }[]; expiresOn: string }>(
      service,
      user.token,
      'GET',
      '/calling/config',
    );
    assert.equal(response.status, 200);
    const [server] = response.body.iceServers;
    assert.deepEqual(server!.urls, RELAY.urls);
    assert.equal(server!.credential, credentialOf(server!.username));
    const ttl = expiryOf(server!.username) - nowSeconds();
    assert.ok(ttl > 90 && ttl <= 120, `ttl ${ttl}`);
    assert.equal(Date.parse(response.body.expiresOn), expiryOf(server!.username) * 1000);
  });
});

describe('npm run server -- --turn', () => {
  test('starts coturn beside the service, issues its credentials, and stops it with the service', async () => {
    const service = await startServiceProcess(['--memory', '--turn']);
    let pid: number | undefined;
    try {
      const line = await until(
        () => service.output.join('').match(/TURN relay \(coturn, pid (\d+)\): (turn:127\.0\.0\.1:\d+)/),
        'the TURN relay line',
      );
      pid = Number(line[1]);
      assert.doesNotThrow(() => process.kill(pid!, 0), 'coturn runs');
      const client = new CommunicationRelayClient(service.connectionString, { allowInsecureConnection: true } as never);
      const config = await client.getRelayConfiguration({ ttl: 600 });
      assert.deepEqual(config.iceServers[0]!.urls, [`${line[2]}?transport=udp`, `${line[2]}?transport=tcp`]);
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
    }
    assert.throws(() => process.kill(pid!, 0), 'coturn stopped with the service');
  });

  test('without turnserver on PATH it exits 2 and says how to install coturn', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'mock-server/main.ts', '--memory', '--port', '0', '--turn'], {
      // An empty folder as PATH: node is run by its absolute path, turnserver is nowhere.
      env: { ...process.env, PATH: mkdtempSync(join(tmpdir(), 'no-turnserver-')) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 2, stderr);
    assert.match(stderr, /turnserver/);
    assert.match(stderr, /apt-get install -y coturn/);
  });
});

describe('CallClient networkConfiguration', () => {
  test('takes turn.iceServers and an iceTransportPolicy of all or relay; refuses anything else before any request', async () => {
    const { CallClient } = await import('../../src/calling/callClient.js');
    assert.doesNotThrow(
      () =>
        new CallClient({
          networkConfiguration: { turn: { iceServers: [{ urls: 'turn:127.0.0.1:3478', username: 'u', credential: 'c' }] } },
        }),
    );
    assert.doesNotThrow(() => new CallClient({ networkConfiguration: { iceTransportPolicy: 'relay' } }));
    assert.doesNotThrow(() => new CallClient({ networkConfiguration: { iceTransportPolicy: 'all' } }));
    assert.throws(() => new CallClient({ networkConfiguration: { iceTransportPolicy: 'none' as never } }), TypeError);
    assert.throws(() => new CallClient({ networkConfiguration: { turn: { iceServers: 'turn:x' as never } } }), TypeError);
    assert.throws(() => new CallClient({ networkConfiguration: { turn: { iceServers: [{ username: 'u' } as never] } } }), TypeError);
  });
});
