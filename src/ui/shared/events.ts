/**
 * Dispatches a component event: `acs-` prefixed, bubbling and composed (it leaves the shadow root),
 * with a typed `detail`. Returns false when a listener called `preventDefault()`.
 */
export function emit<T>(host: HTMLElement, name: `acs-${string}`, detail: T, options: { cancelable?: boolean } = {}): boolean {
  return host.dispatchEvent(
    new CustomEvent<T>(name, { detail, bubbles: true, composed: true, cancelable: options.cancelable ?? false }),
  );
}
