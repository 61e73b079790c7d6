import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { RenderingCache } from '../../../src/core/invoices/rendering-cache.js';

/** The page when every rendering is kept at its version. */
function whole(cache: RenderingCache, ids: string[], versions: number[]) {
  const { texts, holes } = cache.page(ids, versions);
  return holes ? undefined : texts;
}

describe('rendering cache', () => {
  it('gives a page only when every rendering is kept at the version asked for', () => {
    const cache = new RenderingCache(10);
    cache.keep('a', 0, 'A0');
    cache.keep('b', 3, 'B3');
    expect(whole(cache, ['a', 'b'], [0, 3])).toEqual(['A0', 'B3']);
    expect(whole(cache, ['b', 'a'], [3, 0])).toEqual(['B3', 'A0']);
    expect(whole(cache, ['a', 'b'], [0, 4])).toBeUndefined();
    expect(whole(cache, ['a', 'c'], [0, 0])).toBeUndefined();
    expect(whole(cache, [], [])).toEqual([]);
    expect(cache.page(['a', 'c', 'b'], [0, 0, 4])).toEqual({ texts: ['A0', undefined, undefined], holes: 2 });
    cache.keep('b', 4, 'B4');
    expect(whole(cache, ['a', 'b'], [0, 4])).toEqual(['A0', 'B4']);
    expect(cache.size).toBe(2);
  });

  it('holds at most its capacity, letting go of what it kept longest ago', () => {
    const cache = new RenderingCache(3);
    for (const id of ['a', 'b', 'c']) cache.keep(id, 0, id);
    cache.keep('a', 1, 'a1'); // kept again: now the newest
    cache.keep('d', 0, 'd');
    expect(cache.size).toBe(3);
    expect(whole(cache, ['b'], [0])).toBeUndefined();
    expect(whole(cache, ['c', 'a', 'd'], [0, 1, 0])).toEqual(['c', 'a1', 'd']);
    const none = new RenderingCache(0);
    none.keep('a', 0, 'A');
    expect(whole(none, ['a'], [0])).toBeUndefined();
    expect(none.size).toBe(0);
  });

  it('keeps a few whole pages by signature, the oldest going first, and none at capacity 0', () => {
    const cache = new RenderingCache(10);
    for (let i = 0; i < 70; i++) cache.keepJoined(`ids${i}/versions`, `page ${i}`);
    expect(cache.joined('ids69/versions')).toBe('page 69');
    expect(cache.joined('ids6/versions')).toBe('page 6');
    expect(cache.joined('ids5/versions')).toBeUndefined();
    expect(cache.joined('ids69/versions2')).toBeUndefined();
    const none = new RenderingCache(0);
    none.keepJoined('a/1', 'page');
    expect(none.joined('a/1')).toBeUndefined();
  });

  it('asks less and less often for a seller whose pages keep missing, and again at once after a hit', () => {
    const cache = new RenderingCache(10);
    const asks = (n: number) =>
      Array.from({ length: n }, () => cache.worthAsking('s')).filter(Boolean).length;
    expect(asks(5)).toBe(5);
    cache.asked('s', false); // one miss: every second page asks
    expect(asks(4)).toBe(2);
    cache.asked('s', false);
    cache.asked('s', false); // three in a row: one page in 8
    expect(asks(16)).toBe(2);
    for (let i = 0; i < 20; i++) cache.asked('s', false); // at most one in 64
    expect(asks(128)).toBe(2);
    expect(cache.worthAsking('other')).toBe(true);
    cache.asked('s', true);
    expect(asks(3)).toBe(3);
    expect(new RenderingCache(0).worthAsking('s')).toBe(false);
  });

  it('keeps its renderings without the pages they were cut from', () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const cache = new RenderingCache(10_000);
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let p = 0; p < 2000; p++) {
      const page = Array.from({ length: 100 }, (_, i) => `{"n":${p * 100 + i},"x":"${'x'.repeat(300)}"}`);
      const parts = page.join('\u0001').split('\u0001');
      cache.keep(`invoice-${p}`.padEnd(36, '-'), 0, parts[p % 100] as string);
    }
    gc();
    // 2,000 renderings of ~320 bytes: well under 10 MB, where slices would hold 2,000 pages (~64 MB).
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(10_000_000);
    expect(cache.size).toBe(2000);
  });
});
