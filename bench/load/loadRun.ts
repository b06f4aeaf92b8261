/**
 * A bounded load run against the service as its own process on loopback: many real-time clients
 * (one user and socket each, in threads of `threadSize`), steady chat traffic for a fixed time,
 * then a drain. Measures what each client received against what was sent (lost, duplicated),
 * delivery latency (from the start of the send request to the event's arrival at each member),
 * and the service's own memory, sampled by the service after a forced GC (`--expose-gc` and
 * `--stats-interval`).
 *
 * Traffic goes to 127.0.0.1 only, is bounded in count and time, and the run stops by itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { signRequest } from '../../src/common/hmac.js';
import { realtimeProtocols } from '../../src/common/realtimeProtocol.js';
import { type ServiceProcess, type ServiceStats, startServiceProcess } from '../../test/kit/serviceProcess.js';

export interface LoadOptions {
  /** Real-time clients (one user each). */
  clients: number;
  /** Members per thread; every member receives every message of its thread. */
  threadSize: number;
  /** Messages per second, across the service. */
  messagesPerSecond: number;
  /** How long the steady traffic lasts. */
  durationMs: number;
  /** How long to wait for the last events after the traffic stops. */
  drainMs?: number;
  /** The service's memory sampling interval. */
  statsIntervalMs?: number;
  /** Progress lines; silent by default. */
  log?: (line: string) => void;
}

export interface LoadResult {
  clients: number;
  threads: number;
  durationMs: number;
  messagesSent: number;
  sendFailures: number;
  eventsExpected: number;
  eventsDelivered: number;
  eventsLost: number;
  duplicates: number;
  unexpectedCloses: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** Service memory after GC: at the start of the steady traffic, at the end, the peak, and the trend. */
  memory: {
    samples: number;
    heapStartMB: number;
    heapEndMB: number;
    heapPeakMB: number;
    rssStartMB: number;
    rssEndMB: number;
    rssPeakMB: number;
    /** Least-squares slope of the heap over the steady phase, MB per minute. */
    heapSlopeMBPerMin: number;
  };
}

const MB = 1024 * 1024;
const API_VERSION = '2023-10-01';
const CHAT_API_VERSION = '2025-03-15';

async function admin<T>(proc: ServiceProcess, method: string, path: string, body: unknown): Promise<T> {
  const url = new URL(`${proc.endpoint}${path.slice(1)}`);
  url.searchParams.set('api-version', API_VERSION);
  const text = JSON.stringify(body);
  const headers = await signRequest({ method, url: url.href, body: text, accessKey: proc.accessKey });
  const response = await fetch(url, { method, headers: { ...headers, 'content-type': 'application/json' }, body: text });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function chat<T>(
  proc: ServiceProcess,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const url = new URL(`${proc.endpoint}${path.slice(1)}`);
  url.searchParams.set('api-version', CHAT_API_VERSION);
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function slopePerMinute(samples: ServiceStats[]): number {
  if (samples.length < 2) return 0;
  const t0 = samples[0]!.time;
  const xs = samples.map((s) => (s.time - t0) / 60_000);
  const ys = samples.map((s) => s.heapUsed / MB);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

interface Client {
  userId: string;
  token: string;
  ws?: WebSocket;
  /** message id → times received */
  received: Map<string, number>;
  ready: boolean;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const log = options.log ?? (() => undefined);
  const dataDir = mkdtempSync(join(tmpdir(), 'oc-load-'));
  const proc = await startServiceProcess(['--data', dataDir, '--stats-interval', String(options.statsIntervalMs ?? 500)], ['--expose-gc']);
  const clients: Client[] = [];
  let unexpectedCloses = 0;
  let stopping = false;
  try {
    log(`service at ${proc.endpoint}; creating ${options.clients} users`);
    for (let i = 0; i < options.clients; i += 20) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(20, options.clients - i) }, () =>
          admin<{ identity: { id: string }; accessToken: { token: string } }>(proc, 'POST', '/identities', {
            createTokenWithScopes: ['chat'],
          }),
        ),
      );
      for (const created of batch)
        clients.push({ userId: created.identity.id, token: created.accessToken.token, received: new Map(), ready: false });
    }
    const threads: { id: string; members: Client[] }[] = [];
    for (let i = 0; i < clients.length; i += options.threadSize) {
      const members = clients.slice(i, i + options.threadSize);
      const { status, body } = await chat<{ chatThread: { id: string } }>(proc, members[0]!.token, 'POST', '/chat/threads', {
        topic: `load ${i / options.threadSize}`,
        participants: members.slice(1).map((m) => ({ communicationIdentifier: { communicationUser: { id: m.userId } } })),
      });
      if (status !== 201) throw new Error(`create thread: ${status}`);
      threads.push({ id: body.chatThread.id, members });
    }

    // Every client on its own socket, waiting for ready (after the thread-created events).
    const latencies: number[] = [];
    const sendStart = new Map<string, number>();
    const pending = new Map<string, number>(); // content → send start, until the id is known
    log(`connecting ${clients.length} real-time clients`);
    await Promise.all(
      clients.map(
        (client, index) =>
          new Promise<void>((resolve, reject) => {
            const url = new URL(`${proc.endpoint.replace(/^http/, 'ws')}realtime`);
            url.searchParams.set('endpointId', `load-${index}`);
            const ws = new WebSocket(url, realtimeProtocols(client.token));
            client.ws = ws;
            const timer = setTimeout(() => reject(new Error(`client ${index} not ready`)), 30_000);
            ws.on('message', (data) => {
              const frame = JSON.parse(data.toString()) as { type: string; name?: string; data?: { id?: string; message?: string } };
              if (frame.type === 'ready') {
                client.ready = true;
                clearTimeout(timer);
                resolve();
                return;
              }
              if (frame.type !== 'event' || frame.name !== 'chatMessageReceived' || !frame.data?.id) return;
              const arrived = performance.now();
              const id = frame.data.id;
              client.received.set(id, (client.received.get(id) ?? 0) + 1);
              const started = sendStart.get(id) ?? pending.get(frame.data.message ?? '');
              if (started !== undefined) latencies.push(arrived - started);
            });
            ws.on('close', () => {
              if (!stopping) unexpectedCloses++;
            });
            ws.on('error', () => undefined);
          }),
      ),
    );

    // Steady traffic: one send every 1/rate seconds, round-robin over threads and their members.
    log(`sending ${options.messagesPerSecond} messages/s for ${options.durationMs / 1000} s`);
    const sent: { id: string; thread: (typeof threads)[number] }[] = [];
    let sendFailures = 0;
    const inFlight = new Set<Promise<void>>();
    const steadyStart = Date.now();
    const interval = 1000 / options.messagesPerSecond;
    for (let n = 0; Date.now() - steadyStart < options.durationMs; n++) {
      const due = steadyStart + n * interval;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const thread = threads[n % threads.length]!;
      const sender = thread.members[Math.floor(n / threads.length) % thread.members.length]!;
      const content = `load ${n}`;
      const started = performance.now();
      pending.set(content, started);
      const request = chat<{ id: string }>(proc, sender.token, 'POST', `/chat/threads/${encodeURIComponent(thread.id)}/messages`, {
        content,
      })
        .then(({ status, body }) => {
          if (status !== 201) throw new Error(`send: ${status}`);
          sendStart.set(body.id, started);
          sent.push({ id: body.id, thread });
        })
        .catch(() => {
          sendFailures++;
        })
        .finally(() => {
          pending.delete(content);
          inFlight.delete(request);
        });
      inFlight.add(request);
    }
    await Promise.all(inFlight);
    const steadyEnd = Date.now();

    // Drain: until every member has every message, or the drain time is up.
    const expectedTotal = sent.reduce((n, s) => n + s.thread.members.length, 0);
    const delivered = () => sent.reduce((n, s) => n + s.thread.members.filter((m) => m.received.has(s.id)).length, 0);
    const drainUntil = Date.now() + (options.drainMs ?? 10_000);
    while (delivered() < expectedTotal && Date.now() < drainUntil) await new Promise((resolve) => setTimeout(resolve, 50));
    // One more stats sample after the drain.
    await new Promise((resolve) => setTimeout(resolve, (options.statsIntervalMs ?? 500) + 100));

    let duplicates = 0;
    for (const client of clients) for (const times of client.received.values()) if (times > 1) duplicates += times - 1;
    const eventsDelivered = delivered();
    latencies.sort((a, b) => a - b);
    const steady = proc.stats.filter((s) => s.time >= steadyStart && s.time <= steadyEnd + 2000);
    const samples = steady.length > 0 ? steady : proc.stats;
    const first = samples[0]!;
    const last = samples.at(-1)!;
    const result: LoadResult = {
      clients: clients.length,
      threads: threads.length,
      durationMs: steadyEnd - steadyStart,
      messagesSent: sent.length,
      sendFailures,
      eventsExpected: expectedTotal,
      eventsDelivered,
      eventsLost: expectedTotal - eventsDelivered,
      duplicates,
      unexpectedCloses,
      latencyMs: {
        p50: round(percentile(latencies, 50)),
        p95: round(percentile(latencies, 95)),
        p99: round(percentile(latencies, 99)),
        max: round(latencies.at(-1) ?? 0),
      },
      memory: {
        samples: samples.length,
        heapStartMB: round(first.heapUsed / MB),
        heapEndMB: round(last.heapUsed / MB),
        heapPeakMB: round(Math.max(...samples.map((s) => s.heapUsed)) / MB),
        rssStartMB: round(first.rss / MB),
        rssEndMB: round(last.rss / MB),
        rssPeakMB: round(Math.max(...samples.map((s) => s.rss)) / MB),
        heapSlopeMBPerMin: round(slopePerMinute(samples)),
      },
    };
    log(JSON.stringify(result));
    return result;
  } finally {
    stopping = true;
    for (const client of clients) client.ws?.terminate();
    await proc.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/**
 * The service's memory stayed flat: the heap after GC at the end of the steady traffic is within
 * 25% + 8 MB of where it started, and its trend is under 10 MB per minute. (Stored messages go to
 * SQLite on disk; nothing in memory should grow with the number of messages.)
 */
export function memoryStayedFlat(result: LoadResult): { ok: boolean; why?: string } {
  const { heapStartMB, heapEndMB, heapSlopeMBPerMin } = result.memory;
  if (heapEndMB > heapStartMB * 1.25 + 8) return { ok: false, why: `heap grew from ${heapStartMB} to ${heapEndMB} MB` };
  if (heapSlopeMBPerMin > 10) return { ok: false, why: `heap trend ${heapSlopeMBPerMin} MB/min` };
  return { ok: true };
}
