import { TextDecoder } from 'node:util';
import { FileProblemError } from './file-problem.js';

/**
 * Windows-1252 differs from Latin-1 in 0x80-0x9F (€, curly quotes, dashes...). Node's TextDecoder
 * decodes the label 'windows-1252' as plain Latin-1, so those 27 characters are mapped here.
 */
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/** A multi-byte UTF-8 sequence, seen through Latin-1 (Latin-1 text rarely holds one: "Ã§"). */
const UTF8_SEQUENCE = /[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}/;

function cp1252(bytes: Buffer): string {
  return bytes.toString('latin1').replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!);
}

/**
 * Turns the bytes of an uploaded CSV into text, whatever the spreadsheet saved it as:
 * - a BOM decides: UTF-8 (Excel's "CSV UTF-8"), or UTF-16 LE/BE (Excel's "Unicode text");
 * - without one, bytes are UTF-8 when they are valid UTF-8, else Windows-1252, the superset of
 *   Latin-1 that Brazilian Excel's plain "CSV (separado por vírgulas)" writes. The choice is made at
 *   the first non-ASCII byte, however far into the file, on a window of the bytes from there on:
 *   Latin-1 accents are almost never valid UTF-8, and UTF-8 text almost never looks like Latin-1.
 * A file of both (valid UTF-8 sequences and invalid bytes, in the window or after it) gets a
 * per-file error rather than half of its text garbled.
 */
export class UploadTextDecoder {
  private state: 'start' | 'ascii' | 'deciding' | 'utf8' | 'cp1252' | 'utf16' = 'start';
  private bom = false;
  private utf16: TextDecoder | undefined;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });
  private window: Buffer = Buffer.alloc(0);
  /** Bytes received so far (messages say "near byte N"). */
  private offset = 0;

  /** Bytes looked at after the first non-ASCII one before deciding. */
  static readonly DECISION_WINDOW = 4096;

  /** What was found, for the reader's description. */
  get encoding(): string {
    switch (this.state) {
      case 'utf8':
        return this.bom ? 'UTF-8 with BOM' : 'UTF-8';
      case 'cp1252':
        return 'Windows-1252 (Latin-1)';
      case 'utf16':
        return this.utf16?.encoding === 'utf-16be' ? 'UTF-16BE' : 'UTF-16LE';
      default:
        return this.bom ? 'UTF-8 with BOM' : 'ASCII';
    }
  }

  async *decode(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
    let start = Buffer.alloc(0);
    for await (const chunk of bytes) {
      let data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      this.offset += chunk.byteLength;
      if (this.state === 'start') {
        start = Buffer.concat([start, data]);
        if (start.length < 3) continue;
        data = this.readBom(start);
      }
      const text = this.push(data, false);
      if (text) yield text;
    }
    if (this.state === 'start') {
      const text = this.push(this.readBom(start), false);
      if (text) yield text;
    }
    const rest = this.push(Buffer.alloc(0), true);
    if (rest) yield rest;
  }

  private readBom(start: Buffer): Buffer {
    if (start[0] === 0xef && start[1] === 0xbb && start[2] === 0xbf) {
      this.bom = true;
      this.state = 'utf8';
      return start.subarray(3);
    }
    if ((start[0] === 0xff && start[1] === 0xfe) || (start[0] === 0xfe && start[1] === 0xff)) {
      this.utf16 = new TextDecoder(start[0] === 0xff ? 'utf-16le' : 'utf-16be', { fatal: true });
      this.state = 'utf16';
      return start.subarray(2);
    }
    this.state = 'ascii';
    return start;
  }

  private push(data: Buffer, end: boolean): string {
    switch (this.state) {
      case 'start':
      case 'ascii': {
        const ascii = data.toString('latin1');
        const i = ascii.search(/[\x80-\xff]/);
        if (i < 0) return ascii;
        this.state = 'deciding';
        this.window = Buffer.from(data.subarray(i));
        return ascii.slice(0, i) + this.decide(end);
      }
      case 'deciding':
        this.window = Buffer.concat([this.window, data]);
        return this.decide(end);
      case 'utf8':
        return this.strictUtf8(data, end);
      case 'cp1252':
        return cp1252(data);
      case 'utf16':
        try {
          return this.utf16!.decode(data, { stream: !end });
        } catch {
          throw new FileProblemError('file', `the file is not valid UTF-16 text near byte ${this.offset}`);
        }
    }
  }

  private decide(end: boolean): string {
    if (!end && this.window.length < UploadTextDecoder.DECISION_WINDOW) return '';
    const window = this.window;
    this.window = Buffer.alloc(0);
    try {
      const text = this.utf8.decode(window, { stream: !end });
      this.state = 'utf8';
      return text;
    } catch {
      // Invalid UTF-8 that also holds valid UTF-8 sequences is a file of two encodings, not Latin-1.
      if (UTF8_SEQUENCE.test(window.toString('latin1'))) throw this.mixed();
      this.state = 'cp1252';
      return cp1252(window);
    }
  }

  private mixed(): FileProblemError {
    return new FileProblemError(
      'file',
      `the file stops being valid UTF-8 near byte ${this.offset} (mixed encodings?); save it again as ` +
        `"CSV UTF-8 (delimitado por vírgulas)"`,
    );
  }

  private strictUtf8(data: Buffer, end: boolean): string {
    try {
      return this.utf8.decode(data, { stream: !end });
    } catch {
      throw this.mixed();
    }
  }
}
