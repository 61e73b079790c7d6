import type { WebhookTransport } from '../../core/webhooks/webhooks-repository.js';

/** Webhook deliveries over Node's fetch; redirects are not followed (a 3xx is an answer). */
export const fetchTransport: WebhookTransport = {
  async post(url, headers, body, signal) {
    const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal });
    await res.body?.cancel();
    return res.status;
  },
};
