import type { DialectDocs, ErrorDocs } from '../shared/openapi-docs.js';
import { ErrorResponse } from './schemas.js';

const SIGN =
  'node -e \'const [m,u,b=""]=process.argv.slice(1),t=Math.floor(Date.now()/1000);' +
  'console.log(t,require("crypto").createHmac("sha256",process.env.SECRET).update([m,u,b,t].join("\\n")).digest("hex"))\' ' +
  "GET 'http://127.0.0.1:8080/kaufland/v2/order-invoices?limit=30&offset=0'";

export const KAUFLAND_DOCS: DialectDocs = {
  title: 'invoicehub: Kaufland Seller API v2 (order invoices)',
  description:
    "Kaufland's order-invoice operations at /kaufland/v2. Every operation is signed: Shop-Client-Key (the seller's client id), " +
    'Shop-Timestamp (Unix seconds) and Shop-Signature, the hex HMAC-SHA256 keyed with the client secret of ' +
    '`METHOD\\nFULL_URL\\nBODY\\nTIMESTAMP` (FULL_URL exactly as sent, BODY the bytes sent, empty for GET and DELETE).',
  authorize:
    'A browser cannot sign, so compute the signature yourself for the exact request the page will send, then paste ' +
    'the three values into Authorize (Shop-Client-Key = clientId, Shop-Timestamp, Shop-Signature) and Execute within ' +
    `KAUFLAND_SIGNATURE_WINDOW_SECONDS. For example, with \`SECRET=<clientSecret>\` in the environment: \`${SIGN}\` ` +
    'prints the timestamp and the signature of that GET (the page sends the query parameters in the order of the form, ' +
    'with the defaults it shows). A 401 /problems/corrupted-signature names the URL, body length and timestamp ' +
    'that were checked: sign that URL. The signed curl of the README does all of it in one step.',
  securitySchemes: {
    ShopClientKey: {
      type: 'apiKey',
      in: 'header',
      name: 'Shop-Client-Key',
      description: "The seller's client id.",
    },
    ShopTimestamp: {
      type: 'apiKey',
      in: 'header',
      name: 'Shop-Timestamp',
      description: 'Unix seconds, within KAUFLAND_SIGNATURE_WINDOW_SECONDS of the server clock.',
    },
    ShopSignature: {
      type: 'apiKey',
      in: 'header',
      name: 'Shop-Signature',
      description: 'hex HMAC-SHA256(clientSecret, METHOD\\nFULL_URL\\nBODY\\nTIMESTAMP).',
    },
    DownloadToken: {
      type: 'apiKey',
      in: 'query',
      name: 'access_token',
      description: 'The access_token in the url of an OrderInvoice (no signature needed).',
    },
  },
  security: [{ ShopClientKey: [], ShopTimestamp: [], ShopSignature: [] }],
};

export const KAUFLAND_ERRORS: ErrorDocs = {
  name: 'ErrorResponse',
  schema: ErrorResponse,
  contentType: 'application/json',
  statuses: {
    400: '/problems/validation-error: a parameter or body field is invalid; `errors` names it.',
    401:
      '/problems/missing-or-invalid-request-header, /problems/unauthorized (unknown client key) or ' +
      '/problems/corrupted-signature (the message shows the URL, body length and timestamp checked).',
    403: '/problems/forbidden: e.g. deleting an invoice the marketplace issued.',
    404: '/problems/not-found: no such order or invoice for this seller.',
    409: 'about:blank: the request conflicts with the current state of the resource.',
    408: 'about:blank: the body stalled or arrived too slowly; the connection is closed.',
    413: 'about:blank: the body (or the decoded file) exceeds MAX_ORDER_INVOICE_BYTES.',
    429: 'about:blank: KAUFLAND_RATE_LIMIT exceeded; retry after `Retry-After` seconds.',
    500: '/problems/server-error: an unexpected error (logged with the request id).',
    503: '/problems/service-unavailable: maintenance mode or a backing service is down.',
  },
};
