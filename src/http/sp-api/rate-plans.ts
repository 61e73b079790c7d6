import type { RatePlan } from '../../core/rate-limit/rate-plan.js';

/** Amazon's published usage plans for SP-API Invoices v2024-06-19 (docs/sp-api.md). */
export const SPAPI_RATE_PLANS: Readonly<Record<string, RatePlan>> = Object.freeze({
  getInvoicesAttributes: { rate: 1, burst: 1 },
  getInvoices: { rate: 0.1, burst: 20 },
  getInvoice: { rate: 2, burst: 15 },
  createInvoicesExport: { rate: 0.167, burst: 1 },
  getInvoicesExports: { rate: 0.1, burst: 20 },
  getInvoicesExport: { rate: 2, burst: 15 },
  getInvoicesDocument: { rate: 0.0167, burst: 1 },
  createGovernmentInvoice: { rate: 0.0167, burst: 1 },
  getGovernmentInvoiceStatus: { rate: 0.0167, burst: 1 },
  getGovernmentInvoiceDocument: { rate: 0.0167, burst: 1 },
});
