import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { withService } from '../kit/node.js';
import { CALLING_API_VERSION } from '../../src/calling/callingProtocol.js';
import {
  adminRequest,
  assertError,
  CHAT_API_VERSION,
  chatUser,
  type ChatUser,
  RealtimeTestClient,
  closeRealtimeClients,
  stateSnapshot,
  threadPath,
  userRequest,
} from '../kit/serverHelpers.js';

interface ApplicationBody {
  id: string;
  displayName: string;
}

describe('calling applications: identities that act with the access key', () => {
  const service = withService();
  let user: ChatUser;
  let app: ApplicationBody;

  /** A request signed with the access key, acting as `applicationId`. */
  const asApp = <T = unknown>(method: string, path: string, body?: unknown, applicationId = app.id) =>
    adminRequest<T>(service(), method, path, body, {
      apiVersion: CHAT_API_VERSION,
      applicationId,
    });

  before(async () => {
    user = await chatUser(service(), ['chat', 'voip']);
    const created = await adminRequest<ApplicationBody>(service(), 'POST', '/applications', { displayName: 'Helpdesk bot' });
    assert.equal(created.status, 201, 'the application is created');
    app = created.body;
  });

  after(async () => {
    await closeRealtimeClients();
  });

  test('an application has a 28:acs: identity of this resource', async () => {
    assert.match(app.id, new RegExp(`^28:acs:${service().secrets.resourceId}_[0-9a-f-]{36}$`));
    const got = await adminRequest<ApplicationBody>(service(), 'GET', `/applications/${encodeURIComponent(app.id)}`);
    assert.equal(got.body.displayName, 'Helpdesk bot');
  });

  test('it creates a thread with a user and speaks in it under its own name; the user hears it live', async () => {
    const live = await RealtimeTestClient.ready(service(), { token: user.token, endpointId: 'tab1' });
    const created = await asApp<{ chatThread: { id: string } }>('POST', '/chat/threads', {
      topic: 'Support',
      participants: [{ communicationIdentifier: { rawId: user.id, communicationUser: { id: user.id } } }],
    });
    assert.equal(created.status, 201, 'the application creates the thread');
    const threadId = created.body.chatThread.id;
    const sent = await asApp<{ id: string }>('POST', threadPath(threadId, '/messages'), { content: 'How can I help?' });
    assert.equal(sent.status, 201, 'the application sends');
    const event = await live.waitFor((frame) => frame.type === 'event' && frame.name === 'chatMessageReceived');
    const data = (event as unknown as { data: { senderDisplayName: string; sender: { rawId: string; kind: string } } }).data;
    assert.equal(data.senderDisplayName, 'Helpdesk bot');
    assert.equal(data.sender.rawId, app.id);
    assert.equal(data.sender.kind, 'callingApplication');
    const listed = await userRequest<{ value: { communicationIdentifier: { rawId: string } }[] }>(
      service(),
      user.token,
      'GET',
      threadPath(threadId, '/participants'),
    );
    assert.ok(
      listed.body.value.some((p) => p.communicationIdentifier.rawId === app.id),
      'the application is a participant',
    );
  });

  test('a user cannot act as an application, and an application cannot act where only users may', async () => {
    const before = stateSnapshot(service());
    const posing = await userRequest(
      service(),
      user.token,
      'POST',
      '/chat/threads',
      { topic: 'x' },
      {
        headers: { 'x-ms-acs-application-id': app.id },
      },
    );
    assertError(posing, 403, 'CannotActAsApplication');
    const call = await userRequest<{ id: string }>(service(), user.token, 'POST', '/calling/calls', {
      targets: [{ rawId: (await chatUser(service(), ['voip'])).id }],
      endpointId: 'tab1',
    });
    const answering = await adminRequest(
      service(),
      'POST',
      `/calling/calls/${call.body.id}/:accept`,
      { endpointId: 'bot' },
      {
        apiVersion: CALLING_API_VERSION,
        applicationId: app.id,
      },
    );
    assertError(answering, 403, 'NotForApplications');
    assertError(await asApp('POST', '/chat/threads', { topic: 'x' }, '28:acs:nobody_here'), 404, 'ApplicationNotFound');
    const unnamed = await adminRequest(service(), 'POST', '/chat/threads', { topic: 'x' }, { apiVersion: CHAT_API_VERSION });
    assertError(unnamed, 401, 'MissingApplication');
    const badSignature = await adminRequest(
      service(),
      'POST',
      '/chat/threads',
      { topic: 'x' },
      {
        apiVersion: CHAT_API_VERSION,
        key: Buffer.alloc(32, 7).toString('base64'),
        applicationId: app.id,
      },
    );
    assertError(badSignature, 401);
    const after = stateSnapshot(service());
    assert.deepEqual(after.chat_threads, before.chat_threads, 'no thread was created by the refused requests');
    assert.deepEqual(after.chat_messages, before.chat_messages, 'no message was written by the refused requests');
  });

  test('bad input to the admin routes gets its 4xx', async () => {
    assertError(await adminRequest(service(), 'POST', '/applications', {}), 400);
    assertError(await adminRequest(service(), 'POST', '/applications', { displayName: '   ' }), 400);
    assertError(await adminRequest(service(), 'POST', '/applications', { displayName: 'x', extra: 1 }), 400);
    assertError(await adminRequest(service(), 'GET', `/applications/${encodeURIComponent('28:acs:nope')}`), 404);
  });

  test('deleting an application deletes what it wrote', async () => {
    const temp = (await adminRequest<ApplicationBody>(service(), 'POST', '/applications', { displayName: 'Temp' })).body;
    const thread = await asApp<{ chatThread: { id: string } }>(
      'POST',
      '/chat/threads',
      {
        topic: 'Temp',
        participants: [{ communicationIdentifier: { rawId: user.id } }],
      },
      temp.id,
    );
    await asApp('POST', threadPath(thread.body.chatThread.id, '/messages'), { content: 'soon gone' }, temp.id);
    const count = () => service().db.prepare('SELECT COUNT(*) AS n FROM chat_messages WHERE sender = ?').get(temp.id) as { n: number };
    assert.equal(count().n, 1, 'the message is stored');
    const deleted = await adminRequest(service(), 'DELETE', `/applications/${encodeURIComponent(temp.id)}`);
    assert.equal(deleted.status, 204);
    assert.equal(count().n, 0, 'its messages are gone');
    assertError(await adminRequest(service(), 'GET', `/applications/${encodeURIComponent(temp.id)}`), 404);
  });
});
