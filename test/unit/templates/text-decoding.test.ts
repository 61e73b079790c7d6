import { describe, expect, it } from 'vitest';
import { FileProblemError } from '../../../src/infra/spreadsheets/file-problem.js';
import { UploadTextDecoder } from '../../../src/infra/spreadsheets/text-decoding.js';

async function decode(bytes: Uint8Array, chunkSize = bytes.length || 1) {
  const decoder = new UploadTextDecoder();
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
  }
  let text = '';
  for await (const part of decoder.decode(chunks())) text += part;
  return { text, encoding: decoder.encoding };
}

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const latin1 = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const BOM = [0xef, 0xbb, 0xbf];

describe('decoding an uploaded CSV', () => {
  const sample = 'sku;status\nCalçado Açaí;enviado\n';

  it.each([1, 2, 7, 4096])('reads UTF-8 with a BOM, in chunks of %i bytes', async (size) => {
    const result = await decode(Uint8Array.from([...BOM, ...utf8(sample)]), size);
    expect(result).toEqual({ text: sample, encoding: 'UTF-8 with BOM' });
  });

  it.each([1, 3, 4096])('reads UTF-8 without a BOM (chunks of %i)', async (size) => {
    expect(await decode(utf8(sample), size)).toEqual({ text: sample, encoding: 'UTF-8' });
  });

  it.each([1, 5, 4096])('falls back to Windows-1252 for Latin-1 bytes (chunks of %i)', async (size) => {
    expect(await decode(latin1(sample), size)).toEqual({ text: sample, encoding: 'Windows-1252 (Latin-1)' });
    const euro = Uint8Array.from([...latin1('pre\u00e7o '), 0x80]);
    expect((await decode(euro, size)).text).toBe('preço €');
  });

  it('decides at the first non-ASCII byte, however far into the file', async () => {
    const ascii = 'x;y\n'.repeat(50_000);
    expect(await decode(latin1(`${ascii}Jo\u00e3o\n`), 65_536)).toEqual({
      text: `${ascii}João\n`,
      encoding: 'Windows-1252 (Latin-1)',
    });
    expect((await decode(utf8(`${ascii}João\n`), 65_536)).encoding).toBe('UTF-8');
  });

  it('reads ASCII-only text and UTF-16 with a BOM (Excel "Unicode text")', async () => {
    expect(await decode(utf8('a;b\n'))).toEqual({ text: 'a;b\n', encoding: 'ASCII' });
    const le = Uint8Array.from([0xff, 0xfe, ...Buffer.from('sku\tCafé\n', 'utf16le')]);
    expect(await decode(le, 3)).toEqual({ text: 'sku\tCafé\n', encoding: 'UTF-16LE' });
  });

  it('gives a per-file problem when valid UTF-8 turns invalid later on (mixed encodings)', async () => {
    const mixed = Uint8Array.from([...utf8(`Açaí\n${'x'.repeat(10_000)}\n`), ...latin1('Jo\u00e3o\n')]);
    await expect(decode(mixed, 1024)).rejects.toBeInstanceOf(FileProblemError);
    await expect(decode(mixed, 1024)).rejects.toThrow(/stops being valid UTF-8 near byte/);
  });
});
