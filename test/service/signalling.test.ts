import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { withService } from '../kit/node.js';
import { CALLING_API_VERSION, type CallModel } from '../../src/calling/callingProtocol.js';
import { peerIdFor } from '../../src/calling/peerIds.js';
import {
  type ChatUser,
  type UpgradeOutcome,
  assertError,
  chatUser,
  forgeToken,
  registerPeer,
  userModel,
  userRequest,
} from '../kit/serverHelpers.js';

function assertRefused(outcome: UpgradeOutcome, status: number, code: string): void {
  assert.equal(outcome.status, status, JSON.stringify(outcome));
  const body = JSON.parse(outcome.body) as { error?: { code?: string } };
  assert.equal(body.error?.code, code, outcome.body);
}

const now = () => Math.floor(Date.now() / 1000);

describe('PeerJS signalling: a peer registers only its own user’s id', () => {
  const service = withService();
  let alice: ChatUser;
  let bob: ChatUser;

  before(async () => {
    alice = await chatUser(service(), ['voip']);
    bob = await chatUser(service(), ['voip', 'chat']);
  });

  test('its own id: the socket opens and the PeerJS OPEN message arrives', async () => {
    const outcome = await registerPeer(service(), { id: peerIdFor(alice.id, 'tab1'), token: alice.token });
    assert.equal(outcome.status, 101, JSON.stringify(outcome));
    assert.equal((JSON.parse(outcome.body) as { type?: string }).type, 'OPEN');
  });

  test('another user’s id: 403 before the socket opens', async () => {
    assertRefused(await registerPeer(service(), { id: peerIdFor(bob.id, 'tab1'), token: alice.token }), 403, 'PeerIdNotOwned');
  });

  test('no token, a malformed token, a token signed with another key: 401', async () => {
    const id = peerIdFor(alice.id, 'tab1');
    assert.equal((await registerPeer(service(), { id })).status, 401);
    assert.equal((await registerPeer(service(), { id, token: 'not-a-token' })).status, 401);
    const foreign = await forgeToken(
      Buffer.alloc(32, 7).toString('base64'),
      { sub: alice.id, acsScope: 'voip', gen: 0 },
      {
        iat: now() - 60,
        exp: now() + 3600,
      },
    );
    assert.equal((await registerPeer(service(), { id, token: foreign })).status, 401);
  });

  test('an expired token: 401 (and the same claims unexpired are accepted)', async () => {
    const secret = service().secrets.tokenSigningSecret;
    const claims = { sub: alice.id, acsScope: 'voip', gen: 0 };
    const id = peerIdFor(alice.id, 'tab2');
    const live = await forgeToken(secret, claims, { iat: now() - 60, exp: now() + 3600 });
    assert.equal((await registerPeer(service(), { id, token: live })).status, 101);
    const expired = await forgeToken(secret, claims, { iat: now() - 7200, exp: now() - 60 });
    assertRefused(await registerPeer(service(), { id, token: expired }), 401, 'TokenExpired');
  });

  test('a chat-only token: 403', async () => {
    const chatOnly = await chatUser(service(), ['chat']);
    assertRefused(await registerPeer(service(), { id: peerIdFor(chatOnly.id, 'tab1'), token: chatOnly.token }), 403, 'InsufficientScope');
  });

  test('an id that is not a calling endpoint id: 400', async () => {
    for (const id of [
      'alice',
      `${peerIdFor(alice.id, 'tab1')}-extra`,
      'pzz-tab1',
      'p4-tab1',
      `${peerIdFor(alice.id, 'tab1').slice(0, -5)}-`,
    ]) {
      assertRefused(await registerPeer(service(), { id, token: alice.token }), 400, 'InvalidPeerId');
    }
  });
});

describe('calling control routes: scopes and membership', () => {
  const service = withService();
  let alice: ChatUser;
  let bob: ChatUser;
  let eve: ChatUser;
  let chatOnly: ChatUser;

  const calling = <T = unknown>(user: ChatUser | undefined, method: string, path: string, body?: unknown) =>
    userRequest<T>(service(), user?.token, method, path, body, { apiVersion: CALLING_API_VERSION });

  /** Alice calls Bob over REST; returns the call id. */
  async function startCall(): Promise<string> {
    const response = await calling<CallModel>(alice, 'POST', '/calling/calls', { targets: [userModel(bob.id)], endpointId: 'alice1' });
    assert.equal(response.status, 201, response.text);
    return response.body.id;
  }

  before(async () => {
    [alice, bob, eve] = (await Promise.all([0, 1, 2].map(() => chatUser(service(), ['voip'])))) as [ChatUser, ChatUser, ChatUser];
    chatOnly = await chatUser(service(), ['chat']);
  });

  test('a chat-only token is refused with 403 on every calling route', async () => {
    const callId = encodeURIComponent(await startCall());
    const routes: [string, string, unknown?][] = [
      ['GET', '/calling/config'],
      ['POST', '/calling/calls', { targets: [userModel(bob.id)], endpointId: 'chat1' }],
      ['GET', `/calling/calls/${callId}`],
      ['POST', `/calling/calls/${callId}/:accept`, { endpointId: 'chat1' }],
      ['POST', `/calling/calls/${callId}/:reject`, {}],
      ['POST', `/calling/calls/${callId}/:hangUp`, {}],
      ['POST', `/calling/calls/${callId}/participants/:add`, { targets: [userModel(eve.id)] }],
      ['POST', `/calling/calls/${callId}/:updateMediaState`, { isMuted: true }],
      ['GET', '/calling/history'],
    ];
    for (const [method, path, body] of routes) {
      const response = await calling(chatOnly, method, path, body);
      assertError(response, 403, 'InsufficientScope');
    }
    // No token at all is 401.
    assertError(await calling(undefined, 'GET', '/calling/config'), 401);
  });

  test('someone not in a call gets 404 for its id, as for a call that does not exist', async () => {
    const callId = await startCall();
    const id = encodeURIComponent(callId);
    // Control: the callee sees it.
    assert.equal((await calling(bob, 'GET', `/calling/calls/${id}`)).status, 200);
    for (const target of [id, encodeURIComponent(crypto.randomUUID())]) {
      const routes: [string, string, unknown?][] = [
        ['GET', `/calling/calls/${target}`],
        ['POST', `/calling/calls/${target}/:accept`, { endpointId: 'eve1' }],
        ['POST', `/calling/calls/${target}/:reject`, {}],
        ['POST', `/calling/calls/${target}/:hangUp`, {}],
        ['POST', `/calling/calls/${target}/participants/:add`, { targets: [userModel(eve.id)] }],
        ['POST', `/calling/calls/${target}/:updateMediaState`, { isMuted: true }],
      ];
      for (const [method, path, body] of routes) assertError(await calling(eve, method, path, body), 404, 'CallNotFound');
    }
    // Eve's attempts changed nothing: Bob still rings, nobody else was added.
    const model = (await calling<CallModel>(bob, 'GET', `/calling/calls/${id}`)).body;
    assert.equal(model.participants.length, 2);
    assert.equal(model.state, 'Ringing');
  });

  test('hanging up answers with the call as it ended: the caller cancelling gets 487', async () => {
    const id = encodeURIComponent(await startCall());
    const response = await calling<CallModel>(alice, 'POST', `/calling/calls/${id}/:hangUp`, {});
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.state, 'Ended');
    assert.deepEqual(response.body.callEndReason, { code: 487, subCode: 0 });
    const own = response.body.participants.find((p) => p.identifier.rawId === alice.id);
    assert.equal(own?.callEndReason?.code, 487);
    // The call is gone: hanging up again is 404.
    assertError(await calling(alice, 'POST', `/calling/calls/${id}/:hangUp`, {}), 404, 'CallNotFound');
  });
});
