import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { classMap } from 'lit/directives/class-map.js';
import { baseStyles } from '../shared/theme.js';
import styles from './avatar.styles.js';

const PALETTE = ['#2459d6', '#8b3fd9', '#c2185b', '#b34700', '#107c41', '#00838f', '#5d4037', '#455a64'];

/** Initials of a display name: first letters of the first and last words. */
export function initialsOf(name: string | undefined): string {
  const words = (name ?? '').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  const first = [...words[0]!][0] ?? '';
  const last = words.length > 1 ? ([...words[words.length - 1]!][0] ?? '') : '';
  return `${first}${last}`;
}

/** A stable color per name, so a person keeps their color everywhere. */
export function colorOf(key: string): string {
  let hash = 0;
  for (const char of key) hash = (hash * 31 + char.codePointAt(0)!) >>> 0;
  return PALETTE[hash % PALETTE.length]!;
}

/**
 * @summary A person's initials in a colored circle: shown where there is no video, and beside messages.
 *
 * @csspart base - The circle.
 * @cssproperty --acs-avatar-size - Diameter (default 2.5rem).
 */
@customElement('acs-avatar')
export class AcsAvatar extends LitElement {
  static override styles = [baseStyles, styles];

  /** The name to take initials from; also the accessible label. */
  @property({ attribute: 'display-name' }) displayName = '';

  /** Colors by this key when given (a user id), else by the name. */
  @property({ attribute: 'color-key' }) colorKey = '';

  /** Shows a ring while the person speaks. */
  @property({ type: Boolean, reflect: true }) speaking = false;

  override render() {
    const label = this.displayName || '?';
    return html`<span
      part="base"
      class=${classMap({ base: true, speaking: this.speaking })}
      role="img"
      aria-label=${label}
      style="background:${colorOf(this.colorKey || this.displayName)}"
      >${initialsOf(this.displayName)}</span
    >`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'acs-avatar': AcsAvatar;
  }
}
