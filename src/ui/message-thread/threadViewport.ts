/**
 * The DOM side of rendering a slice of a long thread: before each render it picks the items to
 * render (and remembers which message sits at the top of the view); after it, it measures what was
 * rendered, sizes the spacers that stand for the rest and scrolls so that the view stays where the
 * reader left it. The arithmetic is in {@link ThreadWindow}.
 */
import { type ItemRange, ThreadWindow } from './threadWindow.js';

/** The log and the two spacers around its rendered items, once rendered. */
export interface ViewportParts {
  log: HTMLElement;
  before: HTMLElement;
  after: HTMLElement;
}

/** What of its element the viewport uses. */
export interface ViewportHost {
  readonly clientHeight: number;
  readonly renderRoot: HTMLElement | DocumentFragment;
  requestUpdate(): void;
}

/** Updates in a row that may change the range again without a scroll between them: ends a loop of estimates. */
const MAX_RERANGES = 8;

export class ThreadViewport {
  readonly #host: ViewportHost;
  readonly #parts: () => ViewportParts | undefined;
  readonly #window = new ThreadWindow();
  /** The items in the DOM, by index. */
  #range: ItemRange = { start: 0, end: 0 };
  /** The first and last key of `#range`, to find the same items again after the items change. */
  #rangeKeys: [string, string] | undefined;
  /** The message kept in place across an update, and its distance from the top of the log's view. */
  #anchor: { key: string; delta: number } | undefined;
  /** A message to bring into view and focus once it is rendered. */
  #reveal: string | undefined;
  /** The log was scrolled to its very end when the update began: it stays there. */
  #atEnd = false;
  #rerangesInARow = 0;

  constructor(host: ViewportHost, parts: () => ViewportParts | undefined) {
    this.#host = host;
    this.#parts = parts;
  }

  /** The items to render. */
  get range(): ItemRange {
    return this.#range;
  }

  isRendered(key: string): boolean {
    const index = this.#window.indexOf(key);
    return index >= this.#range.start && index < this.#range.end;
  }

  /** The rendered element of the item with `key` (messages only: they carry `data-key`). */
  renderedElement(key: string): HTMLElement | undefined {
    if (!this.isRendered(key)) return undefined;
    return this.#host.renderRoot.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`) ?? undefined;
  }

  /** Focuses the message with `key`, rendering it first when it is outside the rendered items. */
  focus(key: string): void {
    const element = this.renderedElement(key);
    if (element) {
      element.focus();
      return;
    }
    this.#reveal = key;
    this.#host.requestUpdate();
  }

  /**
   * Before a render: picks the items to render for `keys` (the thread's items, in order). The newest
   * when the log goes to the bottom, those around a message being revealed, else the same items as
   * before as long as they cover the view (where the view will be once the anchor is back in place).
   */
  plan(keys: readonly string[], toBottom: boolean): void {
    const parts = this.#parts();
    // The anchor is read against the items as rendered, before the keys change.
    this.#anchor = parts && !toBottom ? this.#captureAnchor(parts) : undefined;
    this.#atEnd = parts !== undefined && parts.log.scrollHeight - parts.log.scrollTop - parts.log.clientHeight <= 1;
    const layout = this.#window;
    layout.setKeys(keys);
    const viewport = this.#viewportHeight(parts);
    const revealed = this.#reveal !== undefined ? layout.indexOf(this.#reveal) : -1;
    if (toBottom || !parts) {
      this.#setRange(layout.tail(viewport, viewport));
    } else if (revealed >= 0) {
      this.#anchor = undefined;
      this.#setRange(layout.rangeAround(layout.offset(revealed) - viewport / 2, viewport, viewport));
    } else {
      const anchorIndex = this.#anchor ? layout.indexOf(this.#anchor.key) : -1;
      const top = anchorIndex >= 0 ? layout.offset(anchorIndex) - this.#anchor!.delta : this.#viewTop(parts);
      const [first, last] = this.#rangeKeys ?? ['', ''];
      const same = { start: layout.indexOf(first), end: layout.indexOf(last) + 1 };
      // Not when the same first and last take in many more items (older ones of the first item's day).
      const keep =
        same.start >= 0 &&
        same.end > same.start &&
        same.end - same.start <= this.#range.end - this.#range.start + 8 &&
        layout.covers(same, top, viewport, viewport / 4);
      this.#setRange(keep ? same : layout.rangeAround(top, viewport, viewport));
    }
    // The focused message is about to leave the DOM: the log holds the focus until it is back.
    // (activeElement, not :focus-within, which would have the styles worked out first.)
    const focused = (this.#host.renderRoot as ShadowRoot).activeElement?.closest<HTMLElement>('[data-key]');
    if (parts && focused && !this.isRendered(focused.dataset.key!)) parts.log.focus({ preventScroll: true });
  }

  /**
   * After a render: measures the rendered items, sizes the spacers, then scrolls to the newest
   * (`toBottom`, or still at its end), to a revealed message (and focuses it) or back to the anchor.
   */
  settle(toBottom: boolean): void {
    const parts = this.#parts();
    if (!parts) return;
    const { log } = parts;
    this.#measure(parts);
    const revealed = this.#reveal !== undefined ? this.renderedElement(this.#reveal) : undefined;
    if (toBottom) {
      log.scrollTop = log.scrollHeight;
    } else if (revealed) {
      this.#reveal = undefined;
      revealed.scrollIntoView({ block: 'nearest' });
      revealed.focus({ preventScroll: true });
    } else if (this.#atEnd && this.#reveal === undefined) {
      // At the newest, stay there: the measured heights differ from the estimates the spacers had.
      log.scrollTop = log.scrollHeight;
    } else if (this.#anchor) {
      const element = this.renderedElement(this.#anchor.key);
      if (element) log.scrollTop = element.offsetTop - this.#anchor.delta;
    }
    this.#anchor = undefined;
    if (this.#rerangesInARow++ < MAX_RERANGES) this.#keepViewCovered(parts);
  }

  /** After the reader scrolled: renders other items if the view moved past the rendered ones. */
  scrolled(): void {
    const parts = this.#parts();
    if (!parts) return;
    this.#rerangesInARow = 0;
    this.#keepViewCovered(parts);
  }

  /** The log's visible height, or a guess before the first layout. */
  #viewportHeight(parts: ViewportParts | undefined): number {
    return parts?.log.clientHeight || this.#host.clientHeight || window.innerHeight;
  }

  /** Where the log's view starts, in the window's coordinates (from the top of the first item). */
  #viewTop({ log, before }: ViewportParts): number {
    return log.scrollTop - before.offsetTop;
  }

  #setRange(range: ItemRange): void {
    this.#range = range;
    const layout = this.#window;
    this.#rangeKeys = range.end > range.start ? [layout.keyAt(range.start)!, layout.keyAt(range.end - 1)!] : undefined;
  }

  /** The first rendered message at or below the top of the view, and how far below the top it is. */
  #captureAnchor({ log, before, after }: ViewportParts): { key: string; delta: number } | undefined {
    const top = log.scrollTop;
    // A message, not a day separator: older messages of the same day move the separator above them.
    for (let element = before.nextElementSibling as HTMLElement | null; element && element !== after;) {
      const key = element.dataset.key;
      if (key !== undefined && element.offsetTop + element.offsetHeight > top) return { key, delta: element.offsetTop - top };
      element = element.nextElementSibling as HTMLElement | null;
    }
    return undefined;
  }

  /** Records the heights of the rendered items and sizes the spacers for the items not rendered. */
  #measure({ before, after }: ViewportParts): void {
    const layout = this.#window;
    const { start, end } = this.#range;
    let index = start;
    let element = before.nextElementSibling as HTMLElement | null;
    while (element && element !== after && index < end) {
      const next = element.nextElementSibling as HTMLElement;
      layout.measure(layout.keyAt(index)!, next.offsetTop - element.offsetTop);
      element = next;
      index++;
    }
    before.style.height = `${layout.offset(start)}px`;
    after.style.height = `${layout.totalHeight - layout.offset(end)}px`;
  }

  /** Renders other items when the rendered ones no longer cover the view (and a margin around it). */
  #keepViewCovered(parts: ViewportParts): void {
    const layout = this.#window;
    if (layout.length === 0) return;
    const viewport = this.#viewportHeight(parts);
    const top = this.#viewTop(parts);
    if (layout.covers(this.#range, top, viewport, viewport / 4)) return;
    this.#setRange(layout.rangeAround(top, viewport, viewport));
    this.#host.requestUpdate();
  }
}
