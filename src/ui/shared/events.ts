/** Detail of `acs-error`: every component fires it when something it did (or was asked to do) failed. */
export interface AcsErrorDetail {
  error: unknown;
}

/** Detail of the `acs-<panel>-toggle` events: the panel is shown (`open`) or hidden. */
export interface PanelToggleDetail {
  open: boolean;
}

/**
 * Every `acs-*` event name. Each component declares its events, with their detail types, in
 * `GlobalEventHandlersEventMap` (as Shoelace does): `HTMLElementEventMap` extends it, and so do the
 * maps of `document` and `window`, which the events reach because they bubble and are composed.
 */
export type AcsEventName = Extract<keyof GlobalEventHandlersEventMap, `acs-${string}`>;

/** The `detail` type of the `acs-*` event `K`. */
export type AcsEventDetail<K extends AcsEventName> = GlobalEventHandlersEventMap[K] extends CustomEvent<infer D> ? D : never;

/**
 * Dispatches a component event: `acs-` prefixed, bubbling and composed (it leaves the shadow root),
 * with the `detail` its event-map entry declares. Returns false when a listener called
 * `preventDefault()`.
 */
export function emit<K extends AcsEventName>(
  host: HTMLElement,
  name: K,
  detail: AcsEventDetail<K>,
  options: { cancelable?: boolean } = {},
): boolean {
  return host.dispatchEvent(
    new CustomEvent<AcsEventDetail<K>>(name, { detail, bubbles: true, composed: true, cancelable: options.cancelable ?? false }),
  );
}

declare global {
  interface GlobalEventHandlersEventMap {
    /** Fired by every component when something failed. */
    'acs-error': CustomEvent<AcsErrorDetail>;
    /** `<acs-chat-header>` and `<acs-call-controls>` (and `<acs-chat>`, re-firing the header's). */
    'acs-participants-toggle': CustomEvent<PanelToggleDetail>;
  }
}
