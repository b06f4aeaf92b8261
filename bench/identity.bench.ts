import { CommunicationIdentityClient } from '../src/identity/communicationIdentityClient.js';
import type { Measurement } from './lib/results.js';
import { startProcess, startServiceProcess } from './lib/processes.js';
import { median } from './lib/stats.js';

const REQUESTS = 1500;
const CONCURRENCY = 16;
const WARM_UP = 50;
/** Rounds of each server, alternating which goes first; the median of each is reported. */
const ROUNDS = 3;

/** Runs `REQUESTS` calls of `operation`, `CONCURRENCY` at a time; returns requests per second. */
async function throughput(operation: () => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < REQUESTS) await operation();
    }),
  );
  return REQUESTS / ((performance.now() - started) / 1000);
}

interface Target {
  createWithToken: () => Promise<unknown>;
  getToken: () => Promise<unknown>;
}

async function target(connectionString: string): Promise<Target> {
  const client = new CommunicationIdentityClient(connectionString);
  const { user } = await client.createUserAndToken(['chat']);
  return {
    createWithToken: () => client.createUserAndToken(['chat', 'voip']),
    getToken: () => client.getToken(user, ['chat', 'voip']),
  };
}

/**
 * Identity requests per second through HTTP with HMAC auth: ours vs a bare node:http handler. Both
 * servers run side by side and get the same warm-up before anything is timed (the measuring client
 * warms up too, so neither pays for the client's first requests); then alternating rounds, the
 * median of each, so other load on the machine hits both alike.
 */
export async function identityThroughput(): Promise<Measurement[]> {
  const service = await startServiceProcess();
  try {
    const bare = await startProcess(['bench/servers/bareIdentity.ts'], /endpoint=\S+;accesskey=\S+/);
    try {
      const targets = { mine: await target(service.connectionString), baseline: await target(bare.match[0]) };
      for (const { createWithToken, getToken } of [targets.mine, targets.baseline]) {
        for (let i = 0; i < WARM_UP; i++) await createWithToken();
        for (let i = 0; i < WARM_UP; i++) await getToken();
      }
      const runs = {
        mine: { createWithToken: [] as number[], getToken: [] as number[] },
        baseline: { createWithToken: [] as number[], getToken: [] as number[] },
      };
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? (['mine', 'baseline'] as const) : (['baseline', 'mine'] as const);
        for (const operation of ['createWithToken', 'getToken'] as const) {
          for (const who of order) runs[who][operation].push(await throughput(targets[who][operation]));
        }
      }
      const note = `${REQUESTS} requests, ${CONCURRENCY} in flight, HMAC-signed by the same client; median of ${ROUNDS} alternating rounds`;
      return [
        {
          suite: 'identity',
          metric: 'create user with token',
          unit: 'req/s',
          higherIsBetter: true,
          ours: median(runs.mine.createWithToken),
          baselines: [{ name: 'bare node:http (HMAC + JWT)', value: median(runs.baseline.createWithToken) }],
          note,
        },
        {
          suite: 'identity',
          metric: 'get token',
          unit: 'req/s',
          higherIsBetter: true,
          ours: median(runs.mine.getToken),
          baselines: [{ name: 'bare node:http (HMAC + JWT)', value: median(runs.baseline.getToken) }],
          note,
        },
      ];
    } finally {
      await bare.stop();
    }
  } finally {
    await service.stop();
  }
}
