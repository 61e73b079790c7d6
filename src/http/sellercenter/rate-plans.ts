import type { RatePlan } from '../../core/rate-limit/rate-plan.js';

/**
 * Per-seller token buckets of the SellerCenter dialect, by operation (SELLERCENTER_RATE_LIMITS
 * overrides them). SellerCenter publishes no figures: these keep one seller from monopolising the
 * file work (a template is a full scan of its open orders) while leaving polling comfortable.
 */
export const SELLERCENTER_RATE_PLANS: Readonly<Record<string, RatePlan>> = Object.freeze({
  getTemplate: { rate: 0.2, burst: 5 },
  requestTemplateExport: { rate: 0.2, burst: 5 },
  getExport: { rate: 5, burst: 20 },
  downloadFile: { rate: 1, burst: 10 },
  importTemplate: { rate: 0.2, burst: 5 },
  getFeed: { rate: 5, burst: 20 },
  setOrderItemAccessKey: { rate: 10, burst: 50 },
});
