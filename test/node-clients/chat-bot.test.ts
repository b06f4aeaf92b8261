import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startChatBot, type RunningChatBot } from '../../examples/chat-bot/bot.js';
import { ChatClient } from '../../src/chat/chatClient.js';
import type { ChatMessageReceivedEvent } from '../../src/chat/events.js';
import { CommunicationIdentityClient } from '../../src/identity/communicationIdentityClient.js';
import { withService } from '../kit/node.js';
import { until } from '../kit/wait.js';
import { assertError, plainRequest, userRequest } from '../kit/serverHelpers.js';

describe('the example chat bot: a calling application answering in threads it is added to', () => {
  const service = withService({ demo: true });
  let bot: RunningChatBot;
  let user: ChatClient;

  before(async () => {
    bot = await startChatBot({ connectionString: service().connectionString, displayName: 'Echo bot' });
    const { token } = await new CommunicationIdentityClient(service().connectionString).createUserAndToken(['chat']);
    user = new ChatClient(service().endpoint, token);
    await user.startRealtimeNotifications();
  });

  after(async () => {
    await user?.stopRealtimeNotifications();
    await bot?.stop();
  });

  test('it greets a thread it is added to and answers each message, under its own name', async () => {
    const received: ChatMessageReceivedEvent[] = [];
    user.on('chatMessageReceived', (event) => received.push(event));
    const { chatThread } = await user.createChatThread(
      { topic: 'Ask the bot' },
      { participants: [{ id: { callingApplicationId: bot.applicationId } }] },
    );
    const fromBot = () => received.filter((e) => e.sender.kind === 'callingApplication');
    await until(() => fromBot().length === 1, 'the greeting');
    assert.match(fromBot()[0]!.message, /Hello! I am Echo bot/);
    assert.equal(fromBot()[0]!.senderDisplayName, 'Echo bot');
    await user.getChatThreadClient(chatThread!.id).sendMessage({ content: 'time' }, { senderDisplayName: 'Ada' });
    await until(() => fromBot().length === 2, 'the answer');
    assert.match(fromBot()[1]!.message, /^It is /);
  });

  test('its token is for chat only: calling routes and the demo refresh refuse it', async () => {
    const identity = new CommunicationIdentityClient(service().connectionString);
    const { token } = await identity.getCallingApplicationToken({ callingApplicationId: bot.applicationId });
    assertError(await userRequest(service(), token, 'GET', '/calling/history'), 403, 'NotForApplications');
    assertError(await userRequest(service(), token, 'POST', '/calling/calls', { targets: [], endpointId: 'x' }), 403, 'NotForApplications');
    const refresh = await plainRequest(service(), 'POST', '/demo/token/refresh', {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    assertError(refresh, 403, 'NotForApplications');
    let error: unknown;
    try {
      await identity.getCallingApplicationToken({ callingApplicationId: '8:acs:not-an-app' });
    } catch (caught) {
      error = caught;
    }
    assert.ok(error instanceof TypeError, 'a user id is not an application');
  });
});
