import { createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../../infra/clock.js';
import type { Db } from '../../infra/db/database.js';
import type { JobQueue } from '../../infra/jobs/queue.js';
import type { JobContext } from '../../infra/jobs/worker.js';
import { PermanentJobError } from '../../infra/jobs/worker.js';
import { InvalidInputError, NotFoundError } from '../errors.js';

export const WEBHOOK_QUEUE = 'webhook';
export const SIGNATURE_HEADER = 'x-invoicehub-signature';

export interface WebhookView {
  url: string;
  /** Shown when set or rotated; afterwards only its first characters. */
  secret: string;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookPayload {
  sellerId: string;
  event: {
    eventType: 'INVOICES_EXPORT_STATUS_CHANGED';
    exportId: string;
    status: 'DONE' | 'ERROR';
    eventTime: string;
  };
}

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`: the receiver recomputes it over
 * the raw body and rejects old timestamps, so a captured call cannot be replayed later.
 */
export function signWebhook(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** Per-seller export notifications: SP-API users would otherwise have to poll. */
export class WebhookService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly jobs: JobQueue,
  ) {}

  async set(sellerId: string, url: string, secret?: string): Promise<WebhookView> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw InvalidInputError.field('url', 'must be an absolute http(s) URL');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw InvalidInputError.field('url', 'must be an absolute http(s) URL');
    }
    if (secret !== undefined && (secret.length < 16 || secret.length > 256)) {
      throw InvalidInputError.field('secret', 'must be 16 to 256 characters');
    }
    const now = this.clock.now();
    const value = secret ?? randomBytes(24).toString('base64url');
    await this.db
      .insertInto('seller_webhooks')
      .values({
        seller_id: sellerId,
        url: parsed.toString(),
        secret: value,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.column('seller_id').doUpdateSet({ url: parsed.toString(), secret: value, updated_at: now }),
      )
      .execute();
    return {
      url: parsed.toString(),
      secret: value,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
  }

  async get(sellerId: string): Promise<WebhookView> {
    const row = await this.db
      .selectFrom('seller_webhooks')
      .selectAll()
      .where('seller_id', '=', sellerId)
      .executeTakeFirst();
    if (!row) throw new NotFoundError(`seller ${sellerId} has no webhook`);
    return {
      url: row.url,
      secret: `${row.secret.slice(0, 4)}…`,
      createdAt: new Date(row.created_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
    };
  }

  async remove(sellerId: string): Promise<void> {
    const res = await this.db
      .deleteFrom('seller_webhooks')
      .where('seller_id', '=', sellerId)
      .executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw new NotFoundError(`seller ${sellerId} has no webhook`);
  }

  /** Inside the transaction that finishes an export: the notification is enqueued with it or not at all. */
  async enqueueExportFinished(
    trx: Db,
    sellerId: string,
    exportId: string,
    status: 'DONE' | 'ERROR',
  ): Promise<void> {
    const hook = await trx
      .selectFrom('seller_webhooks')
      .select('seller_id')
      .where('seller_id', '=', sellerId)
      .executeTakeFirst();
    if (!hook) return;
    const payload: WebhookPayload = {
      sellerId,
      event: {
        eventType: 'INVOICES_EXPORT_STATUS_CHANGED',
        exportId,
        status,
        eventTime: this.clock.now().toISOString(),
      },
    };
    await this.jobs.enqueue(trx, {
      queue: WEBHOOK_QUEUE,
      sellerId,
      payload,
      maxAttempts: 10,
      dedupeKey: `export:${exportId}:${status}`,
    });
  }

  /** The job: POST the event, signed; a non-2xx answer or a network error is retried with backoff. */
  handler(timeoutMs = 10_000) {
    return async (job: JobContext<WebhookPayload>): Promise<void> => {
      const row = await this.db
        .selectFrom('seller_webhooks')
        .selectAll()
        .where('seller_id', '=', job.payload.sellerId)
        .executeTakeFirst();
      if (!row) return; // removed since: nothing to deliver
      const body = JSON.stringify(job.payload.event);
      const signature = signWebhook(row.secret, body, Math.floor(this.clock.now().getTime() / 1000));
      let res: Response;
      try {
        res = await fetch(row.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [SIGNATURE_HEADER]: signature,
            'user-agent': 'invoicehub-webhook/1',
          },
          body,
          redirect: 'manual',
          signal: AbortSignal.any([job.signal, AbortSignal.timeout(timeoutMs)]),
        });
      } catch (err) {
        throw new Error(`webhook ${row.url} unreachable: ${(err as Error).message}`);
      }
      await res.body?.cancel();
      if (res.status >= 200 && res.status < 300) return;
      // 4xx other than 408/429 will not get better by retrying.
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
        throw new PermanentJobError(`webhook ${row.url} answered ${res.status}`);
      }
      throw new Error(`webhook ${row.url} answered ${res.status}`);
    };
  }
}
