import type {
  TemplateFormat,
  TemplateReader,
  TemplateWriter,
} from '../core/templates/access-key-template.js';
import { CsvTemplateReader, CsvTemplateWriter } from '../infra/spreadsheets/csv-template.js';
import { templateReadLimits } from '../infra/spreadsheets/read-limits.js';
import { XlsxTemplateReader, XlsxTemplateWriter } from '../infra/spreadsheets/xlsx-template.js';
import { archiveLimits } from './archive-limits.js';
import type { Config } from './config.js';

/** The template's file formats: the writers the service streams with, the readers the import job uses. */
export function templateFormats(
  config: Pick<
    Config,
    | 'templateMaxUploadBytes'
    | 'templateMaxRows'
    | 'archiveMaxEntries'
    | 'archiveMaxEntryBytes'
    | 'archiveMaxTotalBytes'
    | 'archiveMaxRatio'
  >,
): {
  writers: Record<TemplateFormat, TemplateWriter>;
  readers: Record<TemplateFormat, TemplateReader>;
} {
  const limits = templateReadLimits({
    maxRows: config.templateMaxRows,
    maxFileBytes: config.templateMaxUploadBytes,
    zip: archiveLimits(config),
  });
  return {
    writers: { csv: new CsvTemplateWriter(), xlsx: new XlsxTemplateWriter() },
    readers: { csv: new CsvTemplateReader(limits), xlsx: new XlsxTemplateReader(limits) },
  };
}
