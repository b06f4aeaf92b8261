/**
 * The real-time wire contract is enforced by the compiler: the service publishes with the types the
 * clients map from (src/common/realtimeProtocol.ts). The `@ts-expect-error` lines below are the test:
 * `npm run lint` (tsc) fails if any of them stops being an error, i.e. if the contract loosens.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RealtimeHub } from '../../mock-server/realtime/realtimeHub.js';
import type { ChatEvents } from '../../src/chat/chatProtocol.js';
import { toChatEvent } from '../../src/chat/eventMappers.js';
import { RealtimeError } from '../../src/common/errors.js';
import { RealtimeCloseCode } from '../../src/common/realtimeProtocol.js';

const someone = { rawId: '8:acs:r_1', communicationUser: { id: '8:acs:r_1' } };
const received: ChatEvents['chatMessageReceived'] = {
  threadId: '19:t@thread.v2',
  id: '1700000000000',
  sequenceId: '3',
  type: 'text',
  version: '1700000000000',
  createdOn: '2026-01-01T00:00:00.000Z',
  sender: someone,
  senderDisplayName: 'Alice',
  recipient: someone,
  message: 'hello',
  metadata: {},
};

/** Never run: only compiled. */
export function publishesOnlyTheContract(hub: RealtimeHub): void {
  hub.publish([], 'chatMessageReceived', () => received);
  const { sequenceId: _dropped, ...withoutSequenceId } = received;
  // @ts-expect-error A payload missing a field of the contract does not compile.
  hub.publish([], 'chatMessageReceived', () => withoutSequenceId);
  // @ts-expect-error An event name outside the contract does not compile.
  hub.publish([], 'chatMessageRecieved', () => received);
  // @ts-expect-error Typing indicators are ephemeral: never stored, so not publishable as durable.
  hub.publish([], 'typingIndicatorReceived', () => ({ ...received, receivedOn: '' }));
  // @ts-expect-error Another area's payload under a chat name does not compile.
  hub.publish([], 'chatThreadDeleted', () => ({ call: {} }));
}

test('the client maps every field the service sends, sequenceId included', () => {
  const event = toChatEvent('chatMessageReceived', received);
  assert.equal(event.sequenceId, '3');
  assert.equal(event.createdOn.toISOString(), received.createdOn);
  assert.deepEqual(event.sender, { kind: 'communicationUser', communicationUserId: '8:acs:r_1' });
  assert.equal(typeof publishesOnlyTheContract, 'function');
});

test('the close codes the client gives up on map to their error codes from the one close-code table', () => {
  assert.equal(RealtimeCloseCode.EndpointReplaced, 4409);
  assert.equal(RealtimeError.fromClose(RealtimeCloseCode.EndpointReplaced, 'replaced').code, 'EndpointReplaced');
  assert.equal(RealtimeError.fromClose(RealtimeCloseCode.Forbidden, '').code, 'Forbidden');
  assert.equal(RealtimeError.fromClose(4999, '').code, 'ConnectionClosed');
});
