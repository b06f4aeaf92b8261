import { CommunicationIdentityClient } from '../../src/identity/communicationIdentityClient.js';
import { CallClient } from '../../src/calling/callClient.js';
import type { CallAgent } from '../../src/calling/callAgent.js';
import type { Call, CallState } from '../../src/calling/call.js';
import type { RemoteParticipant } from '../../src/calling/remoteParticipant.js';
import { testService } from './service.js';

export interface TestUser {
  userId: string;
  token: string;
  agent: CallAgent;
  client: CallClient;
}

/** A user with a voip+chat token and a call agent of its own (its own CallClient, as a tab has). */
export async function callingUser(displayName: string): Promise<TestUser> {
  const { endpoint, connectionString } = await testService();
  const identity = new CommunicationIdentityClient(connectionString);
  const { user, token } = await identity.createUserAndToken(['voip', 'chat']);
  const client = new CallClient({ endpoint });
  const agent = await client.createCallAgent(token, { displayName });
  return { userId: user.communicationUserId, token, agent, client };
}

/** Resolves when `check()` holds, re-checked on every poll; rejects after `timeoutMs` with `what`. */
export async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function untilState(call: Call, state: CallState, timeoutMs?: number): Promise<void> {
  return until(() => call.state === state, `call state ${state} (is ${call.state})`, timeoutMs);
}

export function remote(call: Call, userId: string): RemoteParticipant | undefined {
  return call.remoteParticipants.find((p) => p.identifier.kind === 'communicationUser' && p.identifier.communicationUserId === userId);
}

/** Resolves once the video element has decoded `frames` frames (requestVideoFrameCallback). */
export function decodedFrames(video: HTMLVideoElement, frames = 3, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = 0;
    const timer = setTimeout(() => reject(new Error(`only ${seen} frames decoded`)), timeoutMs);
    const onFrame = () => {
      if (++seen >= frames) {
        clearTimeout(timer);
        resolve();
      } else video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  });
}

export async function disposeAll(...users: (TestUser | undefined)[]): Promise<void> {
  await Promise.allSettled(users.map((user) => user?.agent.dispose()));
}
