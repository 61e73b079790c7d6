import type { FieldProblem } from '../errors.js';
import type { ReadNfeOptions } from '../nfe/read.js';
import type { NfeDocument } from '../nfe/types.js';

/** What reading one document gave: the document, or why it was refused (a DomainError's message and fields). */
export type ReadOutcome =
  | { ok: true; doc: NfeDocument }
  | { ok: false; message: string; problems: FieldProblem[] };

/**
 * Reads many NF-e documents at once (readNfeDocument on each), one outcome per document in order.
 * An implementation may read them on another thread: the caller's thread is then free to store what
 * was read before. Anything but a refused document (a bug) rejects.
 */
export type DocumentsReader = (documents: Uint8Array[], opts: ReadNfeOptions) => Promise<ReadOutcome[]>;
