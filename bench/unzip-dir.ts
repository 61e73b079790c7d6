import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_ZIP_LIMITS } from '../src/infra/zip/checked-zip.js';
import { checkedZipReader } from '../src/infra/zip/read-zip.js';

/** Our own export documents: as many entries and bytes as an export may hold. */
const zipEntries = checkedZipReader({
  ...DEFAULT_ZIP_LIMITS,
  maxEntries: 65_000,
  maxTotalBytes: 4 * 1024 ** 3,
});

/** Writes the entries of a ZIP into a folder (names are invoice ids: flat, safe). */
export async function unzipToDir(zipFile: string, dir: string): Promise<{ entries: number; bytes: number }> {
  let entries = 0;
  let bytes = 0;
  for await (const entry of zipEntries(zipFile)) {
    const name = path.basename(entry.name);
    const data = await entry.read(64 * 1024 * 1024);
    fs.writeFileSync(path.join(dir, name), data);
    entries++;
    bytes += data.length;
  }
  return { entries, bytes };
}
