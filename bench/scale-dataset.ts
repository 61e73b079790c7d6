import pg from 'pg';
import { BRAZIL } from '../src/core/marketplaces.js';
import { makeCnpj } from '../src/core/nfe/cnpj.js';
import { loadConfig } from '../src/main/config.js';
import { createDeps } from '../src/main/deps.js';
import type { Dataset } from './dataset.js';

/**
 * BENCH-ONLY loader: `invoices` rows for a fresh seller written by one INSERT … SELECT over
 * generate_series on the server (a million in about a minute, where real ingestion takes
 * several), dates scattered over two years out of insertion order, statuses mixed. Rows carry
 * no document and no rendering (as in a store upgraded from before migrations/0010: getInvoices
 * renders and keeps them on first read). Good for listing at scale only: never a real store.
 */
export async function loadScaleSeller(
  databaseUrl: string,
  dataDir: string,
  invoices: number,
  tag: string,
): Promise<Dataset> {
  const env = { DATA_DIR: dataDir, DATABASE_URL: databaseUrl };
  const deps = await createDeps(loadConfig({ ...env, DEMO_DATA: 'false', LOG_LEVEL: 'warn' }));
  try {
    const cnpj = makeCnpj(`9${String(invoices).padStart(7, '0').slice(-7)}0001`);
    let seller = await deps.store.sellers.byCnpj(cnpj);
    if (!seller) {
      await deps.services.sellers.create({ name: `Scale ${tag}`, cnpj, marketplaceIds: [BRAZIL] });
      seller = await deps.store.sellers.byCnpj(cnpj);
    }
    const sellerId = seller?.seller_id as string;
    const have = await deps.store.invoices.countBySeller(sellerId);
    if (have < invoices) {
      const started = Date.now();
      process.stderr.write(`loading ${invoices - have} invoices (bench-only generate_series loader)\n`);
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query('alter table invoices set (autovacuum_enabled = false)');
      await client.query(
        `insert into invoices (seller_id, invoice_id, access_key, marketplace_id, model, series, number,
           issued_at, status, error_code, gov_response, invoice_type, transaction_type, transaction_ids,
           layout_version, xml_sha256, xml_size, created_at, updated_at)
         select $1::uuid, md5($1 || ':' || i)::uuid, lpad(i::text, 44, '0'), $2, '55', (1 + i % 2)::text, i::text,
           date_trunc('second', now()) - ((i::bigint * 7919) % 63072000) * interval '1 second',
           case when i % 10 = 0 then 'REJECTED' when i % 50 = 1 then 'CANCELED' else 'AUTHORIZED' end,
           case when i % 10 = 0 then '302' else '' end,
           case when i % 10 = 0 then 'Uso Denegado' else 'Autorizado o uso da NF-e' end,
           'CUSTOMER_SALES', 'CUSTOMER_SALES',
           jsonb_build_array(jsonb_build_object('name', 'BUSINESS_TRANSACTION_ID', 'id', md5(i::text))),
           '4.00', md5(i::text), 3000, now(), now()
         from generate_series($3::int, $4::int) as i`,
        [sellerId, BRAZIL, have + 1, invoices],
      );
      await client.end();
      process.stderr.write(`  done in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    }
    const credentials = await deps.services.sellers.issueCredentials(sellerId);
    return { label: `PostgreSQL, ${tag}`, env, credentials };
  } finally {
    await deps.db.close();
  }
}
