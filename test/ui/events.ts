import type { AcsEventName } from '../../src/ui/shared/events.js';

/**
 * The next `name` event `target` fires, typed by the global event map (so `detail` needs no cast):
 * `oneEvent` of @open-wc/testing, for the components' `acs-*` events.
 */
export function nextEvent<K extends AcsEventName>(target: GlobalEventHandlers, name: K): Promise<GlobalEventHandlersEventMap[K]> {
  return new Promise((resolve) => target.addEventListener(name, resolve, { once: true }));
}
