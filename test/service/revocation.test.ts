/**
 * Revoking a user's tokens or deleting the user closes the sockets opened with those tokens at once
 * (4401 with a reason), real-time and signalling alike, instead of leaving them open until the
 * token expires. Other users' sockets stay open; a new token connects again.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import type { RunningService } from '../../mock-server/service.js';
import { withService } from '../kit/node.js';
import { peerIdFor } from '../../src/calling/peerIds.js';
import {
  type ChatUser,
  RealtimeTestClient,
  WAIT_MS,
  adminRequest,
  chatUser,
  closeRealtimeClients,
  createThread,
  sendMessage,
} from '../kit/serverHelpers.js';

/** A registered PeerJS signalling socket, and how it closed. */
async function signallingSocket(
  service: RunningService,
  user: ChatUser,
  endpointId: string,
): Promise<{ ws: WebSocket; closed: Promise<{ code: number; reason: string }> }> {
  const url = new URL(`${service.endpoint.replace(/^http/, 'ws')}peerjs/peerjs`);
  url.searchParams.set('key', 'peerjs');
  url.searchParams.set('id', peerIdFor(user.id, endpointId));
  url.searchParams.set('token', user.token);
  const ws = new WebSocket(url);
  ws.on('error', () => undefined);
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no OPEN from signalling')), WAIT_MS);
    void closed.then(({ code, reason }) => {
      clearTimeout(timer);
      reject(new Error(`signalling closed ${code} ${reason} before OPEN`));
    });
    ws.once('message', (data) => {
      clearTimeout(timer);
      assert.equal((JSON.parse(data.toString()) as { type: string }).type, 'OPEN');
      resolve();
    });
  });
  return { ws, closed };
}

/** `promise`, or a clear failure if it never settles (a hang guard, not a speed limit: the tokens would not expire for hours). */
function within<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not happen within ${WAIT_MS} ms`)), WAIT_MS).unref()),
  ]);
}

describe('revocation and deletion close open sockets', () => {
  const service = withService();
  after(async () => {
    await closeRealtimeClients();
  });

  test('revokeAccessTokens closes every real-time and signalling socket of the user with 4401', async () => {
    const alice = await chatUser(service(), ['chat', 'voip']);
    const bob = await chatUser(service(), ['chat', 'voip']);
    const laptop = await RealtimeTestClient.ready(service(), { token: alice.token, endpointId: 'a-laptop' });
    const phone = await RealtimeTestClient.ready(service(), { token: alice.token, endpointId: 'a-phone' });
    const bobs = await RealtimeTestClient.ready(service(), { token: bob.token, endpointId: 'b-laptop' });
    const peer = await signallingSocket(service(), alice, 'alaptop');
    const bobsPeer = await signallingSocket(service(), bob, 'blaptop');

    const response = await adminRequest(service(), 'POST', `/identities/${encodeURIComponent(alice.id)}/:revokeAccessTokens`);
    assert.equal(response.status, 204, response.text);

    for (const client of [laptop, phone]) {
      const closed = await within(client.waitForClose(), 'the real-time close');
      assert.equal(closed.code, 4401);
      assert.match(closed.reason, /revoked/);
    }
    const peerClosed = await within(peer.closed, 'the signalling close');
    assert.equal(peerClosed.code, 4401);
    assert.match(peerClosed.reason, /revoked/);

    // Bob is untouched: his sockets still carry events and relay messages.
    const thread = await createThread(service(), bob, [], 'Still here');
    await bobs.waitFor((f) => f.type === 'event' && (f as { data: { threadId?: string } }).data.threadId === thread, 'bob’s event');
    assert.equal(bobsPeer.ws.readyState, WebSocket.OPEN);
    bobsPeer.ws.close();

    // The old token no longer connects; a new one does.
    const again = RealtimeTestClient.connect(service(), { token: alice.token, endpointId: 'a-laptop' });
    assert.equal((await again.waitForClose()).code, 4401);
    const { token } = await service().tokens.issue(alice.id, ['chat']);
    await RealtimeTestClient.ready(service(), { token, endpointId: 'a-laptop' });
  });

  test('deleting the user closes its sockets with 4401 "identity deleted"', async () => {
    const carol = await chatUser(service(), ['chat', 'voip']);
    const dave = await chatUser(service(), ['chat']);
    const thread = await createThread(service(), dave, [carol.id]);
    const client = await RealtimeTestClient.ready(service(), { token: carol.token, endpointId: 'c-1' });
    const peer = await signallingSocket(service(), carol, 'c1');
    await sendMessage(service(), dave, thread, 'hello');

    const response = await adminRequest(service(), 'DELETE', `/identities/${encodeURIComponent(carol.id)}`);
    assert.equal(response.status, 204, response.text);
    const closed = await within(client.waitForClose(), 'the real-time close');
    assert.equal(closed.code, 4401);
    assert.match(closed.reason, /deleted/);
    const peerClosed = await within(peer.closed, 'the signalling close');
    assert.equal(peerClosed.code, 4401);
  });

  test('a token revoked while its upgrade is in flight opens no socket (real-time and signalling)', async () => {
    const erin = await chatUser(service(), ['chat', 'voip']);
    // The revoke lands right after the token verified, before the socket opens.
    const verify = service().tokens.verify.bind(service().tokens);
    service().tokens.verify = async (...args: Parameters<typeof verify>) => {
      const verified = await verify(...args);
      service().identities.revokeTokens(erin.id);
      return verified;
    };
    try {
      const client = RealtimeTestClient.connect(service(), { token: erin.token, endpointId: 'e-1' });
      const closed = await client.waitForClose();
      assert.equal(closed.code, 4401);
      assert.equal(client.readyFrame, undefined, 'ready was sent on a revoked token');
      const fresh = await service().tokens.issue(erin.id, ['voip']);
      const peer = signallingSocket(service(), { id: erin.id, token: fresh.token }, 'e1');
      await assert.rejects(peer, /closed 4401/);
    } finally {
      delete (service().tokens as { verify?: unknown }).verify;
    }
  });
});

describe('signalling: a reconnect with a refreshed token takes over its own peer id', () => {
  const service = withService();

  test('the new socket gets OPEN at once (no ID-TAKEN); the stale one is closed', async () => {
    const frank = await chatUser(service(), ['voip']);
    const stale = await signallingSocket(service(), frank, 'f1');
    // A network drop the service has not noticed yet, and a refreshed token: the peer reconnects.
    const refreshed = { id: frank.id, token: (await service().tokens.issue(frank.id, ['voip'])).token };
    assert.notEqual(refreshed.token, frank.token);
    const fresh = await signallingSocket(service(), refreshed, 'f1');
    await within(stale.closed, 'the stale socket to close');
    assert.equal(fresh.ws.readyState, WebSocket.OPEN);
    // Messages to the id reach the new socket.
    const other = await chatUser(service(), ['voip']);
    const sender = await signallingSocket(service(), other, 'o1');
    const relayed = new Promise<Record<string, unknown>>((resolve) =>
      fresh.ws.once('message', (data) => resolve(JSON.parse(data.toString()) as Record<string, unknown>)),
    );
    sender.ws.send(JSON.stringify({ type: 'OFFER', dst: peerIdFor(frank.id, 'f1'), payload: { sdp: 'x' } }));
    assert.deepEqual((await within(relayed, 'the relayed offer')).payload, { sdp: 'x' });
    fresh.ws.close();
    sender.ws.close();
  });
});
