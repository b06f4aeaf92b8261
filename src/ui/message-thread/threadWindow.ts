/**
 * Which slice of a long thread is in the DOM: the heights of the items (measured once rendered,
 * estimated until then), their offsets, and the range of items that covers a stretch of the log.
 * No DOM here: the component measures and scrolls, this does the arithmetic.
 */

/** A slice of the thread's items, `start` included, `end` not. */
export interface ItemRange {
  start: number;
  end: number;
}

/** Heights assumed for items not measured yet, until measured ones give an average. */
const FIRST_GUESS = { day: 40, message: 64 };

export class ThreadWindow {
  #keys: readonly string[] = [];
  #heights = new Map<string, number>();
  /** Sums and counts of measured heights, per kind, for the estimate. */
  #measured = { day: { sum: 0, count: 0 }, message: { sum: 0, count: 0 } };
  /** `offsets[i]` is the top of item i from the top of item 0; `offsets[n]` the height of them all. */
  #offsets = new Float64Array(1);
  #stale = true;

  get length(): number {
    return this.#keys.length;
  }

  /** The thread's items, by key (`day:` keys are day separators). */
  setKeys(keys: readonly string[]): void {
    if (keys === this.#keys) return;
    this.#keys = keys;
    this.#stale = true;
  }

  indexOf(key: string): number {
    return this.#keys.indexOf(key);
  }

  keyAt(index: number): string | undefined {
    return this.#keys[index];
  }

  /** Records the measured height of a rendered item. */
  measure(key: string, height: number): void {
    const previous = this.#heights.get(key);
    if (previous === height) return;
    const kind = this.#measured[kindOf(key)];
    if (previous === undefined) kind.count++;
    kind.sum += height - (previous ?? 0);
    this.#heights.set(key, height);
    this.#stale = true;
  }

  /** Top of item `index` (or the height of all items for `length`). */
  offset(index: number): number {
    return this.#current()[Math.max(0, Math.min(index, this.#keys.length))]!;
  }

  get totalHeight(): number {
    return this.offset(this.#keys.length);
  }

  /** The index of the item at `y` (clamped to the items). */
  indexAt(y: number): number {
    const offsets = this.#current();
    let low = 0;
    let high = this.#keys.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (offsets[mid]! <= y) low = mid;
      else high = mid - 1;
    }
    return Math.max(0, low);
  }

  /** The items that intersect `[top - overscan, top + height + overscan]`. */
  rangeAround(top: number, height: number, overscan: number): ItemRange {
    if (this.#keys.length === 0) return { start: 0, end: 0 };
    const start = this.indexAt(top - overscan);
    const end = this.indexAt(top + height + overscan) + 1;
    return { start, end };
  }

  /** The newest items, enough to fill `height + overscan`. */
  tail(height: number, overscan: number): ItemRange {
    const end = this.#keys.length;
    return { start: this.indexAt(this.totalHeight - height - overscan), end };
  }

  /** True when `range` covers `[top - margin, top + height + margin]` (or the thread's edges). */
  covers(range: ItemRange, top: number, height: number, margin: number): boolean {
    if (this.#keys.length === 0) return range.start === 0 && range.end === 0;
    const coversTop = range.start === 0 || this.offset(range.start) <= Math.max(0, top - margin);
    const coversBottom = range.end >= this.#keys.length || this.offset(range.end) >= top + height + margin;
    return coversTop && coversBottom && range.start < range.end;
  }

  #estimate(key: string): number {
    const kind = kindOf(key);
    const { sum, count } = this.#measured[kind];
    return count > 0 ? sum / count : FIRST_GUESS[kind];
  }

  #current(): Float64Array {
    if (!this.#stale) return this.#offsets;
    const keys = this.#keys;
    if (this.#offsets.length !== keys.length + 1) this.#offsets = new Float64Array(keys.length + 1);
    const offsets = this.#offsets;
    const estimates = { day: this.#estimate('day:'), message: this.#estimate('') };
    let y = 0;
    for (let i = 0; i < keys.length; i++) {
      offsets[i] = y;
      const key = keys[i]!;
      y += this.#heights.get(key) ?? estimates[kindOf(key)];
    }
    offsets[keys.length] = y;
    this.#stale = false;
    return offsets;
  }
}

function kindOf(key: string): 'day' | 'message' {
  return key.startsWith('day:') ? 'day' : 'message';
}
