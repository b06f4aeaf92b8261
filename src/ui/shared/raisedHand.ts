import { html, type TemplateResult } from 'lit';
import { callingIcon } from './callingIcons.js';
import { format, ordinal } from './strings.js';

/** The words of a raised hand's badge, overridable with the component's strings. */
export const raisedHandStrings = {
  handRaisedOrder: 'Hand raised, {ordinal}',
};

/**
 * A raised hand with its place in the queue: the hand icon and the number, read as "Hand raised,
 * 2nd". The same badge on a tile and in the participant list (part `raised-hand`, class `hand`).
 */
export function raisedHandBadge(order: number, strings: typeof raisedHandStrings): TemplateResult {
  return html`<span
    part="raised-hand"
    class="hand"
    role="img"
    aria-label=${format(strings.handRaisedOrder, { ordinal: ordinal(order), order })}
    >${callingIcon('hand')}<span aria-hidden="true">${order}</span></span
  >`;
}
