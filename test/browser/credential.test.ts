import { expect } from '@esm-bundle/chai';
import { AzureCommunicationTokenCredential } from '../../src/common/credential.js';
import { AbortError, TokenCredentialError } from '../../src/common/errors.js';
import FakeTimers, { type Clock } from './fakeTimers.js';
import { HOUR, MINUTE, SECOND, base64Url, rejectionOf, testJwt } from './helpers.js';

/** The fake clock's start: a whole second, so JWT times (in seconds) land exactly on it. */
const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);

/** A refresher that hands out a fresh token of `lifetimeMs` and records every call. */
function countingRefresher(lifetimeMs = HOUR) {
  const signals: (AbortSignal | undefined)[] = [];
  const tokens: string[] = [];
  return {
    signals,
    tokens,
    get count() {
      return signals.length;
    },
    refresher: async (abortSignal?: AbortSignal): Promise<string> => {
      signals.push(abortSignal);
      const token = testJwt(Date.now() + lifetimeMs, Date.now());
      tokens.push(token);
      return token;
    },
  };
}

/** A refresher whose every call waits until the test calls `release(token)`; counts the calls and keeps the last signal. */
function heldRefresher() {
  let release: ((token: string) => void) | undefined;
  const held = {
    calls: 0,
    signal: undefined as AbortSignal | undefined,
    refresher: (abortSignal?: AbortSignal): Promise<string> => {
      held.calls++;
      held.signal = abortSignal;
      return new Promise<string>((resolve) => (release = resolve));
    },
    release(token: string): void {
      if (!release) throw new Error('no refresh is waiting');
      release(token);
    },
  };
  return held;
}

function expectCredentialError(error: unknown, code: string): void {
  expect(error).to.be.instanceOf(TokenCredentialError);
  expect((error as TokenCredentialError).code).to.equal(code);
}

describe('AzureCommunicationTokenCredential', () => {
  let clock: Clock;

  beforeEach(() => {
    clock = FakeTimers.install({ now: NOW, toFake: ['Date', 'setTimeout', 'clearTimeout'] });
  });

  afterEach(() => {
    clock.uninstall();
  });

  /**
   * The on-demand refresh is due exactly `dueInMs` from now: getToken a second before hands out
   * `initial` without a refresh; at `dueInMs` it refreshes once and hands out the new token.
   */
  async function expectRefreshDueIn(
    credential: AzureCommunicationTokenCredential,
    refresh: ReturnType<typeof countingRefresher>,
    initial: string,
    dueInMs: number,
  ): Promise<void> {
    clock.tick(dueInMs - SECOND);
    expect((await credential.getToken()).token).to.equal(initial, 'a second before it is due: the token it has');
    expect(refresh.count).to.equal(0);
    clock.tick(SECOND);
    expect((await credential.getToken()).token).to.equal(refresh.tokens[0], 'once due: a fresh token');
    expect(refresh.count).to.equal(1);
  }

  describe('static token', () => {
    it('returns the token as it is, with the expiry read from the JWT', async () => {
      const token = testJwt(NOW + HOUR, NOW);
      const credential = new AzureCommunicationTokenCredential(token);
      expect(await credential.getToken()).to.deep.equal({ token, expiresOnTimestamp: NOW + HOUR });
      clock.tick(30 * MINUTE);
      expect(await credential.getToken()).to.deep.equal({ token, expiresOnTimestamp: NOW + HOUR });
    });

    it('refuses a malformed token with TokenCredentialError InvalidToken', async () => {
      const header = base64Url({ alg: 'HS256' });
      const malformed = [
        'not-a-jwt',
        'a.b.c',
        '',
        `${header}.${base64Url({ iat: 1 })}.sig`, // no exp
        `${header}.${base64Url({ exp: 'tomorrow' })}.sig`, // exp not a number
      ];
      for (const token of malformed) {
        let error: unknown;
        try {
          new AzureCommunicationTokenCredential(token);
        } catch (caught) {
          error = caught;
        }
        expectCredentialError(error, 'InvalidToken');
      }
      expect(() => new AzureCommunicationTokenCredential({ tokenRefresher: async () => 'x', token: 'a.b.c' }))
        .to.throw(TokenCredentialError)
        .with.property('code', 'InvalidToken');
    });

    it('refuses a malformed token from the refresher with InvalidToken', async () => {
      const credential = new AzureCommunicationTokenCredential({ tokenRefresher: async () => 'not-a-jwt' });
      expectCredentialError(await rejectionOf(credential.getToken()), 'InvalidToken');
    });
  });

  describe('refresh on demand', () => {
    it('does not call the refresher while the token is fresh', async () => {
      const initial = testJwt(NOW + HOUR, NOW);
      const refresh = countingRefresher();
      const credential = new AzureCommunicationTokenCredential({ tokenRefresher: refresh.refresher, token: initial });
      expect((await credential.getToken()).token).to.equal(initial);
      clock.tick(30 * MINUTE);
      expect((await credential.getToken()).token).to.equal(initial);
      clock.tick(20 * MINUTE - SECOND); // 10 min 1 s before expiry
      expect((await credential.getToken()).token).to.equal(initial);
      expect(refresh.count).to.equal(0);
    });

    it('refreshes once the token is within 10 minutes of expiry', async () => {
      const initial = testJwt(NOW + HOUR, NOW);
      const refresh = countingRefresher();
      const credential = new AzureCommunicationTokenCredential({ tokenRefresher: refresh.refresher, token: initial });
      clock.tick(50 * MINUTE);
      const fresh = await credential.getToken();
      expect(refresh.count).to.equal(1);
      expect(fresh).to.deep.equal({ token: refresh.tokens[0], expiresOnTimestamp: NOW + 50 * MINUTE + HOUR });
      expect(fresh.token).not.to.equal(initial);
      expect(await credential.getToken()).to.deep.equal(fresh);
      expect(refresh.count).to.equal(1);
    });

    it('fetches on the first getToken when given no token, then reuses it', async () => {
      const refresh = countingRefresher();
      const credential = new AzureCommunicationTokenCredential({ tokenRefresher: refresh.refresher });
      expect(refresh.count).to.equal(0);
      const first = await credential.getToken();
      expect(first.token).to.equal(refresh.tokens[0]);
      expect(first.expiresOnTimestamp).to.equal(NOW + HOUR);
      clock.tick(49 * MINUTE);
      expect(await credential.getToken()).to.deep.equal(first);
      expect(refresh.count).to.equal(1);
    });

    it("aborts the refresher's signal when its only waiting caller aborts", async () => {
      const refresh = heldRefresher();
      const credential = new AzureCommunicationTokenCredential({ tokenRefresher: refresh.refresher });
      const controller = new AbortController();
      const pending = credential.getToken({ abortSignal: controller.signal });
      expect(refresh.signal?.aborted).to.equal(false);
      controller.abort();
      const error = await pending.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(AbortError);
      expect(refresh.signal?.aborted).to.equal(true);
      refresh.release(testJwt(Date.now() + HOUR, Date.now()));
    });

    it('keeps a shared refresh going for the others when one caller aborts', async () => {
      const refresh = heldRefresher();
      const credential = new AzureCommunicationTokenCredential({ tokenRefresher: refresh.refresher });
      const quitter = new AbortController();
      const first = credential.getToken({ abortSignal: quitter.signal });
      const second = credential.getToken({ abortSignal: new AbortController().signal });
      quitter.abort();
      expect(
        await first.then(
          () => undefined,
          (e: unknown) => e,
        ),
      ).to.be.instanceOf(AbortError);
      expect(refresh.signal?.aborted).to.equal(false);
      refresh.release(testJwt(Date.now() + HOUR, Date.now()));
      const token = await second;
      expect(token.expiresOnTimestamp).to.equal(NOW + HOUR);
      expect(refresh.calls).to.equal(1);
    });
  });

  describe('proactive refresh', () => {
    it('refreshes in the background exactly 10 minutes before expiry', async () => {
      const initial = testJwt(NOW + HOUR, NOW);
      const refresh = countingRefresher();
      const credential = new AzureCommunicationTokenCredential({
        tokenRefresher: refresh.refresher,
        token: initial,
        refreshProactively: true,
      });
      await clock.tickAsync(50 * MINUTE - SECOND);
      expect(refresh.count).to.equal(0);
      await clock.tickAsync(SECOND);
      expect(refresh.count).to.equal(1);
      // getToken now hands out the background token without another call.
      expect(await credential.getToken()).to.deep.equal({
        token: refresh.tokens[0],
        expiresOnTimestamp: NOW + 50 * MINUTE + HOUR,
      });
      expect(refresh.count).to.equal(1);
      // And the next background refresh is scheduled for the new token.
      await clock.tickAsync(50 * MINUTE - SECOND);
      expect(refresh.count).to.equal(1);
      await clock.tickAsync(SECOND);
      expect(refresh.count).to.equal(2);
      credential.dispose();
    });

    it('retries a failed background refresh 30 seconds later', async () => {
      let calls = 0;
      const tokens: string[] = [];
      const credential = new AzureCommunicationTokenCredential({
        tokenRefresher: async () => {
          calls++;
          if (calls === 1) throw new Error('server down');
          const token = testJwt(Date.now() + HOUR, Date.now());
          tokens.push(token);
          return token;
        },
        token: testJwt(NOW + HOUR, NOW),
        refreshProactively: true,
      });
      await clock.tickAsync(50 * MINUTE);
      expect(calls).to.equal(1);
      await clock.tickAsync(30 * SECOND - 1);
      expect(calls).to.equal(1);
      await clock.tickAsync(1);
      expect(calls).to.equal(2);
      expect(await credential.getToken()).to.deep.equal({
        token: tokens[0],
        expiresOnTimestamp: NOW + 50 * MINUTE + 30 * SECOND + HOUR,
      });
      expect(calls).to.equal(2);
      credential.dispose();
    });

    it('fetches at once when started without a token', async () => {
      const refresh = countingRefresher();
      const credential = new AzureCommunicationTokenCredential({
        tokenRefresher: refresh.refresher,
        refreshProactively: true,
      });
      await clock.tickAsync(0);
      expect(refresh.count).to.equal(1);
      expect((await credential.getToken()).token).to.equal(refresh.tokens[0]);
      expect(refresh.count).to.equal(1);
      credential.dispose();
    });
  });

  describe('refresh window', () => {
    for (const lifetimeMinutes of [10, 16]) {
      it(`refreshes a ${lifetimeMinutes}-minute token at half its lifetime`, async () => {
        const lifetime = lifetimeMinutes * MINUTE;
        const refresh = countingRefresher();
        const initial = testJwt(NOW + lifetime, NOW);
        const credential = new AzureCommunicationTokenCredential({ tokenRefresher: refresh.refresher, token: initial });
        await expectRefreshDueIn(credential, refresh, initial, lifetime / 2);
      });
    }

    it('measures a short lifetime from iat, not from when the token arrived', async () => {
      // Issued 4 minutes ago for 10 minutes: due at iat + 5 min, one minute from now.
      const refresh = countingRefresher();
      const initial = testJwt(NOW + 6 * MINUTE, NOW - 4 * MINUTE);
      const credential = new AzureCommunicationTokenCredential({ tokenRefresher: refresh.refresher, token: initial });
      await expectRefreshDueIn(credential, refresh, initial, MINUTE);
    });

    it('refreshes a short-lived token proactively at half its lifetime', async () => {
      const refresh = countingRefresher(10 * MINUTE);
      const credential = new AzureCommunicationTokenCredential({
        tokenRefresher: refresh.refresher,
        token: testJwt(NOW + 10 * MINUTE, NOW),
        refreshProactively: true,
      });
      await clock.tickAsync(5 * MINUTE - SECOND);
      expect(refresh.count).to.equal(0);
      await clock.tickAsync(SECOND);
      expect(refresh.count).to.equal(1);
      await clock.tickAsync(5 * MINUTE);
      expect(refresh.count).to.equal(2);
      credential.dispose();
    });

    it('honours refreshTimeBeforeTokenExpiryInMs on demand and proactively', async () => {
      const onDemand = countingRefresher();
      const lazy = new AzureCommunicationTokenCredential({
        tokenRefresher: onDemand.refresher,
        token: testJwt(NOW + HOUR, NOW),
        refreshTimeBeforeTokenExpiryInMs: 30 * MINUTE,
      });
      const background = countingRefresher();
      const eager = new AzureCommunicationTokenCredential({
        tokenRefresher: background.refresher,
        token: testJwt(NOW + HOUR, NOW),
        refreshTimeBeforeTokenExpiryInMs: 30 * MINUTE,
        refreshProactively: true,
      });
      await clock.tickAsync(30 * MINUTE - SECOND);
      await lazy.getToken();
      expect(onDemand.count).to.equal(0);
      expect(background.count).to.equal(0);
      await clock.tickAsync(SECOND);
      expect(background.count).to.equal(1);
      await lazy.getToken();
      expect(onDemand.count).to.equal(1);
      eager.dispose();
    });

    it('lets refreshTimeBeforeTokenExpiryInMs override the half-lifetime rule', async () => {
      const refresh = countingRefresher();
      const initial = testJwt(NOW + 10 * MINUTE, NOW);
      const credential = new AzureCommunicationTokenCredential({
        tokenRefresher: refresh.refresher,
        token: initial,
        refreshTimeBeforeTokenExpiryInMs: 2 * MINUTE,
      });
      await expectRefreshDueIn(credential, refresh, initial, 8 * MINUTE);
    });

    it('with refreshTimeBeforeTokenExpiryInMs 0 still never hands out a token with under a minute left', async () => {
      const refresh = countingRefresher();
      const initial = testJwt(NOW + HOUR, NOW);
      const credential = new AzureCommunicationTokenCredential({
        tokenRefresher: refresh.refresher,
        token: initial,
        refreshTimeBeforeTokenExpiryInMs: 0,
      });
      await expectRefreshDueIn(credential, refresh, initial, HOUR - MINUTE);
    });
  });

  describe('concurrency and failures', () => {
    it('shares one refresh between concurrent getToken calls', async () => {
      const refresh = heldRefresher();
      const credential = new AzureCommunicationTokenCredential({ tokenRefresher: refresh.refresher });
      const pending = Array.from({ length: 5 }, () => credential.getToken());
      await Promise.resolve();
      expect(refresh.calls).to.equal(1);
      const token = testJwt(NOW + HOUR, NOW);
      refresh.release(token);
      const results = await Promise.all(pending);
      expect(results.map((result) => result.token)).to.deep.equal([token, token, token, token, token]);
      expect(refresh.calls).to.equal(1);
      expect((await credential.getToken()).token).to.equal(token);
      expect(refresh.calls).to.equal(1);
    });

    it('shares one refresh between concurrent callers when the current token falls due', async () => {
      const refresh = countingRefresher();
      const credential = new AzureCommunicationTokenCredential({
        tokenRefresher: refresh.refresher,
        token: testJwt(NOW + HOUR, NOW),
      });
      clock.tick(55 * MINUTE);
      const results = await Promise.all(Array.from({ length: 5 }, () => credential.getToken()));
      expect(refresh.count).to.equal(1);
      expect(new Set(results.map((result) => result.token))).to.deep.equal(new Set([refresh.tokens[0]]));
    });

    it('rejects an expired token from the refresher with TokenExpired and tries again only when asked', async () => {
      let calls = 0;
      let lifetime = -SECOND;
      const credential = new AzureCommunicationTokenCredential({
        tokenRefresher: async () => {
          calls++;
          return testJwt(Date.now() + lifetime, Date.now() - HOUR);
        },
      });
      expectCredentialError(await rejectionOf(credential.getToken()), 'TokenExpired');
      expect(calls).to.equal(1);
      await clock.tickAsync(HOUR);
      expect(calls).to.equal(1);
      expectCredentialError(await rejectionOf(credential.getToken()), 'TokenExpired');
      expect(calls).to.equal(2);
      lifetime = 0; // expires this very moment: still expired
      expectCredentialError(await rejectionOf(credential.getToken()), 'TokenExpired');
      expect(calls).to.equal(3);
      lifetime = HOUR;
      const token = await credential.getToken();
      expect(token.expiresOnTimestamp).to.equal(NOW + 2 * HOUR);
      expect(calls).to.equal(4);
    });

    it('does not loop in the background when a proactive refresher returns expired tokens', async () => {
      let calls = 0;
      const credential = new AzureCommunicationTokenCredential({
        tokenRefresher: async () => {
          calls++;
          return testJwt(Date.now() - SECOND, Date.now() - HOUR);
        },
        refreshProactively: true,
      });
      await clock.tickAsync(0);
      expect(calls).to.equal(1);
      await clock.tickAsync(2 * HOUR);
      expect(calls).to.equal(1);
      expectCredentialError(await rejectionOf(credential.getToken()), 'TokenExpired');
      expect(calls).to.equal(2);
      credential.dispose();
    });

    it('propagates a refresher failure and refreshes again on the next call', async () => {
      let calls = 0;
      const credential = new AzureCommunicationTokenCredential({
        tokenRefresher: async () => {
          calls++;
          if (calls === 1) throw new Error('server down');
          return testJwt(Date.now() + HOUR);
        },
      });
      expect(await rejectionOf(credential.getToken())).to.have.property('message', 'server down');
      expect((await credential.getToken()).expiresOnTimestamp).to.equal(NOW + HOUR);
      expect(calls).to.equal(2);
    });
  });

  describe('dispose and cancellation', () => {
    it('dispose() stops the proactive timer and later getToken calls throw CredentialDisposed', async () => {
      const refresh = countingRefresher();
      const credential = new AzureCommunicationTokenCredential({
        tokenRefresher: refresh.refresher,
        token: testJwt(NOW + HOUR, NOW),
        refreshProactively: true,
      });
      await clock.tickAsync(10 * MINUTE);
      credential.dispose();
      await clock.tickAsync(3 * HOUR);
      expect(refresh.count).to.equal(0);
      expect(clock.countTimers()).to.equal(0);
      expectCredentialError(await rejectionOf(credential.getToken()), 'CredentialDisposed');
      expect(refresh.count).to.equal(0);
    });

    it('a refresh that finishes after dispose() is refused and schedules nothing', async () => {
      const refresh = heldRefresher();
      const credential = new AzureCommunicationTokenCredential({ tokenRefresher: refresh.refresher, refreshProactively: true });
      const pending = credential.getToken();
      credential.dispose();
      refresh.release(testJwt(NOW + HOUR, NOW));
      expectCredentialError(await rejectionOf(pending), 'CredentialDisposed');
      await clock.tickAsync(3 * HOUR);
      expect(refresh.calls).to.equal(1);
      expect(clock.countTimers()).to.equal(0);
    });

    it('a disposed static credential throws CredentialDisposed', async () => {
      const credential = new AzureCommunicationTokenCredential(testJwt(NOW + HOUR, NOW));
      credential.dispose();
      expectCredentialError(await rejectionOf(credential.getToken()), 'CredentialDisposed');
    });

    it('an already-aborted signal rejects with AbortError without calling the refresher', async () => {
      const refresh = countingRefresher();
      const credential = new AzureCommunicationTokenCredential({ tokenRefresher: refresh.refresher });
      const controller = new AbortController();
      controller.abort(new Error('user left'));
      const error = await rejectionOf(credential.getToken({ abortSignal: controller.signal }));
      expect(error).to.be.instanceOf(AbortError);
      expect((error as AbortError).code).to.equal('Aborted');
      expect(refresh.count).to.equal(0);

      const staticCredential = new AzureCommunicationTokenCredential(testJwt(NOW + HOUR, NOW));
      expect(await rejectionOf(staticCredential.getToken({ abortSignal: controller.signal }))).to.be.instanceOf(AbortError);
    });
  });

  describe('constructor arguments', () => {
    it('throws TypeError without a token string or a tokenRefresher function', () => {
      expect(() => new AzureCommunicationTokenCredential(undefined as never)).to.throw(TypeError);
      expect(() => new AzureCommunicationTokenCredential(null as never)).to.throw(TypeError);
      expect(() => new AzureCommunicationTokenCredential({} as never)).to.throw(TypeError);
      expect(() => new AzureCommunicationTokenCredential({ tokenRefresher: 'https://x' } as never)).to.throw(TypeError);
    });

    it('throws RangeError for a negative or non-finite refreshTimeBeforeTokenExpiryInMs', () => {
      const tokenRefresher = async () => testJwt(Date.now() + HOUR);
      for (const value of [-1, Number.NaN, Number.POSITIVE_INFINITY, '5' as unknown as number]) {
        expect(() => new AzureCommunicationTokenCredential({ tokenRefresher, refreshTimeBeforeTokenExpiryInMs: value })).to.throw(
          RangeError,
        );
      }
      expect(() => new AzureCommunicationTokenCredential({ tokenRefresher, refreshTimeBeforeTokenExpiryInMs: 0 })).not.to.throw();
    });
  });
});
