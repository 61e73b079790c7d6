/** A seller's export-notification endpoint. */
export interface WebhookRecord {
  seller_id: string;
  url: string;
  secret: string;
  created_at: Date;
  updated_at: Date;
}

export interface WebhooksRepository {
  /** Creates or replaces the seller's webhook. */
  upsert(record: WebhookRecord): Promise<void>;
  get(sellerId: string): Promise<WebhookRecord | undefined>;
  /** Whether there was one to delete. */
  delete(sellerId: string): Promise<boolean>;
}

/** Outbound HTTP for webhook deliveries. */
export interface WebhookTransport {
  /** POSTs `body` and returns the response status; rejects on network errors and timeouts. */
  post(url: string, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<number>;
}
