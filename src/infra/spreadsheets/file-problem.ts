import type { FieldProblem } from '../../core/errors.js';
import { fileProblem } from '../../core/templates/access-key-template.js';

/** Thrown inside a reader to end it with a per-file error; never leaves the reader. */
export class FileProblemError extends Error {
  readonly problems: FieldProblem[];
  constructor(field: 'file' | 'header', message: string) {
    super(message);
    this.problems = [fileProblem(field, message)];
  }
}

/** The upload's own stream failed (a client gone mid-upload, a disk error): not the file's fault. */
export class SourceReadError extends Error {
  constructor(cause: unknown) {
    super(`the upload could not be read: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
}

const MB = 1024 * 1024;
/** "5 KB", "1.5 MB", "256 MB". */
export const megabytes = (n: number): string =>
  n < MB ? `${Math.ceil(n / 1024)} KB` : `${Math.round((n / MB) * 10) / 10} MB`;

/** Errors of the source itself (a missing path, a failing disk, a broken stream): the caller's. */
export function isSourceFailure(err: unknown): boolean {
  if (err instanceof SourceReadError) return true;
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).syscall === 'string';
}
