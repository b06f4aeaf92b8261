/**
 * Group and room calls end to end: each person in a browser context of their own (own storage,
 * own fake camera and microphone), all joining one call by id, a late joiner included, and every
 * in-call feature across them: hands, reactions, spotlight, data in both reliability modes, and
 * capabilities by role in a room.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { adminRequest } from '../kit/serverHelpers.js';
import { until } from '../kit/wait.js';
import { withDemoAndBrowser } from './browser.js';

type HarnessState = ReturnType<Window['groupHarness']['state']>;
interface Person {
  name: string;
  context: BrowserContext;
  page: Page;
  id: string;
}

describe('group and room calls: people in separate browser contexts', () => {
  const { service, browser } = withDemoAndBrowser({ pageFolders: ['test/e2e/harness'], demoRateLimits: { createsPerWindow: 1000 } });
  const people: Person[] = [];

  async function person(name: string): Promise<Person> {
    const context = await browser().newContext({ permissions: ['camera', 'microphone'] });
    const page = await context.newPage();
    await page.goto(new URL('/test/e2e/harness/group.html', service().endpoint).href);
    await page.locator('body[data-ready="true"]').waitFor({ state: 'attached' });
    const id = await page.evaluate((n) => window.groupHarness.signIn(n), name);
    const created = { name, context, page, id };
    people.push(created);
    return created;
  }
  const state = (p: Person) => p.page.evaluate(() => window.groupHarness.state());
  const act = (p: Person, action: string, argument?: unknown) =>
    p.page.evaluate(([a, arg]) => window.groupHarness.act(a as string, arg), [action, argument] as const);
  async function when(p: Person, what: string, check: (s: HarnessState) => boolean): Promise<HarnessState> {
    let last: HarnessState | undefined;
    return until(
      async () => {
        last = await state(p);
        return check(last) ? last : undefined;
      },
      { what: () => `${p.name}: ${what}; last ${JSON.stringify(last)}`, intervalMs: 100 },
    );
  }
  const closeAll = async () => {
    await Promise.allSettled(people.splice(0).map((p) => p.context.close()));
  };

  test('a group call by id: late joiner, video everywhere, hands, reactions, spotlight, data', async (t) => {
    try {
      const [alice, bob, carol] = [await person('Alice'), await person('Bob'), await person('Carol')];
      const groupId = randomUUID();
      for (const p of [alice, bob, carol]) await p.page.evaluate((g) => window.groupHarness.join({ groupId: g }, true), groupId);
      const everyone = [alice, bob, carol];

      await t.test('all three are in one call and each decodes the others’ video', async () => {
        for (const p of everyone) {
          await when(
            p,
            'two remotes decoding frames',
            (s) => s.call === 'Connected' && s.remote.length === 2 && s.remote.every((r) => r.state === 'Connected' && r.frames >= 5),
          );
        }
      });

      await t.test('hands go up in order at everyone', async () => {
        assert.equal(await act(bob, 'raiseHand'), '');
        assert.equal(await act(alice, 'raiseHand'), '');
        for (const p of everyone) await when(p, 'two hands', (s) => s.hands.join() === `1:${bob.id},2:${alice.id}`);
        await when(carol, 'raised events', (s) => s.handEvents.includes(`raised:${bob.id}`) && s.handEvents.includes(`raised:${alice.id}`));
      });

      let dave: Person;
      await t.test('a late joiner sees the hands and everyone’s video', async () => {
        dave = await person('Dave');
        await dave.page.evaluate((g) => window.groupHarness.join({ groupId: g }, true), groupId);
        await when(dave, 'the hands at once', (s) => s.hands.join() === `1:${bob.id},2:${alice.id}`);
        await when(dave, 'three remotes decoding', (s) => s.remote.length === 3 && s.remote.every((r) => r.frames >= 5));
        for (const p of everyone) await when(p, 'Dave’s video', (s) => s.remote.some((r) => r.id === dave.id && r.frames >= 5));
        everyone.push(dave);
      });

      await t.test('lowering: own hand, then all hands', async () => {
        await act(alice, 'lowerHand');
        await when(dave, 'Alice’s hand down', (s) => s.hands.join() === `1:${bob.id}` && s.handEvents.includes(`lowered:${alice.id}`));
        await act(carol, 'lowerAllHands');
        for (const p of everyone) await when(p, 'no hands', (s) => s.hands.length === 0);
      });

      await t.test('a reaction reaches everyone else, not the sender', async () => {
        assert.equal(await act(carol, 'react', 'applause'), '');
        for (const p of [alice, bob, dave]) await when(p, 'Carol’s applause', (s) => s.reactions.includes(`${carol.id}:applause`));
        assert.deepEqual((await state(carol)).reactions, []);
        assert.match(await act(carol, 'react', 'boo'), /reactionType/);
      });

      await t.test('a spotlight shows at everyone; stopping all clears it', async () => {
        await act(bob, 'spotlight', dave.id);
        for (const p of everyone) await when(p, 'Dave spotlighted', (s) => s.spotlights.join() === dave.id);
        await act(alice, 'stopAllSpotlight');
        for (const p of everyone)
          await when(p, 'no spotlight', (s) => s.spotlights.length === 0 && s.spotlightEvents.includes(`off:${dave.id}`));
      });

      await t.test('data: Durable arrives whole and in order, Lossy arrives, a close closes the receivers', async () => {
        await act(alice, 'openSender', { channelId: 3, reliability: 'Durable' });
        await act(alice, 'openSender', { channelId: 4, reliability: 'Lossy' });
        const messages = Array.from({ length: 50 }, (_, i) => Array.from({ length: (i * 61) % 700 }, (_, j) => (i + j) % 256));
        assert.equal(await act(alice, 'send', { channelId: 3, messages }), '');
        assert.equal(await act(alice, 'send', { channelId: 4, messages: [[1], [2], [3]] }), '');
        for (const p of [bob, carol, dave]) {
          const s = await when(p, 'the Durable messages', (x) => x.received.filter((r) => r.channelId === 3).length === 50);
          const durable = s.received.filter((r) => r.channelId === 3);
          assert.deepEqual(
            durable.map((r) => r.sequenceNumber),
            messages.map((_, i) => i + 1),
          );
          assert.deepEqual(
            durable.map((r) => r.bytes),
            messages,
            `${p.name} got every byte`,
          );
          assert.ok(durable.every((r) => r.from === alice.id));
          await when(p, 'Lossy messages', (x) => x.received.some((r) => r.channelId === 4));
        }
        await act(alice, 'closeSender', 3);
        for (const p of [bob, carol, dave]) await when(p, 'the receiver closed', (s) => s.closedReceivers.includes(`${alice.id}/3`));
      });

      await t.test('whoever started it leaves; the others stay in the call', async () => {
        await act(alice, 'hangUp');
        for (const p of [bob, carol, dave])
          await when(p, 'Alice gone', (s) => s.call === 'Connected' && s.remote.length === 2 && !s.remote.some((r) => r.id === alice.id));
      });
    } finally {
      await closeAll();
    }
  });

  test('a room call: only its participants, capabilities by role, a role change at once', async () => {
    try {
      const [host, guest, viewer, outsider] = [
        await person('Host'),
        await person('Guest'),
        await person('Viewer'),
        await person('Outsider'),
      ];
      const created = await adminRequest<{ id: string }>(service(), 'POST', '/rooms', {
        participants: { [host.id]: { role: 'Presenter' }, [guest.id]: { role: 'Attendee' }, [viewer.id]: { role: 'Consumer' } },
      });
      assert.equal(created.status, 201, created.text);
      const roomId = created.body.id;
      for (const p of [host, guest, viewer, outsider]) await p.page.evaluate((r) => window.groupHarness.join({ roomId: r }, true), roomId);

      await when(outsider, 'refused', (s) => s.call === 'Disconnected' && s.endCode === 403);
      const roles = await Promise.all(
        [host, guest, viewer].map((p) =>
          when(p, 'in the room call', (s) => s.call === 'Connected' && s.remote.length === 2).then((s) => s.role),
        ),
      );
      assert.deepEqual(roles, ['Presenter', 'Attendee', 'Consumer']);

      const guestState = await state(guest);
      assert.equal(guestState.capabilities.shareScreen, false);
      assert.equal(guestState.capabilities.unmuteMic, true);
      assert.equal(await act(guest, 'shareScreen'), 'RoleRestricted');
      assert.equal(await act(viewer, 'unmute'), 'RoleRestricted');
      assert.equal(await act(viewer, 'raiseHand'), '', 'a Consumer may raise a hand');
      assert.equal(await act(guest, 'lowerAllHands'), 'RoleRestricted');
      // The Consumer's camera was not sent: nobody decodes video from them.
      await when(host, 'the Guest’s video', (s) => s.remote.some((r) => r.id === guest.id && r.frames >= 5));
      assert.equal((await state(host)).remote.find((r) => r.id === viewer.id)?.frames, 0);

      const promoted = await adminRequest(service(), 'PATCH', `/rooms/${roomId}/participants`, {
        participants: { [viewer.id]: { role: 'Presenter' } },
      });
      assert.equal(promoted.status, 200);
      await when(viewer, 'promoted', (s) => s.role === 'Presenter' && s.capabilities.unmuteMic === true);
      assert.equal(await act(viewer, 'unmute'), '');
    } finally {
      await closeAll();
    }
  });
});
