import { setBounded } from '../bounded-map.js';

/**
 * A copy of the string that owns its characters. Ids and renderings arrive as slices of a page's
 * strings, and V8 keeps a slice's whole parent alive: one kept rendering would hold its page's
 * ~34 KB (measured: 5,000 renderings from 5,000 pages held 159 MB as slices, 2.1 MB as copies).
 * Slicing a concatenation makes V8 flatten it into a new string first.
 */
function own(s: string): string {
  return ` ${s}`.slice(1);
}

/** Joined pages kept besides the renderings (see RenderingCache.pages). */
const KEPT_PAGES = 64;

/**
 * Listing renderings kept in memory, each under the version the store gave it (migrations/0012
 * raises an invoice's version whenever a column its rendering shows changes). A page's statement
 * reads ids and versions from the listing index; when every one is kept at that version the page
 * is joined here, and the database neither joins nor sends ~34 KB of renderings it already sent.
 * A rendering is only ever served at the version it was read with, so it is never stale. Bounded:
 * beyond `capacity` the renderings kept longest ago go first.
 */
export class RenderingCache {
  private readonly kept = new Map<string, { version: number; text: string }>();
  /**
   * Whole pages joined, by signature (ids and versions, see ListingKeys): a page polled again is
   * one lookup instead of one per invoice and a join. A few pages only (~34 KB each).
   */
  private readonly pages = new Map<string, string>();
  /** Per seller, pages missed in a row and pages read since the store was last asked. */
  private readonly misses = new Map<string, { streak: number; skipped: number }>();

  constructor(private readonly capacity: number) {}

  /**
   * The renderings of a page in its order, each kept at its version or undefined (a hole), and how
   * many holes there are.
   */
  page(
    ids: readonly string[],
    versions: readonly number[],
  ): { texts: (string | undefined)[]; holes: number } {
    const texts: (string | undefined)[] = new Array(ids.length);
    let holes = 0;
    for (let i = 0; i < ids.length; i++) {
      const entry = this.kept.get(ids[i] as string);
      if (entry !== undefined && entry.version === versions[i]) texts[i] = entry.text;
      else holes++;
    }
    return { texts, holes };
  }

  /** The page of this signature as joined before, if kept. */
  joined(signature: string): string | undefined {
    return this.pages.get(signature);
  }

  /** Keeps a page joined under its signature. */
  keepJoined(signature: string, joined: string): void {
    if (this.capacity === 0) return;
    setBounded(this.pages, own(signature), joined, KEPT_PAGES);
  }

  keep(invoiceId: string, version: number, text: string): void {
    if (this.capacity === 0) return;
    setBounded(this.kept, own(invoiceId), { version, text: own(text) }, this.capacity);
  }

  /**
   * Whether a seller's page is worth asking the store for its ids and versions alone first. After
   * k pages missed in a row, one page in 2^k (at most 64) asks: a walk through invoices read once
   * costs the question on a few pages only, and a seller whose pages come back is found again.
   */
  worthAsking(sellerId: string): boolean {
    if (this.capacity === 0) return false;
    const m = this.misses.get(sellerId);
    if (m === undefined) return true;
    if (++m.skipped < 2 ** Math.min(m.streak, 6)) return false;
    m.skipped = 0;
    return true;
  }

  /** What asking gave: a page kept whole, or not. */
  asked(sellerId: string, hit: boolean): void {
    if (hit) {
      this.misses.delete(sellerId);
      return;
    }
    const m = this.misses.get(sellerId);
    if (m) m.streak++;
    else this.misses.set(sellerId, { streak: 1, skipped: 0 });
  }

  get size(): number {
    return this.kept.size;
  }
}
