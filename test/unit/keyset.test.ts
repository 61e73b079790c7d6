import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.js';
import { Keyset } from '../../src/core/paging/keyset.js';
import { PageTokens } from '../../src/core/paging/page-token.js';

const ROWS = Array.from({ length: 7 }, (_, i) => ({ id: i + 1 }));
const keyset = new Keyset(new PageTokens(Buffer.from('k'.repeat(32))));
const scope = { op: 'list', seller: 's1' };
let reads: number[] = [];
const read = async (limit: number, after: number | undefined) => {
  reads.push(limit);
  return ROWS.filter((r) => r.id > (after ?? 0)).slice(0, limit);
};

describe('keyset pager', () => {
  it('walks every row once, reading one row past each page, with no cursor after the last', async () => {
    reads = [];
    const seen: number[] = [];
    let after: number | undefined;
    let pages = 0;
    for (;;) {
      const page = await keyset.page({ size: 3, scope, after, read, position: (r) => r.id });
      seen.push(...page.items.map((r) => r.id));
      pages++;
      if (!page.cursor) break;
      after = keyset.resume<typeof scope, number>(page.cursor, 'cursor', (c) => c.op === 'list').after;
    }
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(pages).toBe(3);
    expect(reads).toEqual([4, 4, 4]);
  });

  it('keeps the listing and the first page size in the cursor', async () => {
    const page = await keyset.page({ size: 2, scope, read, position: (r) => r.id });
    const cursor = keyset.resume<typeof scope, number>(page.cursor as string, 'cursor', () => true);
    expect(cursor).toEqual({ op: 'list', seller: 's1', size: 2, after: 2 });
  });

  it('refuses an altered cursor, or one of another listing, naming the field', async () => {
    const { cursor } = await keyset.page({ size: 2, scope, read, position: (r) => r.id });
    const altered = `${(cursor as string).slice(0, -2)}xx`;
    expect(() => keyset.resume(altered, 'nextToken', () => true)).toThrow(InvalidInputError);
    try {
      keyset.resume<typeof scope, number>(cursor as string, 'nextToken', (c) => c.seller === 's2');
      expect.unreachable();
    } catch (err) {
      expect((err as InvalidInputError).problems).toEqual([
        { field: 'nextToken', message: 'was not issued for this operation and seller' },
      ]);
    }
  });

  it('refuses a signature spelled differently even where it decodes to the same bytes', async () => {
    const { cursor } = await keyset.page({ size: 2, scope, read, position: (r) => r.id });
    const token = cursor as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const signature = token.slice(token.indexOf('.') + 1);
    // 43 characters carry 258 bits for a 256-bit HMAC: the last character's lowest bit is unused.
    const twin = signature.slice(0, -1) + alphabet[alphabet.indexOf(signature.at(-1) as string) ^ 1];
    expect(Buffer.from(twin, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
    const respelled = `${token.slice(0, token.indexOf('.') + 1)}${twin}`;
    for (const altered of [respelled, `${token}=`, `${token.slice(0, -1)}!${token.at(-1)}`])
      expect(() => keyset.resume(altered, 'nextToken', () => true)).toThrow(InvalidInputError);
    expect(keyset.resume(token, 'nextToken', () => true)).toEqual({ ...scope, size: 2, after: 2 });
  });

  it('checks tokens it signed or checked before as strictly, and those signed before thousands of others', () => {
    const tokens = new PageTokens(Buffer.from('k'.repeat(32)));
    const first = tokens.sign({ op: 'list', after: 0 });
    const [body, mac] = first.split('.') as [string, string];
    const other = tokens.sign({ op: 'list', after: 1 });
    const otherMac = other.split('.')[1] as string;
    for (let round = 0; round < 2; round++) {
      expect(tokens.verify(first)).toEqual({ op: 'list', after: 0 });
      // A body seen before with another token's signature, or its own signature altered.
      for (const forged of [
        `${body}.${otherMac}`,
        `${body}.${mac.slice(0, -1)}${mac.at(-1) === 'A' ? 'B' : 'A'}`,
      ])
        expect(() => tokens.verify(forged)).toThrow(InvalidInputError);
    }
    for (let i = 2; i < 6000; i++) tokens.sign({ op: 'list', after: i });
    expect(tokens.verify(first)).toEqual({ op: 'list', after: 0 });
    expect(new PageTokens(Buffer.from('j'.repeat(32))).sign({ op: 'list', after: 0 })).not.toBe(first);
  });
});
