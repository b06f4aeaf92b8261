import { CommunicationIdentityClient } from '../src/identity/communicationIdentityClient.js';
import type { Measurement } from './lib/results.js';
import { startProcess, startServiceProcess } from './lib/processes.js';

const REQUESTS = 1500;
const CONCURRENCY = 16;

/** Runs `REQUESTS` calls of `operation`, `CONCURRENCY` at a time; returns requests per second. */
async function throughput(operation: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 50; i++) await operation(); // warm-up
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < REQUESTS) await operation();
    }),
  );
  return REQUESTS / ((performance.now() - started) / 1000);
}

async function measure(connectionString: string): Promise<{ createWithToken: number; getToken: number }> {
  const client = new CommunicationIdentityClient(connectionString);
  const createWithToken = await throughput(() => client.createUserAndToken(['chat', 'voip']));
  const { user } = await client.createUserAndToken(['chat']);
  const getToken = await throughput(() => client.getToken(user, ['chat', 'voip']));
  return { createWithToken, getToken };
}

/** Identity requests per second through HTTP with HMAC auth: ours vs a bare node:http handler. */
export async function identityThroughput(): Promise<Measurement[]> {
  const service = await startServiceProcess();
  const mine = await measure(service.connectionString).finally(() => service.stop());
  const bare = await startProcess(['bench/servers/bareIdentity.ts'], /endpoint=\S+;accesskey=\S+/);
  const baseline = await measure(bare.match[0]).finally(() => bare.stop());
  const note = `${REQUESTS} requests, ${CONCURRENCY} in flight, HMAC-signed by the same client`;
  return [
    {
      suite: 'identity',
      metric: 'create user with token',
      unit: 'req/s',
      higherIsBetter: true,
      ours: mine.createWithToken,
      baselines: [{ name: 'bare node:http (HMAC + JWT)', value: baseline.createWithToken }],
      note,
    },
    {
      suite: 'identity',
      metric: 'get token',
      unit: 'req/s',
      higherIsBetter: true,
      ours: mine.getToken,
      baselines: [{ name: 'bare node:http (HMAC + JWT)', value: baseline.getToken }],
      note,
    },
  ];
}
