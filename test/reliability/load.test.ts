/**
 * Load (the modest variant run by `npm test`; `npm run load` is the big one: 200 clients, 25 s):
 * 50 real-time clients on loopback in threads of 10, 50 messages a second for 5 s, against the
 * service as its own process. Nothing lost or duplicated, no socket dropped, the service's heap
 * flat; the delivery latency percentiles are reported (only loosely bounded here: CI machines vary).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { memoryStayedFlat, runLoad } from '../../bench/load/loadRun.js';
import { recordFigures } from '../kit/figures.js';

describe('load: 50 real-time clients, steady chat traffic', () => {
  test('every member gets every message once; the service’s memory stays flat', async () => {
    const result = await runLoad({ clients: 50, threadSize: 10, messagesPerSecond: 50, durationMs: 5_000, drainMs: 10_000 });
    recordFigures('load', { ...result, messagesPerSecond: 50 });
    assert.equal(result.sendFailures, 0, 'sends failed');
    assert.equal(result.unexpectedCloses, 0, 'sockets dropped');
    assert.equal(result.eventsLost, 0, `${result.eventsLost} of ${result.eventsExpected} events lost`);
    assert.equal(result.duplicates, 0, 'events delivered twice');
    assert.ok(result.messagesSent >= 200, `only ${result.messagesSent} messages sent`);
    const flat = memoryStayedFlat(result);
    assert.ok(flat.ok, flat.why ?? 'memory');
    assert.ok(result.latencyMs.p99 < 5_000, `p99 delivery latency ${result.latencyMs.p99} ms`);
  });
});
