import { DomainError } from '../errors.js';
import type { DocumentsReader, ReadOutcome } from '../ports/documents-reader.js';
import { timeSlicer } from '../time-slices.js';
import { type ReadNfeOptions, readNfeDocument } from './read.js';

/** One document's outcome; errors other than refusals (DomainError) are bugs and are thrown. */
export function readOutcome(bytes: Uint8Array, opts: ReadNfeOptions): ReadOutcome {
  try {
    return { ok: true, doc: readNfeDocument(bytes, opts) };
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    return { ok: false, message: err.message, problems: err.problems };
  }
}

/** Reading slices: the event loop is given back this often while documents are read on this thread. */
const READ_SLICE_MS = 2;

/** The documents read on the calling thread, giving the event loop back between documents. */
export const readHere: DocumentsReader = async (documents, opts) => {
  const slice = timeSlicer(READ_SLICE_MS);
  const outcomes: ReadOutcome[] = [];
  for (const bytes of documents) {
    await slice();
    outcomes.push(readOutcome(bytes, opts));
  }
  return outcomes;
};
