import { emptyStore } from '../../infra/db/empty-store.js';
import { ensureDemo } from '../server.js';
import { withDeps } from './local-deps.js';
import { CliUsageError } from './operator-api.js';
import type { Values } from './seller-command.js';

/**
 * `invoicehub reset --yes`: empties a sandbox store (every table and every stored file) and seeds
 * the demo again (unless DEMO_DATA=false). The operator token and the signing secret are kept.
 */
export async function reset(values: Values): Promise<number> {
  if (values.yes !== true) {
    throw new CliUsageError(
      'reset deletes every seller, invoice, order, export and file of this store; run it with --yes',
    );
  }
  await withDeps(async (deps) => {
    const tables = await emptyStore(deps.db.db);
    let files = 0;
    for await (const entry of deps.blobs.list('')) {
      await deps.blobs.delete(entry.key);
      files++;
    }
    console.error(`emptied ${tables.length} tables and ${files} stored files`);
    const demo = await ensureDemo(deps, { fresh: true, say: console.error });
    console.log(JSON.stringify(demo ? { demoSeller: demo } : {}, null, 2));
  });
  return 0;
}
