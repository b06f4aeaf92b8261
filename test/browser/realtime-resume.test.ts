import { expect } from '@esm-bundle/chai';
import { ChatClient } from '../../src/chat/chatClient.js';
import type { AccessToken, CommunicationGetTokenOptions, CommunicationTokenCredential } from '../../src/common/credential.js';
import { AzureCommunicationTokenCredential } from '../../src/common/credential.js';
import { AbortError, RealtimeError } from '../../src/common/errors.js';
import { RealtimeChannel, type RealtimeEvent } from '../../src/common/realtimeChannel.js';
import { realtimeProtocols } from '../../src/common/realtimeProtocol.js';
import type { WebSocketCloseEventLike, WebSocketLike } from '../../src/common/webSocket.js';
import { ChatEventRecorder, createTestUser } from './chatTestHelpers.js';
import FakeTimers, { type Clock } from './fakeTimers.js';
import { rejectionOf } from './helpers.js';
import { testService } from './service.js';

describe('RealtimeChannel against the service: a dropped socket loses and duplicates nothing', () => {
  it('delivers all 50 messages of a burst exactly once and in order across two drops', async () => {
    const { endpoint } = await testService();
    const [alice, bob] = await Promise.all([createTestUser(), createTestUser()]);
    const aliceChat = new ChatClient(endpoint, alice.token);
    const channel = new RealtimeChannel(endpoint, new AzureCommunicationTokenCredential(bob.token), {
      minReconnectDelayInMs: 20,
      maxReconnectDelayInMs: 200,
    });
    const bobChat = new ChatClient(endpoint, bob.token, { realtimeChannel: channel });
    const events = new ChatEventRecorder(bobChat);
    const connections: { resumed: boolean }[] = [];
    channel.on('connected', (event) => connections.push(event));
    try {
      await bobChat.startRealtimeNotifications();
      const { chatThread } = await aliceChat.createChatThread({ topic: 'burst' }, { participants: [{ id: bob.user }] });
      const threadId = chatThread!.id;
      const thread = aliceChat.getChatThreadClient(threadId);
      const inThread = (event: { threadId: string }) => event.threadId === threadId;

      // Drop the socket from inside the event handler, mid-burst: what was sent meanwhile (and what
      // was already on its way to the dropped socket) must come back through the resumption.
      let received = 0;
      bobChat.on('chatMessageReceived', (event) => {
        if (!inThread(event)) return;
        received++;
        if (received === 15 || received === 35) channel.dropConnectionForTesting();
      });

      const sent: string[] = [];
      for (let i = 0; i < 50; i++) sent.push((await thread.sendMessage({ content: `burst ${i}` })).id);
      // Events arrive in order, so once this last one is in, any duplicate of an earlier one would be too.
      const { id: sentinel } = await thread.sendMessage({ content: 'sentinel' });
      await events.waitFor('chatMessageReceived', (event) => event.id === sentinel);

      const ids = events.all('chatMessageReceived', inThread).map((event) => event.id);
      expect(ids).to.deep.equal([...sent, sentinel]);
      expect(
        events
          .all('chatMessageReceived', inThread)
          .map((event) => event.message)
          .slice(0, 3),
      ).to.deep.equal(['burst 0', 'burst 1', 'burst 2']);
      expect(events.all('realTimeNotificationDisconnected')).to.have.length(2);
      expect(connections.map((connection) => connection.resumed)).to.deep.equal([false, true, true]);
      expect(channel.state).to.equal('connected');
    } finally {
      await bobChat.stopRealtimeNotifications();
      channel.stop();
    }
  });

  it('opens the socket with no token in its URL; the token goes as a subprotocol the service does not echo', async () => {
    const { endpoint } = await testService();
    const bob = await createTestUser();
    const opened: { url: string; protocols: string | string[] | undefined; socket: WebSocket }[] = [];
    const Native = window.WebSocket;
    // Every WebSocket the page opens is recorded, as a console or log would see its URL.
    class RecordingWebSocket extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        opened.push({ url: String(url), protocols, socket: this });
      }
    }
    window.WebSocket = RecordingWebSocket;
    const channel = new RealtimeChannel(endpoint, new AzureCommunicationTokenCredential(bob.token));
    try {
      await channel.start();
    } finally {
      window.WebSocket = Native;
      channel.stop();
    }
    expect(opened).to.have.length(1);
    const [{ url, protocols, socket }] = opened as [(typeof opened)[0]];
    expect(url).not.to.include(bob.token);
    expect(url).not.to.include('access_token');
    expect(new URL(url).pathname).to.equal('/realtime');
    expect(protocols).to.deep.equal(realtimeProtocols(bob.token));
    expect(socket.protocol).to.equal('acs.realtime.v2');
  });

  it('after stop and start, delivers what was sent while stopped, once', async () => {
    const { endpoint } = await testService();
    const [alice, bob] = await Promise.all([createTestUser(), createTestUser()]);
    const aliceChat = new ChatClient(endpoint, alice.token);
    const bobChat = new ChatClient(endpoint, bob.token);
    const events = new ChatEventRecorder(bobChat);
    try {
      await bobChat.startRealtimeNotifications();
      const { chatThread } = await aliceChat.createChatThread({ topic: 'away' }, { participants: [{ id: bob.user }] });
      const thread = aliceChat.getChatThreadClient(chatThread!.id);
      const before = await thread.sendMessage({ content: 'before' });
      await events.waitFor('chatMessageReceived', (event) => event.id === before.id);
      await bobChat.stopRealtimeNotifications();
      const away = await thread.sendMessage({ content: 'while away' });
      expect(events.all('chatMessageReceived', (event) => event.id === away.id)).to.have.length(0);
      await bobChat.startRealtimeNotifications();
      const after = await thread.sendMessage({ content: 'after' });
      await events.waitFor('chatMessageReceived', (event) => event.id === after.id);
      const ids = events.all('chatMessageReceived', (event) => event.threadId === chatThread!.id).map((event) => event.id);
      expect(ids).to.deep.equal([before.id, away.id, after.id]);
    } finally {
      await bobChat.stopRealtimeNotifications();
    }
  });
});

/** A WebSocket the test plays the service's side of. */
class FakeSocket implements WebSocketLike {
  readyState = 1;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: WebSocketCloseEventLike) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly sent: string[] = [];
  closedWith: { code?: number; reason?: string } | undefined;

  constructor(
    readonly url: URL,
    readonly protocols: string[] | undefined,
  ) {}

  send(data: string): void {
    this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
    this.readyState = 3;
  }

  ready(seq: number, gap = false): void {
    this.frame({ type: 'ready', endpointId: 'e', userId: 'u', seq, gap });
  }

  event(name: string, seq?: number, data: unknown = { n: seq }): void {
    this.frame(seq === undefined ? { type: 'event', name, data } : { type: 'event', seq, name, data });
  }

  frame(frame: unknown): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  serverClose(code: number, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

/** A credential handing out `token-1`, `token-2`, … (a new one only when forced), recording each call. */
class CountingCredential implements CommunicationTokenCredential {
  readonly calls: CommunicationGetTokenOptions[] = [];
  #serial = 1;
  constructor(private readonly refreshable = true) {}

  async getToken(options: CommunicationGetTokenOptions = {}): Promise<AccessToken> {
    this.calls.push(options);
    if (options.forceRefresh && this.refreshable) this.#serial++;
    return { token: `token-${this.#serial}`, expiresOnTimestamp: Date.now() + 3_600_000 };
  }

  dispose(): void {}
}

describe('RealtimeChannel with a fake socket', () => {
  let clock: Clock;
  let sockets: FakeSocket[];
  const factory = (url: string, protocols?: string[]) => {
    const socket = new FakeSocket(new URL(url), protocols);
    sockets.push(socket);
    return socket;
  };
  const last = () => sockets.at(-1)!;

  beforeEach(() => {
    sockets = [];
    clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  });
  afterEach(() => clock.uninstall());

  function channel(credential: CommunicationTokenCredential = new CountingCredential(), options = {}) {
    return new RealtimeChannel('https://chat.example/', credential, {
      webSocketFactory: factory,
      endpointId: 'tab1',
      ...options,
    });
  }

  it('connects to wss://…/realtime with the token (as a subprotocol) and endpoint id, and resumes with the last seq', async () => {
    const subject = channel();
    const started = subject.start();
    await clock.tickAsync(0);
    expect(last().url.href).to.equal('wss://chat.example/realtime?endpointId=tab1');
    expect(last().protocols).to.deep.equal(realtimeProtocols('token-1'));
    last().ready(7);
    await started;
    last().event('chatMessageReceived', 8);
    last().serverClose(1006);
    await clock.tickAsync(10_000);
    expect(sockets).to.have.length(2);
    expect(last().url.searchParams.get('lastSeq')).to.equal('8');
    expect(new RealtimeChannel('http://plain.example/base/', new CountingCredential(), { webSocketFactory: factory }).endpointId).to.match(
      /^[0-9a-f]{32}$/,
    );
  });

  it('drops events whose seq it has already seen, and passes ephemeral ones through', async () => {
    const subject = channel();
    const seen: RealtimeEvent[] = [];
    subject.on('event', (event) => seen.push(event));
    const started = subject.start();
    await clock.tickAsync(0);
    last().ready(0);
    await started;
    for (const seq of [1, 2, 2, 3, 1]) last().event('chatMessageReceived', seq);
    last().event('typingIndicatorReceived');
    // A resumption that overlaps what was delivered: only the new ones pass.
    last().serverClose(1001, 'going away');
    await clock.tickAsync(10_000);
    for (const seq of [2, 3, 4, 5]) last().event('chatMessageReceived', seq);
    last().ready(5);
    last().event('chatMessageReceived', 6);
    expect(seen.map((event) => event.seq ?? event.name)).to.deep.equal([1, 2, 3, 'typingIndicatorReceived', 4, 5, 6]);
  });

  it('lets a client subscribe to one event name and unsubscribe again', async () => {
    const subject = channel();
    const got: unknown[] = [];
    const unsubscribe = subject.subscribe('callRinging', (data) => got.push(data));
    const started = subject.start();
    await clock.tickAsync(0);
    last().ready(0);
    await started;
    last().event('callRinging', 1, { call: 'a' });
    last().event('chatMessageReceived', 2);
    unsubscribe();
    last().event('callRinging', 3, { call: 'b' });
    expect(got).to.deep.equal([{ call: 'a' }]);
  });

  it('backs off exponentially with jitter up to the cap, and starts over after a success', async () => {
    const subject = channel(undefined, { minReconnectDelayInMs: 250, maxReconnectDelayInMs: 2_000 });
    const attemptsAt: number[] = [];
    const started = subject.start();
    await clock.tickAsync(0);
    last().ready(0);
    await started;
    const base = Date.now();
    /** Runs the one pending timer (the reconnect) and lets the attempt open its socket. */
    const nextAttempt = async () => {
      const before = sockets.length;
      await clock.nextAsync();
      await clock.tickAsync(0);
      expect(sockets.length, 'a new attempt').to.equal(before + 1);
      return Date.now();
    };
    last().serverClose(1006);
    for (let i = 0; i < 6; i++) {
      attemptsAt.push(await nextAttempt());
      last().serverClose(1006);
    }
    const delays = attemptsAt.map((at, i) => at - (i === 0 ? base : attemptsAt[i - 1]!));
    const ceilings = [250, 500, 1_000, 2_000, 2_000, 2_000];
    delays.forEach((delay, i) => {
      expect(delay, `attempt ${i + 1}`).to.be.within(ceilings[i]! / 2, ceilings[i]!);
    });
    expect(subject.state).to.equal('reconnecting');
    await nextAttempt();
    last().ready(0);
    const at = Date.now();
    last().serverClose(1006);
    expect((await nextAttempt()) - at).to.be.within(125, 250);
    subject.stop();
  });

  it('fetches a fresh token after a 4401, and fails when the credential cannot give one', async () => {
    const credential = new CountingCredential();
    const subject = channel(credential);
    const started = subject.start();
    await clock.tickAsync(0);
    last().serverClose(4401, 'token expired');
    await clock.tickAsync(10_000);
    expect(credential.calls.map((call) => call.forceRefresh ?? false)).to.deep.equal([false, true]);
    expect(last().protocols).to.deep.equal(realtimeProtocols('token-2'));
    last().ready(0);
    await started;

    const stuck = channel(new CountingCredential(false));
    const failing = rejectionOf(stuck.start());
    await clock.tickAsync(0);
    last().serverClose(4401, 'revoked');
    await clock.tickAsync(10_000);
    const error = await failing;
    expect(error).to.be.instanceOf(RealtimeError);
    expect((error as RealtimeError).closeCode).to.equal(4401);
    expect(stuck.state).to.equal('failed');
    subject.stop();
  });

  it('stops for good on 4403 and reports it', async () => {
    const subject = channel();
    const states: string[] = [];
    const disconnects: { code: number; willReconnect: boolean }[] = [];
    subject.on('stateChanged', ({ state }) => states.push(state));
    subject.on('disconnected', (event) => disconnects.push(event));
    const started = subject.start();
    await clock.tickAsync(0);
    last().ready(3);
    await started;
    last().serverClose(4403, 'no scope');
    await clock.tickAsync(60_000);
    expect(sockets).to.have.length(1);
    expect(subject.state).to.equal('failed');
    expect(subject.error?.code).to.equal('Forbidden');
    expect(disconnects).to.deep.equal([{ code: 4403, reason: subject.error!.message, willReconnect: false, error: subject.error }]);
    expect(states).to.deep.equal(['connecting', 'connected', 'failed']);
  });

  it('stop() closes the socket cleanly and stops reconnecting', async () => {
    const subject = channel();
    const started = subject.start();
    await clock.tickAsync(0);
    last().ready(0);
    await started;
    last().serverClose(1006);
    expect(subject.state).to.equal('reconnecting');
    subject.stop();
    await clock.tickAsync(60_000);
    expect(sockets).to.have.length(1);
    expect(subject.state).to.equal('disconnected');

    const again = subject.start();
    await clock.tickAsync(0);
    last().ready(0);
    await again;
    subject.stop();
    expect(last().closedWith).to.deep.equal({ code: 1000, reason: 'client stopped' });

    const pending = subject.start();
    subject.stop();
    expect(await rejectionOf(pending)).to.be.instanceOf(AbortError);
  });

  it('pings while connected and drops a socket that stops answering', async () => {
    const subject = channel(undefined, { heartbeatIntervalInMs: 1_000 });
    const started = subject.start();
    await clock.tickAsync(0);
    last().ready(0);
    await started;
    await clock.tickAsync(1_000);
    expect(last().sent).to.deep.equal(['{"type":"ping"}']);
    last().frame({ type: 'pong' });
    await clock.tickAsync(1_000);
    expect(last().sent).to.have.length(2);
    await clock.tickAsync(1_000); // no pong to the second ping
    expect(subject.state).to.equal('reconnecting');
    expect(sockets[0]!.closedWith?.code).to.equal(4000);
    subject.stop();
  });
});
