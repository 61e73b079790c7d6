import { open } from 'node:fs/promises';
import zlib from 'node:zlib';

/**
 * Writes ZIP files the way an attacker (or a broken tool) would: entries that lie about their
 * size, deflate bombs streamed from zeros (never held in memory, never stored in the repository),
 * overlapping entries, damaged deflate data. Deflate by default; local and central headers agree
 * unless a part says otherwise.
 */
export interface ZipPart {
  name: string;
  data?: string | Uint8Array;
  /** Instead of `data`: this many zero bytes, deflated as a stream. */
  zeros?: number;
  stored?: boolean;
  /** Uncompressed size written in both headers instead of the real one. */
  declaredSize?: number;
  /** Overwrites the middle of the compressed bytes, so that inflating fails part way. */
  damage?: boolean;
}

export interface ZipOptions {
  /** Extra central-directory entries pointing at an existing entry's data: [new name, existing name]. */
  aliases?: [string, string][];
}

interface Written {
  name: Buffer;
  offset: number;
  crc: number;
  compressed: number;
  declared: number;
  method: number;
}

const ZERO_CHUNK = Buffer.alloc(1024 * 1024);

async function deflateZeros(total: number, write: (chunk: Buffer) => Promise<void>): Promise<number> {
  const deflate = zlib.createDeflateRaw({ level: 9 });
  let crc = 0;
  const done = (async () => {
    for await (const chunk of deflate as AsyncIterable<Buffer>) await write(chunk);
  })();
  for (let sent = 0; sent < total; ) {
    const chunk = ZERO_CHUNK.subarray(0, Math.min(ZERO_CHUNK.length, total - sent));
    crc = zlib.crc32(chunk, crc);
    sent += chunk.length;
    if (!deflate.write(chunk)) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  deflate.end();
  await done;
  return crc;
}

export async function writeZip(file: string, parts: ZipPart[], options: ZipOptions = {}): Promise<void> {
  const handle = await open(file, 'w');
  let offset = 0;
  const write = async (chunk: Uint8Array) => {
    await handle.write(chunk, 0, chunk.length, offset);
    offset += chunk.length;
  };
  const written: Written[] = [];
  try {
    for (const part of parts) {
      const name = Buffer.from(part.name, 'utf8');
      const start = offset;
      const method = part.stored ? 0 : 8;
      await write(Buffer.alloc(30 + name.length));
      const dataStart = offset;
      let crc: number;
      let size: number;
      if (part.zeros !== undefined) {
        crc = await deflateZeros(part.zeros, write);
        size = part.zeros;
      } else {
        const data =
          typeof part.data === 'string' ? Buffer.from(part.data, 'utf8') : Buffer.from(part.data ?? []);
        crc = zlib.crc32(data);
        size = data.length;
        const body = part.stored ? data : zlib.deflateRawSync(data);
        if (part.damage) body.fill(0xff, Math.floor(body.length / 3), Math.floor((2 * body.length) / 3));
        await write(body);
      }
      const entry = {
        name,
        offset: start,
        crc,
        compressed: offset - dataStart,
        declared: part.declaredSize ?? size,
        method,
      };
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4);
      local.writeUInt16LE(0x0800, 6);
      local.writeUInt16LE(method, 8);
      local.writeUInt16LE(0x21, 12);
      local.writeUInt32LE(crc, 14);
      local.writeUInt32LE(entry.compressed, 18);
      local.writeUInt32LE(entry.declared, 22);
      local.writeUInt16LE(name.length, 26);
      await handle.write(Buffer.concat([local, name]), 0, 30 + name.length, start);
      written.push(entry);
    }
    for (const [alias, target] of options.aliases ?? []) {
      const original = written.find((w) => w.name.toString() === target);
      if (!original) throw new Error(`no ${target} to alias`);
      written.push({ ...original, name: Buffer.from(alias, 'utf8') });
    }
    const directoryStart = offset;
    for (const w of written) {
      const central = Buffer.alloc(46);
      central.writeUInt32LE(0x02014b50, 0);
      central.writeUInt16LE(20, 4);
      central.writeUInt16LE(20, 6);
      central.writeUInt16LE(0x0800, 8);
      central.writeUInt16LE(w.method, 10);
      central.writeUInt16LE(0x21, 14);
      central.writeUInt32LE(w.crc, 16);
      central.writeUInt32LE(w.compressed, 20);
      central.writeUInt32LE(w.declared, 24);
      central.writeUInt16LE(w.name.length, 28);
      central.writeUInt32LE(w.offset, 42);
      await write(Buffer.concat([central, w.name]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(written.length, 8);
    end.writeUInt16LE(written.length, 10);
    end.writeUInt32LE(offset - directoryStart, 12);
    end.writeUInt32LE(directoryStart, 16);
    await write(end);
  } finally {
    await handle.close();
  }
}

/** The smallest set of parts exceljs needs to see a workbook, around one sheet's XML. */
export function minimalWorkbook(sheetXml: string): ZipPart[] {
  const main = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  return [
    {
      name: '[Content_Types].xml',
      data:
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
        '</Types>',
    },
    {
      name: '_rels/.rels',
      data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    },
    {
      name: 'xl/workbook.xml',
      data: `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${main}" xmlns:r="${rel}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
    },
    { name: 'xl/worksheets/sheet1.xml', data: sheetXml },
  ];
}

/** A worksheet of inline-string rows (`null` leaves a cell out). */
export function sheetXml(rows: (string | null)[][]): string {
  const columns = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const body = rows
    .map((cells, r) => {
      const xml = cells
        .map((text, c) =>
          text === null
            ? ''
            : `<c r="${columns[c]}${r + 1}" t="inlineStr"><is><t>${text.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</t></is></c>`,
        )
        .join('');
      return `<row r="${r + 1}">${xml}</row>`;
    })
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${body}</sheetData></worksheet>`;
}
