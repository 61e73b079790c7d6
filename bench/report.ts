import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { benchDir } from './lib.js';

/** BENCHMARKS.md at the repository root: one block per case, replaced when that case runs again. */
const FILE = path.resolve(benchDir, '../../BENCHMARKS.md');

const HEADER = `# Benchmarks

Written by \`npm run bench\` (see README, "Benchmarks"): each case replaces its own block and
keeps the others. Machines here are shared: read the ratios, measured in the same run; each
block names the machine and its load when it ran.
`;

/** The machine's facts: cores, Node, PostgreSQL, load average. */
export async function machineFacts(pgUrl: string | null): Promise<string> {
  let pgVersion = 'none';
  if (pgUrl) {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    const r = await client.query<{ v: string; a: string }>(
      "select current_setting('server_version') as v, current_setting('autovacuum') as a",
    );
    pgVersion = r.rows[0]?.v ?? '?';
    const av = r.rows[0]?.a ?? '?';
    pgVersion += ` (autovacuum ${av})`;
    await client.end();
  }
  const load = os.loadavg().map((l) => l.toFixed(2));
  return `${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? '?'}), Node ${process.version}, PostgreSQL ${pgVersion}, load average ${load.join(' ')} at the start`;
}

/** Replaces (or adds) the block of `name` in BENCHMARKS.md. */
export function writeBlock(name: string, title: string, facts: string, body: string): void {
  const current = fs.existsSync(FILE) ? fs.readFileSync(FILE, 'utf8') : HEADER;
  const open = `<!-- case:${name} -->`;
  const close = `<!-- /case:${name} -->`;
  const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const block = `${open}\n## ${title}\n\n${when} · ${facts}\n\n\`\`\`\n${body.trim()}\n\`\`\`\n${close}`;
  const start = current.indexOf(open);
  const end = current.indexOf(close);
  const next =
    start >= 0 && end > start
      ? current.slice(0, start) + block + current.slice(end + close.length)
      : `${current.trimEnd()}\n\n${block}\n`;
  fs.writeFileSync(FILE, next);
}
