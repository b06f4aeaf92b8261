/**
 * Browser-only test kit (web-test-runner pages): users with a call agent of their own, against the
 * run's in-memory service, and proof that video really plays.
 */
import { CommunicationIdentityClient } from '../../src/identity/communicationIdentityClient.js';
import { CallClient } from '../../src/calling/callClient.js';
import type { CallAgent } from '../../src/calling/callAgent.js';
import { testService } from '../browser/service.js';
import { UNTIL_TIMEOUT_MS } from './wait.js';

export { testService, type TestService } from '../browser/service.js';

/** A signed-in user of the browser tests: its id, its voip+chat token, and its own call agent. */
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

/**
 * Resolves once the video element has decoded `frames` frames (requestVideoFrameCallback): the
 * stream is not just attached, pictures arrive and decode.
 */
export function decodedFrames(video: HTMLVideoElement, frames = 3, timeoutMs = UNTIL_TIMEOUT_MS): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = 0;
    const timer = setTimeout(() => reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${frames} decoded frames (only ${seen})`)), timeoutMs);
    const onFrame = () => {
      if (++seen >= frames) {
        clearTimeout(timer);
        resolve();
      } else video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  });
}
