/**
 * What a person would notice on any screen of the demo, checked at each step of an end-to-end
 * test: the page scrolls sideways, controls lie on top of each other, a name shows as a
 * placeholder, or the console reports an error.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';

/** Words the page shows only when it does not know a name. */
const PLACEHOLDER_NAMES = /\b(Someone|Unnamed participant|Unnamed|Guest|undefined|null)\b/;

/**
 * Runs in the page (a string: the test runner's transform would add helpers to a function's source).
 * Returns the sideways overflow, the pairs of visible interactive elements that overlap, and the
 * visible text through every open shadow root.
 */
const INSPECT = `(() => {
  const all = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      all.push(el);
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document);
  const parentOf = (node) => node.parentElement ?? (node.parentNode && node.parentNode.host) ?? null;
  const interactive = (el) =>
    el.matches('button, a[href], input:not([type="hidden"]), select, textarea, summary, [role="button"], [role="radio"], [role="switch"], [role="menuitem"], [tabindex]:not([tabindex="-1"])');
  /** The part of an element a person can see: inside every ancestor that clips. */
  const visibleRect = (el) => {
    if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) return null;
    for (let up = el; up; up = parentOf(up)) if (up.inert) return null; // not for a person to use now
    const r = el.getBoundingClientRect();
    let box = { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    for (let up = parentOf(el); up; up = parentOf(up)) {
      const style = getComputedStyle(up);
      if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
      const c = up.getBoundingClientRect();
      box = { left: Math.max(box.left, c.left), top: Math.max(box.top, c.top), right: Math.min(box.right, c.right), bottom: Math.min(box.bottom, c.bottom) };
    }
    return box.right - box.left > 1 && box.bottom - box.top > 1 ? box : null;
  };
  const contains = (a, b) => {
    for (let up = b; up; up = parentOf(up)) if (up === a) return true;
    return false;
  };
  const describe = (el) => {
    const name = el.getAttribute('aria-label') || el.textContent.trim().replace(/\\s+/g, ' ').slice(0, 40) || el.getAttribute('placeholder') || '';
    return el.localName + (el.getAttribute('part') ? '[part=' + el.getAttribute('part') + ']' : '') + ' "' + name + '"';
  };
  const shown = all.filter(interactive).map((el) => ({ el, box: visibleRect(el) })).filter((x) => x.box);
  const overlaps = [];
  for (let i = 0; i < shown.length; i++) {
    for (let j = i + 1; j < shown.length; j++) {
      const a = shown[i], b = shown[j];
      if (contains(a.el, b.el) || contains(b.el, a.el)) continue;
      const w = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left);
      const h = Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top);
      if (w > 2 && h > 2) overlaps.push(describe(a.el) + ' and ' + describe(b.el) + ' (' + Math.round(w) + '×' + Math.round(h) + ' px)');
    }
  }
  const texts = [];
  const textOf = (root) => {
    for (const node of root.childNodes) {
      if (node.nodeType === Node.TEXT_NODE) {
        const parent = node.parentElement;
        if (parent && parent.checkVisibility() && node.textContent.trim()) texts.push(node.textContent.trim());
      } else if (node.nodeType === Node.ELEMENT_NODE) {
        if (node.localName === 'script' || node.localName === 'style') continue;
        if (node.shadowRoot) textOf(node.shadowRoot);
        textOf(node);
      }
    }
  };
  textOf(document.body);
  return {
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    overlaps,
    text: texts.join(' | '),
  };
})()`;

/**
 * Asserts that, at this step, the page has no sideways scrolling, no overlapping interactive
 * elements and no placeholder names. `step` names the step in the failure message.
 */
export async function assertSoundPage(page: Page, step: string): Promise<void> {
  const { overflow, overlaps, text } = (await page.evaluate(INSPECT)) as { overflow: number; overlaps: string[]; text: string };
  const width = page.viewportSize()?.width;
  assert.ok(overflow <= 0, `${step} at ${width} px: the page scrolls sideways by ${overflow} px`);
  assert.deepEqual(overlaps, [], `${step} at ${width} px: interactive elements overlap`);
  const placeholder = PLACEHOLDER_NAMES.exec(text);
  assert.equal(placeholder, null, `${step}: a placeholder name shows ("${placeholder?.[0]}") in: ${text}`);
}

/**
 * The development server's hot-update client, which these tests' demo server (Vite without a
 * watcher) still loads and which finds no socket. It is no part of the product: the built demo
 * that `npm start` serves has no such client, and production-demo.test.ts holds its console to
 * silence.
 */
const DEV_SERVER_NOISE = /\[vite\]|ws:\/\/127\.0\.0\.1:24678\/|^WebSocket closed without opened\.$/;

/** Collects the page's console errors and uncaught exceptions from now on (but the dev server's own). */
export function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !DEV_SERVER_NOISE.test(message.text())) errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => {
    if (!DEV_SERVER_NOISE.test(error.message)) errors.push(`uncaught: ${error.message}`);
  });
  return errors;
}

/**
 * Page helpers that find elements through every open shadow root (`window.__deep`, `__deepAll`):
 * add with `context.addInitScript(DEEP_QUERY)`.
 */
export const DEEP_QUERY = `
  window.__deep = (selector, root = document) => {
    const found = root.querySelector(selector);
    if (found) return found;
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) {
        const inner = window.__deep(selector, el.shadowRoot);
        if (inner) return inner;
      }
    }
    return null;
  };
  window.__deepAll = (selector, root = document, out = []) => {
    out.push(...root.querySelectorAll(selector));
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) window.__deepAll(selector, el.shadowRoot, out);
    return out;
  };
`;

declare global {
  interface Window {
    __deep(selector: string): HTMLElement | null;
    __deepAll(selector: string): HTMLElement[];
  }
}

/**
 * Polls a check inside the page (it may look inside shadow roots) until it holds: playwright's
 * waitForFunction, since the check runs in the page, not in Node as the kit's until does.
 */
export async function untilOnPage<A>(page: Page, what: string, check: (arg: A) => boolean, arg?: A): Promise<void> {
  await page.waitForFunction(check as (arg: unknown) => boolean, arg, { timeout: 30_000, polling: 100 }).catch((error: Error) => {
    throw new Error(`Timed out waiting for ${what}: ${error.message}`);
  });
}
