/**
 * What an upload is, from its first bytes rather than its name or Content-Type, so that a reader
 * can say "this is a PDF" instead of failing somewhere inside a parser.
 */
export type FileKind = 'empty' | 'zip' | 'ole2' | 'pdf' | 'utf16' | 'text' | 'binary';

const startsWith = (head: Uint8Array, bytes: number[]): boolean =>
  head.length >= bytes.length && bytes.every((b, i) => head[i] === b);

/** Looks at up to the first 512 bytes. */
export function sniffFileKind(head: Uint8Array): FileKind {
  if (head.length === 0) return 'empty';
  // Local file header, or the end record of an empty archive.
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) return 'zip';
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'ole2';
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'pdf';
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) return 'utf16';
  const sample = head.subarray(0, 512);
  // Text has no NUL and few control characters besides tab, CR and LF.
  let control = 0;
  for (const b of sample) {
    if (b === 0) return 'binary';
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) control++;
  }
  return control * 20 > sample.length ? 'binary' : 'text';
}

/** For messages: "an Excel 97-2003 workbook (.xls) or a password-protected one". */
export function describeFileKind(kind: FileKind): string {
  switch (kind) {
    case 'empty':
      return 'an empty file';
    case 'zip':
      return 'a ZIP archive (an .xlsx workbook is one)';
    case 'ole2':
      return 'an Excel 97-2003 workbook (.xls) or a password-protected workbook';
    case 'pdf':
      return 'a PDF document';
    case 'utf16':
      return 'UTF-16 text';
    case 'text':
      return 'a text file';
    case 'binary':
      return 'a binary file';
  }
}
