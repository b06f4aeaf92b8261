import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { withService } from '../kit/node.js';
import { ChatClient, type ChatMessageReceivedEvent } from '../../src/chat/index.js';
import { AzureCommunicationTokenCredential } from '../../src/common/credential.js';
import { AbortError } from '../../src/common/errors.js';
import { RealtimeChannel } from '../../src/common/realtimeChannel.js';
import { openWebSocket } from '../../src/common/webSocket.js';
import { CommunicationIdentityClient } from '../../src/identity/communicationIdentityClient.js';

const TIMEOUT_MS = 10_000;

/** Resolves with the first `chatMessageReceived` that matches, or rejects after a generous timeout. */
function nextMessage(client: ChatClient, match: (event: ChatMessageReceivedEvent) => boolean): Promise<ChatMessageReceivedEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('chatMessageReceived', listener);
      reject(new Error(`no matching chatMessageReceived within ${TIMEOUT_MS} ms`));
    }, TIMEOUT_MS);
    const listener = (event: ChatMessageReceivedEvent) => {
      if (!match(event)) return;
      clearTimeout(timer);
      client.off('chatMessageReceived', listener);
      resolve(event);
    };
    client.on('chatMessageReceived', listener);
  });
}

describe('ChatClient in Node (ws adapter)', () => {
  const service = withService();
  let identity: CommunicationIdentityClient;

  before(async () => {
    identity = new CommunicationIdentityClient(service().connectionString);
  });

  test('a message sent by one user arrives as a real-time event at the other', async () => {
    // Node 20 has no global WebSocket: the channel must have gone through the ws adapter.
    if (Number(process.versions.node.split('.')[0]) < 22)
      assert.equal(typeof (globalThis as { WebSocket?: unknown }).WebSocket, 'undefined');
    const alice = await identity.createUserAndToken(['chat']);
    const bob = await identity.createUserAndToken(['chat']);
    const aliceChat = new ChatClient(service().endpoint, new AzureCommunicationTokenCredential(alice.token));
    const bobChat = new ChatClient(service().endpoint, bob.token);
    const states: string[] = [];
    try {
      await bobChat.startRealtimeNotifications();
      bobChat.realtimeChannel!.on('stateChanged', ({ state }) => states.push(state));
      assert.equal(bobChat.realtimeChannel!.state, 'connected');

      const created = await aliceChat.createChatThread({ topic: 'from node' }, { participants: [{ id: bob.user, displayName: 'Bob' }] });
      const threadId = created.chatThread!.id;
      const arrival = nextMessage(bobChat, (event) => event.threadId === threadId);
      const { id } = await aliceChat
        .getChatThreadClient(threadId)
        .sendMessage({ content: 'hello from node' }, { senderDisplayName: 'Alice' });

      const event = await arrival;
      assert.equal(event.id, id);
      assert.equal(event.message, 'hello from node');
      assert.equal(event.senderDisplayName, 'Alice');
      assert.deepEqual(event.sender, { kind: 'communicationUser', communicationUserId: alice.user.communicationUserId });
      assert.deepEqual(event.recipient, { kind: 'communicationUser', communicationUserId: bob.user.communicationUserId });
      assert.ok(event.createdOn instanceof Date && !Number.isNaN(event.createdOn.getTime()));
    } finally {
      await bobChat.stopRealtimeNotifications();
    }
    assert.equal(bobChat.realtimeChannel!.state, 'disconnected');
    assert.deepEqual(states, ['disconnected']);
  });

  test('a channel that lost its socket resumes in Node without losing an event', async () => {
    const alice = await identity.createUserAndToken(['chat']);
    const bob = await identity.createUserAndToken(['chat']);
    const aliceChat = new ChatClient(service().endpoint, alice.token);
    const channel = new RealtimeChannel(service().endpoint, new AzureCommunicationTokenCredential(bob.token), {
      minReconnectDelayInMs: 10,
    });
    const bobChat = new ChatClient(service().endpoint, bob.token, { realtimeChannel: channel });
    try {
      await bobChat.startRealtimeNotifications();
      const { chatThread } = await aliceChat.createChatThread({ topic: 'resume' }, { participants: [{ id: bob.user }] });
      const thread = aliceChat.getChatThreadClient(chatThread!.id);
      channel.dropConnectionForTesting();
      assert.equal(channel.state, 'reconnecting');
      const arrival = nextMessage(bobChat, (event) => event.threadId === chatThread!.id);
      const { id } = await thread.sendMessage({ content: 'sent while away' });
      assert.equal((await arrival).id, id);
    } finally {
      channel.stop();
    }
  });

  test('stopping while the socket is still connecting neither crashes Node nor leaves start() pending', async () => {
    const { token } = await identity.createUserAndToken(['chat']);
    let stopped = false;
    const channel: RealtimeChannel = new RealtimeChannel(service().endpoint, new AzureCommunicationTokenCredential(token), {
      // Stops right after the socket is made, before its handshake can finish: ws then reports an
      // error on the abandoned socket, which must have a listener.
      webSocketFactory: async (url, protocols) => {
        const socket = await openWebSocket(url, protocols);
        queueMicrotask(() => {
          channel.stop();
          stopped = true;
        });
        return socket;
      },
    });
    const outcome = await channel.start().catch((error: unknown) => error);
    assert.ok(stopped);
    assert.ok(outcome instanceof AbortError);
    assert.equal(channel.state, 'disconnected');
    // ws emits its error on the next tick; let it (an unhandled one would fail this test).
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  });
});
