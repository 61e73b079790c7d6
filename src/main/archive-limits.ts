import type { ZipLimits } from '../infra/zip/checked-zip.js';
import type { Config } from './config.js';

type ArchiveConfig = Pick<
  Config,
  'archiveMaxEntries' | 'archiveMaxEntryBytes' | 'archiveMaxTotalBytes' | 'archiveMaxRatio'
>;

/** The ARCHIVE_* settings, shared by every archive input: bulk ZIPs, XLSX imports and the CLI. */
export function archiveLimits(config: ArchiveConfig): ZipLimits {
  return {
    maxEntries: config.archiveMaxEntries,
    maxEntryBytes: config.archiveMaxEntryBytes,
    maxTotalBytes: config.archiveMaxTotalBytes,
    maxRatio: config.archiveMaxRatio,
    // Small entries (a few KB of XML) may compress far better than a bomb's without harm.
    ratioFloorBytes: 1024 ** 2,
  };
}
