import type { TypingUser } from './chatThreadState.js';

/** How long someone counts as typing after their last typing notification (ACS: 8 s). */
export const TYPING_INDICATOR_TIMEOUT_MS = 8000;

/**
 * Who is typing: each typing notification keeps a person listed for
 * {@link TYPING_INDICATOR_TIMEOUT_MS}; one timer, set for the next expiry, drops them.
 * `onChange` gets the new list whenever it changes.
 */
export class TypingTracker {
  readonly #typing = new Map<string, TypingUser & { expiresAt: number }>();
  readonly #onChange: (users: TypingUser[]) => void;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(onChange: (users: TypingUser[]) => void) {
    this.#onChange = onChange;
  }

  /** Someone sent a typing notification. */
  typing(rawId: string, displayName: string): void {
    this.#typing.set(rawId, { rawId, displayName, expiresAt: Date.now() + TYPING_INDICATOR_TIMEOUT_MS });
    this.#onChange(this.users());
    this.#schedule();
  }

  /** Someone stopped typing (their message arrived). */
  stopped(rawId: string): void {
    if (!this.#typing.delete(rawId)) return;
    this.#onChange(this.users());
    this.#schedule();
  }

  /** Forgets everyone (and the timer). */
  clear(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#typing.size === 0) return;
    this.#typing.clear();
    this.#onChange([]);
  }

  users(): TypingUser[] {
    return [...this.#typing.values()].map(({ rawId, displayName }) => ({ rawId, displayName }));
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#typing.size === 0) return;
    const next = Math.min(...[...this.#typing.values()].map((user) => user.expiresAt));
    this.#timer = setTimeout(
      () => {
        const now = Date.now();
        for (const [rawId, user] of this.#typing) if (user.expiresAt <= now) this.#typing.delete(rawId);
        this.#onChange(this.users());
        this.#schedule();
      },
      Math.max(0, next - Date.now()),
    );
  }
}
