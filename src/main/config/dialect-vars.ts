import { SELLERCENTER_RATE_PLANS } from '../../http/sellercenter/rate-plans.js';
import { SPAPI_RATE_PLANS } from '../../http/sp-api/rate-plans.js';
import { boolean, integer, ratePlans, type VarTable } from './var-parsers.js';

/** What the three seller dialects promise their clients: rate plans, token lifetimes, signatures. */
export const DIALECT_VARS = {
  rateLimitsEnabled: {
    name: 'RATE_LIMITS_ENABLED',
    defaultText: 'true',
    describe: 'Apply the per-seller token buckets of each dialect.',
    parse: boolean(true),
  },
  spapiRatePlans: {
    name: 'SPAPI_RATE_LIMITS',
    defaultText: '(Amazon’s published plans)',
    describe: 'JSON `{"<operationId>": {"rate": n, "burst": n}}` merged over the default SP-API plans.',
    parse: ratePlans(SPAPI_RATE_PLANS),
  },
  accessTokenTtlSeconds: {
    name: 'ACCESS_TOKEN_TTL_SECONDS',
    defaultText: '3600',
    describe: 'Lifetime of LWA access tokens.',
    parse: integer(1, 86_400, 3600),
  },
  kauflandRateLimit: {
    name: 'KAUFLAND_RATE_LIMIT',
    defaultText: '111',
    describe: 'Kaufland requests per second per seller, across the dialect (Kaufland’s published limit).',
    parse: integer(1, 100_000, 111),
  },
  kauflandSignatureWindowSeconds: {
    name: 'KAUFLAND_SIGNATURE_WINDOW_SECONDS',
    defaultText: '300',
    describe: 'How far a `Shop-Timestamp` may be from the server clock, either way.',
    parse: integer(1, 86_400, 300),
  },
  sellerCenterRatePlans: {
    name: 'SELLERCENTER_RATE_LIMITS',
    defaultText: '(see docs/sellercenter.md)',
    describe: 'JSON `{"<operation>": {"rate": n, "burst": n}}` merged over the default SellerCenter plans.',
    parse: ratePlans(SELLERCENTER_RATE_PLANS),
  },
  templateMaxRows: {
    name: 'TEMPLATE_MAX_ROWS',
    defaultText: '1048575',
    describe: 'Most data rows read from one filled template (Excel’s own ceiling by default).',
    parse: integer(1, 10_000_000, 1_048_575),
  },
} satisfies VarTable<
  | 'rateLimitsEnabled'
  | 'spapiRatePlans'
  | 'accessTokenTtlSeconds'
  | 'kauflandRateLimit'
  | 'kauflandSignatureWindowSeconds'
  | 'sellerCenterRatePlans'
  | 'templateMaxRows'
>;
