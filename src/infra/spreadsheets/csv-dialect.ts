import { templateColumn } from './header-map.js';

/**
 * The delimiter of an uploaded CSV, read from its header line: the candidate that splits that line
 * into the most template column names wins (';' on a tie, our own and Brazilian Excel's). Sniffing
 * by counting characters fails on headers like ours; matching names does not. A first line
 * `sep=;` (Excel's hint) is honoured and skipped.
 */
export const DELIMITERS = [';', ',', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** Splits one line at `delimiter` outside double quotes, unquoting cells. Enough for a header. */
export function splitLine(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}

export function detectDelimiter(headerLine: string): { delimiter: Delimiter; matches: number } {
  let best: { delimiter: Delimiter; matches: number } = { delimiter: ';', matches: 0 };
  for (const delimiter of DELIMITERS) {
    const matches = splitLine(headerLine, delimiter).filter((cell) => templateColumn(cell)).length;
    if (matches > best.matches) best = { delimiter, matches };
  }
  return best;
}

const SEP_HINT = /^sep=(.)$/i;

/** The delimiter named by an Excel `sep=` first line, if the line is one. */
export function sepHint(line: string): string | undefined {
  return SEP_HINT.exec(line.trim())?.[1];
}

export function delimiterName(delimiter: string): string {
  return delimiter === '\t' ? 'tab' : `'${delimiter}'`;
}
