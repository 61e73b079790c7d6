import { DataDirLockedError } from '../../infra/db/data-dir-lock.js';
import { type Config, ConfigError, loadConfig } from '../config.js';
import { type AppDeps, createDeps } from '../deps.js';

/** The validated configuration, or exit 78 (EX_CONFIG) with the message naming the variable. */
export function config(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
}

/** Opens the store of this machine's configuration for one command, and closes it after. */
export async function withDeps<T>(fn: (deps: AppDeps) => Promise<T>): Promise<T> {
  let deps: AppDeps;
  try {
    deps = await createDeps(config());
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      throw new Error(
        `${err.message}\nA server is running on this store: add --url http://HOST:PORT to work through it.`,
      );
    }
    throw err;
  }
  try {
    return await fn(deps);
  } finally {
    await deps.db.close();
  }
}
