import { css } from 'lit';

/**
 * The keyboard of a small `role="menu"` (the WAI-ARIA menu button pattern): arrow keys, Home and
 * End move between its `menuitem`s (wrapping), Escape and Tab close it. `close(returnFocus)` is the
 * host's: it hides the menu, and with `true` puts focus back on the button that opened it.
 */
export function onMenuKeyDown(event: KeyboardEvent, menu: HTMLElement, close: (returnFocus: boolean) => void): void {
  const items = [...menu.querySelectorAll<HTMLElement>('[role="menuitem"]')];
  const root = menu.getRootNode() as Document | ShadowRoot;
  const index = items.indexOf(root.activeElement as HTMLElement);
  const next: Record<string, number> = {
    ArrowDown: index + 1,
    ArrowRight: index + 1,
    ArrowUp: index - 1,
    ArrowLeft: index - 1,
    Home: 0,
    End: -1,
  };
  if (event.key === 'Escape') {
    event.preventDefault();
    event.stopPropagation();
    close(true);
  } else if (event.key === 'Tab') {
    close(false);
  } else if (event.key in next && items.length > 0) {
    event.preventDefault();
    event.stopPropagation();
    items[(next[event.key]! + items.length) % items.length]!.focus();
  }
}

/** Focuses the first item of a menu once it has rendered. */
export function focusFirstItem(menu: HTMLElement | null | undefined): void {
  menu?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
}

/** A menu's look: a raised panel of full-width items. */
export const menuStyles = css`
  .menu {
    position: absolute;
    z-index: 3;
    min-width: 10rem;
    margin: 0;
    padding: 0.25rem;
    display: flex;
    flex-direction: column;
    gap: 0.125rem;
    border: 1px solid var(--acs-color-border, #d5d9e0);
    border-radius: 0.5rem;
    background: var(--acs-color-surface, #ffffff);
    color: var(--acs-color-text, #1b1d21);
    box-shadow: 0 4px 16px rgba(0, 0, 0, 0.3);
  }
  .menu [role='menuitem'] {
    display: flex;
    flex-direction: row;
    align-items: center;
    justify-content: flex-start;
    min-width: 0;
    gap: 0.5rem;
    min-height: 2.25rem;
    padding: 0.25rem 0.75rem;
    border: 0;
    border-radius: 0.375rem;
    background: transparent;
    color: inherit;
    font: inherit;
    font-size: 0.875rem;
    text-align: start;
    white-space: nowrap;
    cursor: pointer;
  }
  .menu [role='menuitem']:hover,
  .menu [role='menuitem']:focus-visible {
    background: var(--acs-color-surface-raised, #f5f6f8);
  }
`;
