import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of the files tests read (specs, real NF-e samples), resolved from this module, not from the cwd. */
const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** Absolute path of a file or folder under `test/fixtures/`. */
export function fixturePath(...parts: string[]): string {
  return path.join(FIXTURES, ...parts);
}

export const SP_API_MODEL = fixturePath('sp-api', 'InvoicesApiModel_2024-06-19.json');
export const NFE_SAMPLES_DIR = fixturePath('nfe-samples');
export const NFE_ENVELOPES_DIR = fixturePath('nfe-envelopes');
