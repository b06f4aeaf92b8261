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
    const timer = setTimeout(
      () => reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${frames} decoded frames (only ${seen})`)),
      timeoutMs,
    );
    const onFrame = () => {
      if (++seen >= frames) {
        clearTimeout(timer);
        resolve();
      } else video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  });
}

const canvasLoops: (() => void)[] = [];

/**
 * A stream from a canvas redrawn `fps` times a second in a new colour, with its frame number (a
 * stand-in for a camera or a shared screen whose every frame differs); stopped by
 * {@link stopCanvasStreams}.
 */
export function canvasStream(fps = 15): MediaStream {
  const canvas = document.createElement('canvas');
  canvas.width = 320;
  canvas.height = 180;
  const context = canvas.getContext('2d')!;
  let frame = 0;
  const draw = () => {
    frame++;
    context.fillStyle = `hsl(${(frame * 7) % 360} 80% 50%)`;
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.fillStyle = '#fff';
    context.fillText(`frame ${frame}`, 10, 20);
  };
  draw();
  const timer = setInterval(draw, 1000 / fps);
  const stream = canvas.captureStream(fps);
  canvasLoops.push(() => {
    clearInterval(timer);
    stream.getTracks().forEach((track) => track.stop());
  });
  return stream;
}

/** Stops every {@link canvasStream}: its drawing loop and its tracks. */
export function stopCanvasStreams(): void {
  for (const stop of canvasLoops.splice(0)) stop();
}
