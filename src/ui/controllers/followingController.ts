import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * The shape every calling controller shares: it follows one object (an agent, a call, a
 * participant, a device manager) that the host may swap at any time, listens to it only while the
 * host is in the page, and drops every listener when the object changes or the host leaves.
 * Subclasses say how to listen (`follow`) and how to stop (`unfollow`).
 */
export abstract class FollowingController<T> implements ReactiveController {
  protected readonly host: ReactiveControllerHost;
  #target: T | undefined;
  #connected = false;

  constructor(host: ReactiveControllerHost) {
    this.host = host;
    host.addController(this);
  }

  protected get target(): T | undefined {
    return this.#target;
  }

  /** Follows another object (or none). */
  protected setTarget(target: T | undefined): void {
    if (target === this.#target) return;
    this.unfollow();
    this.#target = target;
    if (this.#connected && target !== undefined) this.follow(target);
  }

  hostConnected(): void {
    this.#connected = true;
    if (this.#target !== undefined) this.follow(this.#target);
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.unfollow();
  }

  protected abstract follow(target: T): void;
  protected abstract unfollow(): void;
}
