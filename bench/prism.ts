import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { benchDir, startChild } from './lib.js';

/** Amazon's model of the Invoices API, kept in the repository (test fixtures). */
export const INVOICES_MODEL = path.resolve(
  benchDir,
  '../../test/fixtures/sp-api/InvoicesApiModel_2024-06-19.json',
);

/**
 * Stoplight Prism (`prism mock`) serving Amazon's model: the static examples of the model, no
 * database. The sandbox integrators use today, as a baseline. Null when it is not installed.
 */
export async function startPrism(): Promise<{ child: ChildProcess; url: string } | null> {
  let bin: string;
  try {
    const require = createRequire(import.meta.url);
    bin = path.join(path.dirname(require.resolve('@stoplight/prism-cli/package.json')), 'dist/index.js');
  } catch {
    process.stderr.write('(Stoplight Prism not installed: npm install)\n');
    return null;
  }
  const port = String(20_000 + Math.floor(Math.random() * 20_000));
  const { child } = await startChild(
    [bin, 'mock', '--host', '127.0.0.1', '--port', port, '--errors', 'false', INVOICES_MODEL],
    {},
    /Prism is listening/,
  );
  return { child, url: `http://127.0.0.1:${port}` };
}
