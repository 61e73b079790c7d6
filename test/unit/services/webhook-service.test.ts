import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type JobContext, PermanentJobError } from '../../../src/core/ports/jobs.js';
import type { Store } from '../../../src/core/ports/store.js';
import {
  SIGNATURE_HEADER,
  type WebhookPayload,
  WebhookService,
} from '../../../src/core/webhooks/webhook-service.js';
import type { WebhookRecord, WebhookTransport } from '../../../src/core/webhooks/webhooks-repository.js';
import { ManualClock } from '../../../src/infra/clock.js';

const SELLER = 'seller-1';

/** A store holding one webhook, and a transport that records calls and answers `status`. */
function setup(status: number | Error) {
  const clock = new ManualClock(new Date('2026-11-20T12:00:00.000Z'));
  const hooks = new Map<string, WebhookRecord>();
  const store = {
    webhooks: {
      upsert: async (r: WebhookRecord) => void hooks.set(r.seller_id, r),
      get: async (id: string) => hooks.get(id),
      delete: async (id: string) => hooks.delete(id),
    },
  } as unknown as Store;
  const calls: { url: string; headers: Record<string, string>; body: string }[] = [];
  const transport: WebhookTransport = {
    async post(url, headers, body) {
      calls.push({ url, headers, body });
      if (status instanceof Error) throw status;
      return status;
    },
  };
  const service = new WebhookService(store, clock, transport);
  const job = {
    payload: {
      sellerId: SELLER,
      event: {
        eventType: 'INVOICES_EXPORT_STATUS_CHANGED',
        exportId: 'e1',
        status: 'DONE',
        eventTime: 'now',
      },
    },
    signal: new AbortController().signal,
  } as JobContext<WebhookPayload>;
  return { clock, service, calls, run: () => service.handler()(job) };
}

describe('webhook delivery (in-memory store and transport)', () => {
  it('POSTs the event signed over the raw body with the seller secret and a timestamp', async () => {
    const { service, calls, run } = setup(204);
    await service.set(SELLER, 'https://erp.example/hooks', 'a-secret-of-16-chars');
    await run();
    expect(calls).toHaveLength(1);
    const { url, headers, body } = calls[0]!;
    expect(url).toBe('https://erp.example/hooks');
    const t = Math.floor(Date.parse('2026-11-20T12:00:00.000Z') / 1000);
    const mac = createHmac('sha256', 'a-secret-of-16-chars').update(`${t}.${body}`).digest('hex');
    expect(headers[SIGNATURE_HEADER]).toBe(`t=${t},v1=${mac}`);
    expect(JSON.parse(body)).toMatchObject({ exportId: 'e1', status: 'DONE' });
  });

  it('retries 5xx, 408, 429 and network errors; gives up at once on other 4xx', async () => {
    for (const status of [500, 503, 408, 429, new Error('ECONNREFUSED')]) {
      const { service, run } = setup(status);
      await service.set(SELLER, 'https://erp.example/hooks');
      const err = await run().catch((e: unknown) => e);
      expect(err, String(status)).toBeInstanceOf(Error);
      expect(err, String(status)).not.toBeInstanceOf(PermanentJobError);
    }
    for (const status of [400, 404, 410]) {
      const { service, run } = setup(status);
      await service.set(SELLER, 'https://erp.example/hooks');
      await expect(run()).rejects.toBeInstanceOf(PermanentJobError);
    }
  });

  it('delivers nothing once the webhook is removed, and refuses URLs that are not http(s)', async () => {
    const { service, calls, run } = setup(200);
    await service.set(SELLER, 'http://erp.example/h');
    await service.remove(SELLER);
    await run();
    expect(calls).toHaveLength(0);
    await expect(service.set(SELLER, 'ftp://erp.example')).rejects.toMatchObject({ kind: 'invalid' });
    await expect(service.set(SELLER, 'https://erp.example', 'short')).rejects.toMatchObject({
      kind: 'invalid',
    });
  });
});
