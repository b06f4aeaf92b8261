import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { API_VERSIONS } from '../../src/common/apiVersions.js';
import { createKeyCredentialPipeline } from '../../src/common/keyCredentialClient.js';
import { screenshot, withDemoAndBrowser } from './browser.js';
import { DEEP_QUERY, untilOnPage } from './pageChecks.js';

interface Person {
  name: string;
  context: BrowserContext;
  page: Page;
  userId: string;
}

/** The remote tile of `name` at this page has the part `part` (with `label` as its accessible name, if given). */
function tileShows([name, partName, label]: [string, string, string | null]): boolean {
  return window.__deepAll('acs-video-tile:not([local])').some((tile) => {
    const plate = tile.shadowRoot?.querySelector('[part~="name"]')?.textContent;
    const found = tile.shadowRoot?.querySelector(`[part~="${partName}"]`);
    return plate === name && !!found && (label === null || found.getAttribute('aria-label') === label);
  });
}

/**
 * Where to save the screenshots of the group-call features at both sizes and in both themes, when
 * asked (CALLUI_SHOTS=/some/folder); otherwise only the usual test artifacts are saved.
 */
const SHOTS = process.env.CALLUI_SHOTS;
const SIZES = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
];

async function shots(page: Page, name: string, prepare?: () => Promise<void>): Promise<void> {
  if (!SHOTS) {
    await prepare?.();
    await screenshot(page, `demo-group-${name}`);
    return;
  }
  mkdirSync(SHOTS, { recursive: true });
  for (const theme of ['light', 'dark'] as const) {
    await page.evaluate((t) => {
      const toggle = document.getElementById('theme-toggle')!;
      if ((document.documentElement.dataset.acsTheme === 'dark') !== (t === 'dark')) toggle.click();
    }, theme);
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await prepare?.();
      await page.waitForTimeout(150);
      // The call, not the whole page: the stage is where the features show.
      await page.locator('#stage').screenshot({ path: join(SHOTS, `${name}-${size.width}x${size.height}-${theme}.png`) });
    }
  }
  await page.setViewportSize(SIZES[0]!);
}

describe('demo page: a group call started from the page and joined from its invite link', () => {
  const { service, browser } = withDemoAndBrowser({ demoRateLimits: { createsPerWindow: 1000 } });

  async function signIn(name: string, url = service().endpoint): Promise<Person> {
    const context = await browser().newContext({
      permissions: ['camera', 'microphone', 'clipboard-read', 'clipboard-write'],
      viewport: SIZES[0],
    });
    await context.addInitScript(DEEP_QUERY);
    const page = await context.newPage();
    await page.goto(url);
    await page.getByLabel('Display name').fill(name);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#signed-in').waitFor({ state: 'visible' });
    await untilOnPage(page, 'the call agent', () => /ready/i.test(document.getElementById('status')?.textContent ?? ''));
    return { name, context, page, userId: (await page.locator('#user-id').textContent()) ?? '' };
  }

  test('Alice starts a group call and copies its link; Bob and Cy join from it; a hand, a reaction and a spotlight show', async () => {
    const people: Person[] = [];
    try {
      const alice = await signIn('Alice');
      people.push(alice);
      await alice.page.getByRole('button', { name: 'Start a group call' }).click();
      await untilOnPage(alice.page, 'Alice in the call', () => window.__deepAll('acs-call-controls').length > 0);
      const link = await alice.page.locator('#group-link').inputValue();
      assert.match(link, /\?group=[0-9a-f-]{36}$/);
      await alice.page.getByRole('button', { name: 'Copy link (group call)' }).click();
      assert.equal(await alice.page.evaluate(() => navigator.clipboard.readText()), link);

      // Bob opens the link before signing in, Cy after: both are asked to join the group call.
      const bob = await signIn('Bob', link);
      people.push(bob);
      const cy = await signIn('Cy');
      people.push(cy);
      await cy.page.goto(link);
      await untilOnPage(cy.page, 'the call agent', () => /ready/i.test(document.getElementById('status')?.textContent ?? ''));
      for (const person of [bob, cy]) {
        const join = person.page.getByRole('button', { name: 'Join call' });
        await join.waitFor();
        assert.equal(await person.page.getByRole('heading', { name: 'Join the group call' }).count(), 1);
        await join.click();
      }
      for (const person of people) {
        await untilOnPage(
          person.page,
          `${person.name} sees the two others`,
          () => window.__deepAll('acs-video-tile:not([local])').length === 2,
        );
      }

      // Bob raises his hand: Alice and Cy see it on his tile.
      await bob.page.getByRole('button', { name: 'Raise hand' }).click();
      for (const person of [alice, cy]) {
        await untilOnPage(person.page, 'Bob’s hand', tileShows, ['Bob', 'raised-hand', 'Hand raised, 1st'] as [string, string, string]);
      }
      await shots(alice.page, 'raised-hand');

      // Alice opens the reactions menu (shown), then Cy reacts with applause: Alice sees it float over Cy's tile.
      await shots(alice.page, 'reactions-menu', async () => {
        if ((await alice.page.getByRole('menu', { name: 'Reactions' }).count()) === 0)
          await alice.page.getByRole('button', { name: 'React' }).click();
        await alice.page.getByRole('menu', { name: 'Reactions' }).waitFor();
      });
      await alice.page.keyboard.press('Escape');
      await shots(alice.page, 'reaction', async () => {
        await cy.page.getByRole('button', { name: 'React' }).click();
        await cy.page.getByRole('menuitem', { name: 'Applause' }).click();
        await untilOnPage(alice.page, 'the applause on Cy’s tile', tileShows, ['Cy', 'reaction', 'Applause'] as [string, string, string]);
      });

      // Alice spotlights Bob for everyone: his tile is large at Cy's too.
      await alice.page.getByRole('button', { name: 'More options for Bob' }).click();
      await alice.page.getByRole('menuitem', { name: 'Spotlight for everyone' }).click();
      await untilOnPage(cy.page, 'Bob large at Cy', () =>
        window
          .__deepAll('acs-video-tile[part~="large-tile"]')
          .some((t) => t.shadowRoot?.querySelector('[part~="name"]')?.textContent === 'Bob'),
      );
      await shots(cy.page, 'spotlight');
      await alice.page.getByRole('button', { name: 'More options for Bob' }).click();
      await alice.page.getByRole('menuitem', { name: 'Stop spotlight' }).click();
      await alice.page.getByRole('button', { name: 'Speaker view' }).click();
      await shots(alice.page, 'speaker-view');

      // In a room, Bob as an Attendee is told why he cannot share his screen.
      for (const person of people) await person.page.getByRole('button', { name: 'Leave' }).click();
      // After the group call, "New call" is an ordinary call again: the form asks who to call.
      await alice.page.getByRole('button', { name: 'Rejoin' }).waitFor();
      await alice.page.getByRole('button', { name: 'New call' }).click();
      await alice.page.getByRole('textbox', { name: 'Who to call' }).waitFor();
      const rooms = createKeyCredentialPipeline(API_VERSIONS.rooms.current, service().connectionString);
      const { body: room } = await rooms.send<{ id: string }>({
        method: 'POST',
        path: 'rooms',
        body: {
          participants: { [alice.userId]: { role: 'Presenter' }, [bob.userId]: { role: 'Attendee' }, [cy.userId]: { role: 'Consumer' } },
        },
      });
      for (const person of people) {
        await person.page.evaluate(async (roomId) => {
          const stage = document.getElementById('stage') as HTMLElementTagNameMap['acs-call-with-chat'];
          stage.roomId = roomId;
          await stage.updateComplete;
          await stage.callElement!.joinCall();
        }, room.id);
      }
      await untilOnPage(bob.page, 'Bob’s share button restricted', () =>
        window.__deepAll('[part~="screen-share"]').some((b) => b.getAttribute('aria-disabled') === 'true'),
      );
      const share = bob.page.getByRole('button', { name: 'Share screen' });
      assert.equal(await share.getAttribute('aria-disabled'), 'true');
      assert.equal(await bob.page.getByText("Your role (Attendee) can't share the screen").count(), 1);
      await shots(bob.page, 'attendee-restricted');
      await shots(cy.page, 'consumer-restricted');
    } finally {
      for (const person of people) await person.context.close();
    }
  });
});
