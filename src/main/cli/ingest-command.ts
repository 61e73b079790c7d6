import fs from 'node:fs';
import path from 'node:path';
import { DomainError } from '../../core/errors.js';
import { type BulkItemResult, ingestNamed, summarize } from '../../core/invoices/bulk-ingest.js';
import { checkedZipReader } from '../../infra/zip/read-zip.js';
import { archiveLimits } from '../archive-limits.js';
import { config, withDeps } from './local-deps.js';
import { adminTokenFor, type OperatorApi, operatorApi, problemText } from './operator-api.js';
import { Progress } from './progress.js';
import type { Values } from './seller-command.js';

/** Files to ingest: plain files, directories walked recursively (`.xml` and `.zip` inside). */
function* expand(inputs: string[]): Generator<string> {
  for (const input of inputs) {
    const stat = fs.statSync(input, { throwIfNoEntry: false });
    if (!stat) throw new Error(`${input}: no such file or directory`);
    if (stat.isDirectory()) {
      const entries = fs
        .readdirSync(input, { withFileTypes: true })
        .sort((a, b) => a.name.localeCompare(b.name));
      yield* expand(
        entries
          .filter((e) => e.isDirectory() || /\.(xml|zip)$/i.test(e.name))
          .map((e) => path.join(input, e.name)),
      );
    } else yield input;
  }
}

const isZip = (file: string) => /\.zip$/i.test(file);

/** How many documents the inputs hold: XML files, plus the `.xml` entries of each ZIP (its directory only). */
async function countDocuments(files: string[]): Promise<number> {
  let total = 0;
  for (const file of files) {
    if (!isZip(file)) total++;
    else {
      try {
        for await (const entry of checkedZipReader(archiveLimits(config()))(file))
          if (!entry.isDirectory && /\.xml$/i.test(entry.name)) total++;
      } catch {
        total++; // an unreadable ZIP is reported as one failed item
      }
    }
  }
  return total;
}

/** One file through a running server: an XML to /invoices, a ZIP to /invoices/bulk. */
async function sendFile(api: OperatorApi, file: string): Promise<BulkItemResult[]> {
  const zip = isZip(file);
  const res = await api.call('POST', `/admin/v1/invoices${zip ? '/bulk' : ''}`, {
    bytes: fs.readFileSync(file),
    type: zip ? 'application/zip' : 'application/xml',
  });
  if (res.status >= 400) {
    const errors = Array.isArray(res.body.errors) ? (res.body.errors as BulkItemResult['errors']) : undefined;
    return [
      {
        name: file,
        outcome: 'failed',
        errors: errors ?? [{ field: 'http', message: problemText(res.body) }],
      },
    ];
  }
  if (zip) return res.body.results as BulkItemResult[];
  const invoice = res.body.invoice as { id: string; status: string } | undefined;
  return [
    {
      name: file,
      outcome: res.body.outcome as BulkItemResult['outcome'],
      ...(invoice ? { invoiceId: invoice.id, status: invoice.status } : {}),
      ...(Array.isArray(res.body.items) ? { items: res.body.items as BulkItemResult['items'] } : {}),
    },
  ];
}

/** Files sent a few at a time; each result is printed as soon as its file is done. */
async function ingestThroughApi(files: string[], api: OperatorApi, emit: (r: BulkItemResult) => void) {
  let next = 0;
  const lane = async () => {
    while (next < files.length) {
      const file = files[next++] as string;
      for (const r of await sendFile(api, file)) emit(r);
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, files.length) }, lane));
}

/** `invoicehub ingest`: results on stdout (one JSON line each), progress and summary on stderr. */
export async function ingest(paths: string[], values: Values): Promise<number> {
  if (paths.length === 0) throw new Error('ingest: give files, directories or ZIPs');
  const files = [...expand(paths)];
  const progress = new Progress('documents', await countDocuments(files));
  const results: BulkItemResult[] = [];
  const emit = (r: BulkItemResult) => {
    console.log(JSON.stringify(r));
    results.push(r);
    progress.add();
  };
  if (typeof values.url === 'string') {
    const api = operatorApi(values.url, adminTokenFor(values['admin-token'], config().dataDir));
    await ingestThroughApi(files, api, emit);
  } else {
    await withDeps(async (deps) => {
      const { ingest: service } = deps.services;
      const xmlFiles = async function* () {
        for (const file of files.filter((f) => !isZip(f))) yield { name: file, bytes: fs.readFileSync(file) };
      };
      for await (const r of ingestNamed(service, xmlFiles())) emit(r);
      for (const zip of files.filter(isZip)) {
        try {
          for await (const r of service.ingestZip(zip)) emit(r);
        } catch (err) {
          // A ZIP refused as a whole (over an ARCHIVE_* limit, unreadable) is one failed item.
          if (!(err instanceof DomainError)) throw err;
          emit({ name: zip, outcome: 'failed', errors: [{ field: 'zip', message: err.message }] });
        }
      }
    });
  }
  progress.finish();
  const summary = summarize(results);
  console.error(JSON.stringify({ summary }));
  return summary.failed > 0 ? 1 : 0;
}
