import { expect } from '@open-wc/testing';
import { ChatClient } from '../../src/chat/chatClient.js';
import { AzureCommunicationTokenCredential } from '../../src/common/credential.js';
import { identifierFromToken } from '../../src/common/tokenIdentity.js';
import { ChatThreadSource } from '../../src/ui/state/chatThreadSource.js';
import { callingUser, disposeAll } from '../browser/callingHelpers.js';
import { createTestUser } from '../browser/chatTestHelpers.js';
import { testService } from '../browser/service.js';
import { until } from '../kit/wait.js';

function unsignedToken(claims: Record<string, unknown>): string {
  const part = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `${part({ alg: 'none' })}.${part({ exp: Math.floor(Date.now() / 1000) + 3600, ...claims })}.signature`;
}

describe('identity: "who am I" is read once, from the token', () => {
  it('reads skypeid as ACS issues it (no 8: prefix), an application id, or a raw-id sub', () => {
    expect(identifierFromToken(unsignedToken({ skypeid: 'acs:r_1' }))).to.deep.equal({
      kind: 'communicationUser',
      communicationUserId: '8:acs:r_1',
    });
    expect(identifierFromToken(unsignedToken({ skypeid: '28:acs:r_app' }))).to.deep.equal({
      kind: 'callingApplication',
      callingApplicationId: '28:acs:r_app',
    });
    expect(identifierFromToken(unsignedToken({ sub: '8:acs:r_2' }))).to.deep.equal({
      kind: 'communicationUser',
      communicationUserId: '8:acs:r_2',
    });
    expect(identifierFromToken(unsignedToken({ sub: 'someone' }))).to.equal(undefined);
    expect(identifierFromToken('not-a-jwt')).to.equal(undefined);
  });

  it('ChatClient knows the user at once from a token string, and resolves it from a credential', async () => {
    const { endpoint } = await testService();
    const { user, token } = await createTestUser(['chat']);
    expect(new ChatClient(endpoint, token).identifier).to.deep.equal({
      kind: 'communicationUser',
      communicationUserId: user.communicationUserId,
    });
    const viaCredential = new ChatClient(endpoint, new AzureCommunicationTokenCredential({ tokenRefresher: async () => token }));
    expect(viaCredential.identifier).to.equal(undefined);
    expect(await viaCredential.getIdentifier()).to.deep.equal({ kind: 'communicationUser', communicationUserId: user.communicationUserId });
    expect(viaCredential.identifier).to.deep.equal({ kind: 'communicationUser', communicationUserId: user.communicationUserId });
  });

  it('CallAgent.identifier is the user the token names (userId is its raw id)', async () => {
    const alice = await callingUser('Alice');
    try {
      expect(alice.agent.identifier).to.deep.equal({ kind: 'communicationUser', communicationUserId: alice.userId });
      expect(alice.agent.userId).to.equal(alice.userId);
    } finally {
      await disposeAll(alice);
    }
  });

  it('a thread source without a userId takes the chat client’s, before any event arrives', async () => {
    const { endpoint } = await testService();
    const { user, token } = await createTestUser(['chat']);
    const chatClient = new ChatClient(endpoint, new AzureCommunicationTokenCredential({ tokenRefresher: async () => token }));
    const { chatThread } = await chatClient.createChatThread({ topic: 'Who am I' });
    const source = new ChatThreadSource({ chatClient, threadId: chatThread!.id });
    source.retain();
    try {
      await until(() => source.state.status === 'ready', 'the thread loads');
      expect(source.state.userId).to.equal(user.communicationUserId);
    } finally {
      source.release();
    }
  });
});
