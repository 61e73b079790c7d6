import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRAZIL } from '../../src/core/marketplaces.js';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../support/app.js';
import { accessTokenFor } from '../support/expect-errors.js';
import { createSeller, ingest, invoiceXml, type Seller } from '../support/fixtures.js';
import { type Case, type Dialect, judge } from '../support/hostile.js';
import { loadKauflandOrders } from '../support/kaufland.js';
import { signKaufland } from '../support/kaufland-client.js';
import { scToken } from './sellercenter/support.js';

/**
 * Generated requests over every documented operation of every surface (read from the OpenAPI
 * documents, so a dialect added later is fuzzed too), with mutated paths, ids of another seller,
 * garbage queries, bodies and content types. Every answer must be < 500, every error in the shape
 * of the surface the normalized path is aimed at, and no seller-facing answer may carry the other
 * seller's data. ~1,000 requests in at most ~25 s by default; longer runs:
 * `FUZZ_RUNS=100000 FUZZ_SECONDS=3600 FUZZ_SEED=42 npx vitest run test/integration/fuzz.test.ts`.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const SECONDS = Number(process.env.FUZZ_SECONDS ?? 25);
const SEED = process.env.FUZZ_SEED === undefined ? Date.now() % 2 ** 31 : Number(process.env.FUZZ_SEED);

interface Operation {
  dialect: Dialect;
  method: string;
  path: string;
  query: string[];
  hasBody: boolean;
}

/** The surface a (mutated) path is aimed at, as the judge names it; null where no shape applies. */
function surfaceOf(path: string): Dialect | null {
  let p = path.split('?')[0]!.replace(/\/{2,}/g, '/');
  try {
    p = decodeURIComponent(p);
  } catch {
    // judged on the raw text, as the server does
  }
  if (p.startsWith('/admin/')) return 'admin';
  if (p.startsWith('/auth/')) return 'lwa';
  if (p.startsWith('/kaufland/')) return 'kaufland';
  if (p.startsWith('/sellercenter/')) return 'sellercenter';
  if (p.startsWith('/files/')) return 'files';
  if (p.startsWith('/docs')) return null;
  return 'spapi';
}

describe('fuzz: generated requests over every operation', () => {
  let t: TestApp;
  let mine: Seller;
  let theirs: Seller;
  let amz: string;
  let sc: string;
  const secrets: string[] = [];
  const ids: Record<string, string[]> = {};
  let operations: Operation[] = [];

  beforeAll(async () => {
    // No worker: nothing generated here may reach past loopback (webhooks).
    t = await startTestApp({ RATE_LIMITS_ENABLED: 'false', WORKER_ENABLED: 'false' }, 'fuzz');
    mine = await createSeller(t, { storefronts: ['de'] });
    theirs = await createSeller(t, { storefronts: ['de'] });
    amz = await accessTokenFor(t, mine);
    sc = await scToken(t, mine);
    const at = new Date('2026-11-19T10:00:00Z');
    const their = invoiceXml(theirs.cnpj, { number: 7, issuedAt: at });
    const theirId = (await ingest(t, their.xml)).body.invoice?.id as string;
    const myId = (await ingest(t, invoiceXml(mine.cnpj, { number: 8, issuedAt: at }).xml)).body.invoice
      ?.id as string;
    for (const [seller, orderId] of [
      [mine, 'MY-ORDER'],
      [theirs, 'THEIR-ORDER'],
    ] as const)
      await loadKauflandOrders(t, seller.sellerId, [{ orderId }]);
    // What a seller-facing answer must never show unless the request itself carried it.
    secrets.push(their.accessKey, theirs.cnpj, theirs.clientId, 'THEIR-ORDER');
    const shared = [
      theirId,
      myId,
      'THEIR-ORDER',
      'MY-ORDER',
      '..%2F..%2Fetc%2Fpasswd',
      'a'.repeat(600),
      '%E0%A4%A',
      '0',
    ];
    Object.assign(ids, {
      sellerId: [mine.sellerId, theirs.sellerId, ...shared],
      invoiceId: [myId, theirId, ...shared],
      orderId: ['MY-ORDER', 'THEIR-ORDER', ...shared],
      id_order: ['MY-ORDER', 'THEIR-ORDER', ...shared],
      any: shared,
    });
    for (const [name, dialect] of [
      ['sp-api', 'spapi'],
      ['admin', 'admin'],
      ['kaufland', 'kaufland'],
      ['sellercenter', 'sellercenter'],
    ] as const) {
      const doc = (await (await fetch(`${t.url}/docs/${name}/json`)).json()) as {
        paths: Record<
          string,
          Record<string, { parameters?: { in: string; name: string }[]; requestBody?: unknown }>
        >;
      };
      for (const [path, methods] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(methods)) {
          const upper = method.toUpperCase();
          // The maintenance switch would turn every later answer into a 503 by design.
          if (path.endsWith('/maintenance') && upper === 'PUT') continue;
          operations.push({
            dialect: path.startsWith('/auth/') ? 'lwa' : dialect,
            method: upper,
            path,
            query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
            hasBody: op.requestBody !== undefined,
          });
        }
      }
    }
    // Signed download links are no documented operation, but they are served: fuzzed too.
    for (const path of ['/files/{any}', '/kaufland/files/order-invoices/{any}']) {
      operations.push({
        dialect: surfaceOf(path) as Dialect,
        method: 'GET',
        path,
        query: ['access_token'],
        hasBody: false,
      });
    }
    operations = operations.sort((a, b) => `${a.method} ${a.path}`.localeCompare(`${b.method} ${b.path}`));
  });
  afterAll(async () => {
    await t?.close();
  });

  it(
    'answers < 500, every error in its surface’s shape, nothing of the other seller',
    async () => {
      expect(operations.length).toBeGreaterThan(40);
      const value = fc.oneof(
        fc.constantFrom(
          BRAZIL,
          'ATVPDKIKX0DER',
          '2026-01-01',
          'AUTHORIZED',
          'XML',
          'PDF',
          '5',
          '-1',
          'de',
          'csv',
          '',
        ),
        fc.string({ maxLength: 40 }),
      );
      const body = fc.oneof(
        fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
        fc.string({ maxLength: 200 }),
        fc.uint8Array({ maxLength: 512 }),
        fc.constantFrom(
          '{"marketplaceId":"A2Q3Y263D00KWC"}',
          '{"name":"x","cnpj":"75277525000178"}',
          'grant_type=client_credentials&client_id=x&client_secret=y',
          '<nfeProc><NFe/></nfeProc>',
          `<a>${'<b/>'.repeat(1000)}</a>`,
          'PK\u0003\u0004garbage',
          '--b\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nx;y\r\n--b--\r\n',
        ),
      );
      const contentType = fc.constantFrom(
        'application/json',
        'application/xml',
        'application/zip',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=b',
        'text/plain',
        'application/pdf',
        undefined,
      );
      const mutation = fc.constantFrom('none', 'none', 'none', 'double-slash', 'escape', 'trailing', 'upper');
      const request = fc.record({
        op: fc.constantFrom(...operations),
        method: fc.option(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'), {
          freq: 5,
        }),
        params: fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
        query: fc.array(fc.tuple(fc.nat(), value), { maxLength: 4 }),
        extraQuery: fc.option(fc.tuple(fc.string({ maxLength: 10 }), value), { freq: 4 }),
        body,
        contentType,
        auth: fc.constantFrom(true, true, true, false),
        mutation,
      });

      const failures: string[] = [];
      let sent = 0;
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          let i = 0;
          let path = r.op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
            const pool = ids[name] ?? ids.any!;
            return pool[(r.params[i++ % 4] ?? 0) % pool.length]!;
          });
          if (r.mutation === 'double-slash') path = path.replace('/', '//');
          if (r.mutation === 'escape')
            path = path.replace(/[a-z]/, (ch) => `%${ch.charCodeAt(0).toString(16)}`);
          if (r.mutation === 'trailing') path = `${path}/`;
          if (r.mutation === 'upper') path = path.toUpperCase();
          const qs = new URLSearchParams();
          for (const [n, v] of r.query)
            if (r.op.query.length) qs.append(r.op.query[n % r.op.query.length]!, v);
          if (r.extraQuery) qs.append(r.extraQuery[0] || 'x', r.extraQuery[1]);
          const url = `${path}${qs.size ? `?${qs}` : ''}`;
          const method = r.method ?? r.op.method;
          const sendsBody =
            method !== 'GET' && method !== 'HEAD' && (r.op.hasBody || r.contentType !== undefined);
          const bytes = sendsBody
            ? typeof r.body === 'string'
              ? Buffer.from(r.body)
              : Buffer.from(r.body)
            : undefined;
          const headers: Record<string, string> = {};
          if (sendsBody && r.contentType) headers['content-type'] = r.contentType;
          if (r.auth) {
            if (r.op.dialect === 'admin') headers.authorization = `Bearer ${ADMIN_TOKEN}`;
            if (r.op.dialect === 'spapi') headers['x-amz-access-token'] = amz;
            if (r.op.dialect === 'sellercenter') headers.authorization = `Bearer ${sc}`;
            if (r.op.dialect === 'kaufland') {
              const ts = String(Math.floor(t.clock.now().getTime() / 1000));
              headers['shop-client-key'] = mine.clientId;
              headers['shop-timestamp'] = ts;
              headers['shop-signature'] = signKaufland(
                mine.clientSecret,
                method,
                t.url + url,
                bytes ?? '',
                ts,
              );
            }
          }
          sent++;
          const res = await fetch(t.url + url, { method, headers, ...(bytes ? { body: bytes } : {}) });
          const text = await res.text();
          const surface = surfaceOf(url);
          const name = `${method} ${url.slice(0, 120)} [${r.contentType ?? '-'}]`;
          if (res.status >= 500) failures.push(`${name}: ${res.status} ${text.slice(0, 200)}`);
          else if (surface && method !== 'HEAD' && res.status >= 400) {
            const c: Case = { name, dialect: surface, method, path: url };
            const problem = judge(c, res, text);
            if (problem) failures.push(`${name}: ${problem}`);
          }
          if (surface !== 'admin') {
            const asked = url + (bytes?.toString('latin1') ?? '');
            for (const s of secrets) {
              if (text.includes(s) && !asked.includes(s)) failures.push(`${name}: answer shows ${s}`);
            }
          }
          // Every failure is collected (no shrinking): the list says more than one counterexample.
          return true;
        }),
        {
          numRuns: RUNS,
          interruptAfterTimeLimit: SECONDS * 1000,
          seed: SEED,
        },
      );
      console.log(`fuzz: ${sent} requests over ${operations.length} operations, FUZZ_SEED=${SEED}`);
      expect(failures.slice(0, 30), `FUZZ_SEED=${SEED}, ${failures.length} failures`).toEqual([]);
      // Still up and itself.
      expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    },
    (SECONDS + 60) * 1000,
  );
});
