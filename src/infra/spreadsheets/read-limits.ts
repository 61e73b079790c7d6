import { DEFAULT_ZIP_LIMITS, type ZipLimits } from '../zip/checked-zip.js';

/** Bounds on an uploaded template; past any of them the file gets a per-file error. */
export interface TemplateReadLimits {
  /** Data rows after the header. Excel's own ceiling is 1,048,576 rows including the header. */
  maxRows: number;
  /** Bytes of the upload as received (CSV text, or the XLSX archive). */
  maxFileBytes: number;
  /** Characters of one CSV line (of one record, when quoted fields span lines). */
  maxLineChars: number;
  /** The XLSX archive's parts. */
  zip: ZipLimits;
  /** Where a streamed XLSX upload is spooled (a ZIP is read from its end). Default: the OS's. */
  tempDir?: string;
}

export const DEFAULT_TEMPLATE_READ_LIMITS: TemplateReadLimits = {
  maxRows: 1_048_575,
  maxFileBytes: 256 * 1024 * 1024,
  maxLineChars: 64 * 1024,
  zip: DEFAULT_ZIP_LIMITS,
};

export function templateReadLimits(overrides: Partial<TemplateReadLimits> = {}): TemplateReadLimits {
  return {
    ...DEFAULT_TEMPLATE_READ_LIMITS,
    ...overrides,
    zip: { ...DEFAULT_TEMPLATE_READ_LIMITS.zip, ...overrides.zip },
  };
}
