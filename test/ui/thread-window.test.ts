// The arithmetic of the message thread's window, without the DOM: offsets from measured and
// estimated heights, and the ranges of items that cover a stretch of the log.
import { expect } from '@open-wc/testing';
import { ThreadWindow } from '../../src/ui/message-thread/threadWindow.js';

/** A day separator and `count` messages, keyed as the thread keys them. */
function keys(count: number): string[] {
  return ['day:2026-1-1', ...Array.from({ length: count }, (_, i) => String(1000 + i))];
}

describe('ThreadWindow', () => {
  it('places unmeasured items at a first guess, then at the average of the measured ones', () => {
    const window = new ThreadWindow();
    window.setKeys(keys(10));
    expect(window.offset(1)).to.equal(40);
    expect(window.totalHeight).to.equal(40 + 10 * 64);

    window.measure('1000', 30);
    window.measure('1001', 50);
    expect(window.offset(2), 'a measured item has its height').to.equal(40 + 30);
    expect(window.totalHeight, 'the others the measured average').to.equal(40 + 30 + 50 + 8 * 40);

    window.measure('1000', 70);
    expect(window.totalHeight, 'a new measurement replaces the old one').to.equal(40 + 70 + 50 + 8 * 60);
  });

  it('finds the item at a point, clamped to the thread', () => {
    const window = new ThreadWindow();
    window.setKeys(keys(5));
    for (const key of keys(5)) window.measure(key, 100);
    expect(window.indexAt(-50)).to.equal(0);
    expect(window.indexAt(0)).to.equal(0);
    expect(window.indexAt(99)).to.equal(0);
    expect(window.indexAt(100)).to.equal(1);
    expect(window.indexAt(450)).to.equal(4);
    expect(window.indexAt(10_000)).to.equal(5);
  });

  it('covers a view with an overscan on each side, and the newest with the tail', () => {
    const window = new ThreadWindow();
    window.setKeys(keys(99));
    for (const key of keys(99)) window.measure(key, 100);
    const around = window.rangeAround(5_000, 500, 500);
    expect(around).to.deep.equal({ start: 45, end: 61 });
    expect(window.covers(around, 5_000, 500, 100)).to.equal(true);
    expect(window.covers(around, 5_600, 500, 100), 'the view moved past the rendered items').to.equal(false);
    expect(window.covers(around, 4_450, 500, 100), 'too close to the first rendered item').to.equal(false);

    const tail = window.tail(500, 500);
    expect(tail.end).to.equal(100);
    expect(window.offset(tail.start)).to.be.at.most(window.totalHeight - 1_000);
    expect(window.covers(tail, window.totalHeight - 500, 500, 100), 'the end of the thread bounds the view').to.equal(true);
  });

  it('covers nothing in an empty thread', () => {
    const window = new ThreadWindow();
    window.setKeys([]);
    expect(window.rangeAround(0, 500, 500)).to.deep.equal({ start: 0, end: 0 });
    expect(window.covers({ start: 0, end: 0 }, 0, 500, 100)).to.equal(true);
  });
});
