import { css, html, type TemplateResult } from 'lit';
import type { ReactionType } from '../../calling/callingProtocol.js';
import { callingIcon } from './callingIcons.js';

/** The reactions in the order the menu offers them. */
export const REACTIONS: readonly ReactionType[] = ['like', 'heart', 'laugh', 'applause', 'surprised'];

/** The words of each reaction, overridable with the component's strings. */
export const reactionStrings = {
  reactionLike: 'Like',
  reactionHeart: 'Heart',
  reactionLaugh: 'Laugh',
  reactionApplause: 'Applause',
  reactionSurprised: 'Surprised',
};
export type ReactionStrings = typeof reactionStrings;

const KEYS: Record<ReactionType, keyof ReactionStrings> = {
  like: 'reactionLike',
  heart: 'reactionHeart',
  laugh: 'reactionLaugh',
  applause: 'reactionApplause',
  surprised: 'reactionSurprised',
};

export function reactionName(type: ReactionType, strings: ReactionStrings): string {
  return strings[KEYS[type]];
}

/** A reaction's icon (inline SVG, so no emoji font is needed), coloured by its kind; decorative. */
export function reactionIcon(type: ReactionType): TemplateResult {
  return html`<span class="reaction-icon ${type}">${callingIcon(type)}</span>`;
}

export const reactionIconStyles = css`
  .reaction-icon {
    display: inline-flex;
  }
  .reaction-icon.like {
    color: #2459d6;
  }
  .reaction-icon.heart {
    color: #d13438;
  }
  .reaction-icon.laugh,
  .reaction-icon.surprised,
  .reaction-icon.applause {
    color: #b7791f;
  }
`;
