import { sql } from 'kysely';
import type { FieldProblem } from '../../../core/errors.js';
import type {
  FeedRowOutcome,
  NewTemplateExport,
  NewTemplateFeed,
  TemplateExportRecord,
  TemplateFeedRecord,
  TemplateFeedRowRecord,
  TemplateFilesRepository,
} from '../../../core/templates/template-records.js';
import type { Db } from '../database.js';

const json = (v: unknown) => JSON.stringify(v);
/** bigint columns come back as strings from node-postgres. */
const num = <T extends number | null>(v: unknown): T => (v === null ? null : Number(v)) as T;

function exportRecord(row: Record<string, unknown>): TemplateExportRecord {
  const r = row as unknown as TemplateExportRecord;
  return { ...r, size_bytes: num(r.size_bytes), row_count: num(r.row_count) };
}

function feedRecord(row: Record<string, unknown>): TemplateFeedRecord {
  return { ...(row as unknown as TemplateFeedRecord), size_bytes: num(row.size_bytes) };
}

export class KyselyTemplateFilesRepository implements TemplateFilesRepository {
  constructor(private readonly db: Db) {}

  async insertExport(record: NewTemplateExport): Promise<number> {
    const row = await this.db
      .insertInto('template_exports')
      .values(record)
      .returning('export_item_id')
      .executeTakeFirstOrThrow();
    return Number(row.export_item_id);
  }

  async exportByUuid(sellerId: string, exportUuid: string) {
    const row = await this.db
      .selectFrom('template_exports')
      .selectAll()
      .where('seller_id', '=', sellerId)
      .where('export_uuid', '=', exportUuid)
      .executeTakeFirst();
    return row && exportRecord(row);
  }

  async exportByItemId(sellerId: string, exportItemId: number) {
    const row = await this.db
      .selectFrom('template_exports')
      .selectAll()
      .where('seller_id', '=', sellerId)
      .where('export_item_id', '=', exportItemId)
      .executeTakeFirst();
    return row && exportRecord(row);
  }

  async updateExport(sellerId: string, exportUuid: string, changes: Partial<TemplateExportRecord>) {
    await this.db
      .updateTable('template_exports')
      .set(changes)
      .where('seller_id', '=', sellerId)
      .where('export_uuid', '=', exportUuid)
      .execute();
  }

  async expiredExports(now: Date, limit: number) {
    const rows = await this.db
      .selectFrom('template_exports')
      .selectAll()
      .where('expires_at', '<=', now)
      .limit(limit)
      .execute();
    return rows.map(exportRecord);
  }

  async deleteExport(sellerId: string, exportUuid: string) {
    await this.db
      .deleteFrom('template_exports')
      .where('seller_id', '=', sellerId)
      .where('export_uuid', '=', exportUuid)
      .execute();
  }

  async insertFeed(record: NewTemplateFeed): Promise<number> {
    const row = await this.db
      .insertInto('template_feeds')
      .values({
        ...record,
        ignored_columns: json(record.ignored_columns),
        file_problems: json(record.file_problems),
      })
      .returning('feed_id')
      .executeTakeFirstOrThrow();
    return Number(row.feed_id);
  }

  async feedByUuid(sellerId: string, feedUuid: string) {
    const row = await this.db
      .selectFrom('template_feeds')
      .selectAll()
      .where('seller_id', '=', sellerId)
      .where('feed_uuid', '=', feedUuid)
      .executeTakeFirst();
    return row && feedRecord(row);
  }

  async feedById(sellerId: string, feedId: number) {
    const row = await this.db
      .selectFrom('template_feeds')
      .selectAll()
      .where('seller_id', '=', sellerId)
      .where('feed_id', '=', feedId)
      .executeTakeFirst();
    return row && feedRecord(row);
  }

  async updateFeed(sellerId: string, feedUuid: string, changes: Partial<TemplateFeedRecord>) {
    const { ignored_columns, file_problems, ...rest } = changes;
    await this.db
      .updateTable('template_feeds')
      .set({
        ...rest,
        ...(ignored_columns ? { ignored_columns: json(ignored_columns) } : {}),
        ...(file_problems ? { file_problems: json(file_problems) } : {}),
      })
      .where('seller_id', '=', sellerId)
      .where('feed_uuid', '=', feedUuid)
      .execute();
  }

  async insertFeedRows(rows: TemplateFeedRowRecord[]) {
    if (rows.length === 0) return;
    await this.db
      .insertInto('template_feed_rows')
      .values(rows.map((r) => ({ ...r, problems: json(r.problems) })))
      .execute();
  }

  async deleteFeedRows(sellerId: string, feedUuid: string) {
    await this.db
      .deleteFrom('template_feed_rows')
      .where('seller_id', '=', sellerId)
      .where('feed_uuid', '=', feedUuid)
      .execute();
  }

  async feedRows(
    sellerId: string,
    feedUuid: string,
    afterRow: number,
    limit: number,
    outcome?: FeedRowOutcome,
  ) {
    let q = this.db
      .selectFrom('template_feed_rows')
      .selectAll()
      .where('seller_id', '=', sellerId)
      .where('feed_uuid', '=', feedUuid)
      .where('row_number', '>', afterRow);
    if (outcome) q = q.where('outcome', '=', outcome);
    return q.orderBy('row_number').limit(limit).execute();
  }

  async setFeedRowOutcome(
    sellerId: string,
    feedUuid: string,
    rowNumber: number,
    outcome: FeedRowOutcome,
    problems: FieldProblem[],
  ) {
    await this.db
      .updateTable('template_feed_rows')
      .set({ outcome, problems: json(problems) })
      .where('seller_id', '=', sellerId)
      .where('feed_uuid', '=', feedUuid)
      .where('row_number', '=', rowNumber)
      .execute();
  }

  async feedCounts(sellerId: string, feedUuid: string) {
    const row = await this.db
      .selectFrom('template_feed_rows')
      .select([
        sql<string>`count(*)`.as('rows'),
        sql<string>`count(*) filter (where outcome = 'applied')`.as('applied'),
        sql<string>`count(*) filter (where outcome = 'unchanged')`.as('unchanged'),
        sql<string>`count(*) filter (where outcome = 'rejected')`.as('rejected'),
      ])
      .where('seller_id', '=', sellerId)
      .where('feed_uuid', '=', feedUuid)
      .executeTakeFirstOrThrow();
    return {
      rows: Number(row.rows),
      applied: Number(row.applied),
      unchanged: Number(row.unchanged),
      rejected: Number(row.rejected),
    };
  }

  async expiredFeeds(now: Date, limit: number) {
    const rows = await this.db
      .selectFrom('template_feeds')
      .selectAll()
      .where('expires_at', '<=', now)
      .limit(limit)
      .execute();
    return rows.map(feedRecord);
  }

  async deleteFeed(sellerId: string, feedUuid: string) {
    await this.db
      .deleteFrom('template_feeds')
      .where('seller_id', '=', sellerId)
      .where('feed_uuid', '=', feedUuid)
      .execute();
  }
}
