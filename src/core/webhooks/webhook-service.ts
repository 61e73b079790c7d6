import { createHmac, randomBytes } from 'node:crypto';
import { InvalidInputError, NotFoundError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import { type JobContext, PermanentJobError } from '../ports/jobs.js';
import type { Repositories, Store } from '../ports/store.js';
import type { WebhookTransport } from './webhooks-repository.js';

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
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly transport: WebhookTransport,
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
    await this.store.webhooks.upsert({
      seller_id: sellerId,
      url: parsed.toString(),
      secret: value,
      created_at: now,
      updated_at: now,
    });
    return {
      url: parsed.toString(),
      secret: value,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
  }

  async get(sellerId: string): Promise<WebhookView> {
    const row = await this.store.webhooks.get(sellerId);
    if (!row) throw new NotFoundError(`seller ${sellerId} has no webhook`);
    return {
      url: row.url,
      secret: `${row.secret.slice(0, 4)}…`,
      createdAt: new Date(row.created_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
    };
  }

  async remove(sellerId: string): Promise<void> {
    if (!(await this.store.webhooks.delete(sellerId))) {
      throw new NotFoundError(`seller ${sellerId} has no webhook`);
    }
  }

  /** Inside the transaction that finishes an export: the notification is enqueued with it or not at all. */
  async enqueueExportFinished(
    tx: Repositories,
    sellerId: string,
    exportId: string,
    status: 'DONE' | 'ERROR',
  ): Promise<void> {
    if (!(await tx.webhooks.get(sellerId))) return;
    const payload: WebhookPayload = {
      sellerId,
      event: {
        eventType: 'INVOICES_EXPORT_STATUS_CHANGED',
        exportId,
        status,
        eventTime: this.clock.now().toISOString(),
      },
    };
    await tx.jobs.enqueue({
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
      const row = await this.store.webhooks.get(job.payload.sellerId);
      if (!row) return; // removed since: nothing to deliver
      const body = JSON.stringify(job.payload.event);
      const signature = signWebhook(row.secret, body, Math.floor(this.clock.now().getTime() / 1000));
      let status: number;
      try {
        status = await this.transport.post(
          row.url,
          {
            'content-type': 'application/json',
            [SIGNATURE_HEADER]: signature,
            'user-agent': 'invoicehub-webhook/1',
          },
          body,
          AbortSignal.any([job.signal, AbortSignal.timeout(timeoutMs)]),
        );
      } catch (err) {
        throw new Error(`webhook ${row.url} unreachable: ${(err as Error).message}`);
      }
      if (status >= 200 && status < 300) return;
      // 4xx other than 408/429 will not get better by retrying.
      if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
        throw new PermanentJobError(`webhook ${row.url} answered ${status}`);
      }
      throw new Error(`webhook ${row.url} answered ${status}`);
    };
  }
}
