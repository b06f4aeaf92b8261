import assert from 'node:assert/strict';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { AbortError, RestError } from '../../src/common/errors.js';
import { HttpPipeline } from '../../src/common/http.js';

/** An HTTP server on loopback whose answers each test sets; records what it was sent. */
function recordingServer() {
  const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];
  let answer: (req: IncomingMessage, res: ServerResponse, body: string) => void = (_req, res) => res.end();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      answer(req, res, body);
    });
  });
  return {
    server,
    seen,
    answer: (next: typeof answer) => (answer = next),
    endpoint: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
  };
}

const noAuth = async () => ({ authorization: 'Bearer test' });

describe('HttpPipeline in Node (node:http transport)', () => {
  const http = recordingServer();
  before(() => new Promise<void>((resolve) => http.server.listen(0, '127.0.0.1', resolve)));
  after(() => new Promise<void>((resolve) => http.server.close(() => resolve())));

  test('sends the JSON body with its length and headers, and reads the JSON answer and its headers', async () => {
    http.answer((_req, res, body) => {
      res.writeHead(201, { 'content-type': 'application/json', location: '/x/1' });
      res.end(JSON.stringify({ echoed: JSON.parse(body) as unknown }));
    });
    const pipeline = new HttpPipeline(http.endpoint(), '2025-03-15', noAuth);
    const response = await pipeline.send<{ echoed: unknown }>({
      method: 'POST',
      path: 'chat/threads/t%3A1/messages',
      body: { content: 'héllo' },
    });
    assert.equal(response.status, 201);
    assert.deepEqual(response.body, { echoed: { content: 'héllo' } });
    assert.equal(response.headers.get('location'), '/x/1');
    const request = http.seen.at(-1)!;
    assert.equal(request.url, '/chat/threads/t%3A1/messages?api-version=2025-03-15');
    assert.equal(request.headers['content-length'], String(Buffer.byteLength('{"content":"héllo"}')));
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.headers.authorization, 'Bearer test');
  });

  test('a JSON error answer becomes a RestError with its code and status', async () => {
    http.answer((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'NotAParticipant', message: 'no' } }));
    });
    const pipeline = new HttpPipeline(http.endpoint(), '2025-03-15', noAuth);
    await assert.rejects(pipeline.send({ method: 'GET', path: 'chat/threads' }), (error: unknown) => {
      assert.ok(error instanceof RestError);
      assert.equal(error.code, 'NotAParticipant');
      assert.equal(error.statusCode, 403);
      return true;
    });
  });

  test('a 503 is retried after its Retry-After, its body dropped unread', async () => {
    let calls = 0;
    http.answer((_req, res) => {
      calls++;
      if (calls === 1) {
        res.writeHead(503, { 'retry-after-ms': '10', 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'Busy', message: 'later' } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    const pipeline = new HttpPipeline(http.endpoint(), '2025-03-15', noAuth);
    const response = await pipeline.send<{ ok: boolean }>({ method: 'GET', path: 'x' });
    assert.deepEqual(response.body, { ok: true });
    assert.equal(calls, 2);
  });

  test('a keep-alive socket the server closed is replaced at once, without a backoff', async () => {
    http.answer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    // Backoff of a minute: a retry through it would time the test out.
    const pipeline = new HttpPipeline(http.endpoint(), '2025-03-15', noAuth, { retryOptions: { retryDelayInMs: 60_000 } });
    await pipeline.send({ method: 'GET', path: 'first' });
    // The server drops its idle keep-alive sockets; the client's agent still holds them as free.
    http.server.closeIdleConnections();
    const started = performance.now();
    await pipeline.send({ method: 'POST', path: 'second', body: { n: 1 } });
    assert.ok(performance.now() - started < 5_000, 'sent again at once');
    assert.equal(http.seen.at(-1)!.url, '/second?api-version=2025-03-15');
  });

  test('a connection lost in the middle of an answer fails the read; the request is not sent again behind it', async () => {
    http.answer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    const pipeline = new HttpPipeline(http.endpoint(), '2025-03-15', noAuth, { retryOptions: { maxRetries: 0 } });
    await pipeline.send({ method: 'GET', path: 'warm' }); // a keep-alive socket to reuse
    http.answer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"half":');
      setTimeout(() => res.socket?.resetAndDestroy(), 20); // a TCP reset, as a dropped connection gives
    });
    const before = http.seen.length;
    await assert.rejects(pipeline.send({ method: 'POST', path: 'once', body: { n: 1 } }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(http.seen.length - before, 1, 'the service got the request once');
  });

  test('an unreachable service is a NetworkError after the retries', async () => {
    const closed = recordingServer();
    await new Promise<void>((resolve) => closed.server.listen(0, '127.0.0.1', resolve));
    const endpoint = closed.endpoint();
    await new Promise<void>((resolve) => closed.server.close(() => resolve()));
    const pipeline = new HttpPipeline(endpoint, '2025-03-15', noAuth, { retryOptions: { maxRetries: 1, retryDelayInMs: 1 } });
    await assert.rejects(pipeline.send({ method: 'GET', path: 'x' }), (error: unknown) => {
      assert.ok(error instanceof RestError);
      assert.equal(error.code, 'NetworkError');
      return true;
    });
  });

  test('an abort while waiting for the answer is an AbortError', async () => {
    http.answer(() => undefined); // never answers
    const pipeline = new HttpPipeline(http.endpoint(), '2025-03-15', noAuth);
    const controller = new AbortController();
    const sent = pipeline.send({ method: 'GET', path: 'slow', abortSignal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(sent, (error: unknown) => error instanceof AbortError);
  });

  test('a fetch option replaces the transport', async () => {
    const calls: string[] = [];
    const pipeline = new HttpPipeline(http.endpoint(), '2025-03-15', noAuth, {
      fetch: async (input) => {
        calls.push(String(input));
        return new Response('{"via":"fetch"}', { status: 200, headers: { 'content-type': 'application/json' } });
      },
    });
    const response = await pipeline.send<{ via: string }>({ method: 'GET', path: 'y' });
    assert.deepEqual(response.body, { via: 'fetch' });
    assert.equal(calls.length, 1);
  });
});
