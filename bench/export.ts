import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Dataset } from './dataset.js';
import { cliPath, fmt, peakRssMb, SERVER_ENV, startChild, stopChild } from './lib.js';
import { unzipToDir } from './unzip-dir.js';

export interface ExportResult {
  label: string;
  invoices: number;
  xmlBytes: number;
  zipBytes: number;
  documents: number;
  seconds: number;
  peakRssMb: number;
  zipCli: { seconds: number; zipBytes: number } | null;
}

const API = '/tax/invoices/2024-06-19';

async function call(url: string, token: string, method: string, p: string, body?: unknown) {
  const res = await fetch(url + p, {
    method,
    headers: { 'x-amz-access-token': token, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`${method} ${p} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/**
 * One export of every invoice of the dataset, timed from the request to DONE, in a server process
 * whose peak RSS is read from /proc afterwards. Baseline: the `zip` command line on the very same
 * files (the export's entries written to a folder), in the same run.
 */
export async function benchExport(
  d: Dataset,
  token: (url: string) => Promise<string>,
): Promise<ExportResult> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'invoicehub-bench-export-'));
  // BENCH_EXPORT_PROFILE=<dir>: a CPU profile of the server (node --cpu-prof), to see where time goes.
  const profile = process.env.BENCH_EXPORT_PROFILE;
  const { child, match } = await startChild(
    [...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []), cliPath, 'serve'],
    { ...d.env, ...SERVER_ENV },
    /listening on (http:\/\/\S+)/,
  );
  try {
    const url = match[1] as string;
    const access = await token(url);
    const started = performance.now();
    const created = await call(url, access, 'POST', `${API}/exports`, {
      marketplaceId: 'A2Q3Y263D00KWC',
      dateStart: '2000-01-01',
    });
    let exp: { status: string; invoicesDocumentIds: string[]; errorMessage: string };
    do {
      await new Promise((r) => setTimeout(r, 100));
      exp = (await call(url, access, 'GET', `${API}/exports/${created.exportId}`)).export as typeof exp;
    } while (exp.status === 'REQUESTED' || exp.status === 'PROCESSING');
    const seconds = (performance.now() - started) / 1000;
    if (exp.status !== 'DONE') throw new Error(`export ended ${exp.status}: ${exp.errorMessage}`);
    const peak = peakRssMb(child.pid as number);

    const files = path.join(tmp, 'files');
    fs.mkdirSync(files);
    let zipBytes = 0;
    let invoices = 0;
    let xmlBytes = 0;
    for (const id of exp.invoicesDocumentIds) {
      const doc = (await call(url, access, 'GET', `${API}/documents/${id}`)).invoicesDocument as {
        invoicesDocumentUrl: string;
      };
      const buf = Buffer.from(await (await fetch(doc.invoicesDocumentUrl)).arrayBuffer());
      zipBytes += buf.length;
      const part = path.join(tmp, 'part.zip');
      fs.writeFileSync(part, buf);
      const written = await unzipToDir(part, files);
      invoices += written.entries;
      xmlBytes += written.bytes;
    }
    let zipCli: ExportResult['zipCli'] = null;
    if (spawnSync('zip', ['-v'], { stdio: 'ignore' }).status === 0) {
      const t0 = performance.now();
      const r = spawnSync('zip', ['-q', '-r', path.join(tmp, 'cli.zip'), '.'], {
        cwd: files,
        stdio: 'inherit',
      });
      if (r.status !== 0) throw new Error(`zip exited ${r.status}`);
      zipCli = {
        seconds: (performance.now() - t0) / 1000,
        zipBytes: fs.statSync(path.join(tmp, 'cli.zip')).size,
      };
    }
    return {
      label: d.label,
      invoices,
      xmlBytes,
      zipBytes,
      documents: exp.invoicesDocumentIds.length,
      seconds,
      peakRssMb: peak,
      zipCli,
    };
  } finally {
    await stopChild(child);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export function exportRows(results: ExportResult[]): string[][] {
  const rows = [
    ['export (all invoices → ZIP)', 'invoices/s', 'MB/s', 'seconds', 'ZIPs', 'peak RSS MB', 'vs zip CLI'],
  ];
  for (const r of results) {
    const mb = r.xmlBytes / 1e6;
    rows.push([
      `invoicehub · ${r.label}`,
      fmt(r.invoices / r.seconds),
      fmt(mb / r.seconds, 1),
      fmt(r.seconds, 1),
      fmt(r.documents),
      fmt(r.peakRssMb),
      r.zipCli ? `${fmt((r.zipCli.seconds / r.seconds) * 100, 0)} %` : 'zip not installed',
    ]);
    if (r.zipCli) {
      rows.push([
        '  zip -q -r (same files)',
        fmt(r.invoices / r.zipCli.seconds),
        fmt(mb / r.zipCli.seconds, 1),
        fmt(r.zipCli.seconds, 1),
        '1',
        '',
        '100 %',
      ]);
    }
  }
  return rows;
}
