import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../src/core/demo/demo-data.js';
import { DIALECTS } from '../../../src/http/dialects.js';
import { demoDeps } from '../../../src/main/deps.js';
import { startTestApp, type TestApp } from '../../support/app.js';

interface Operation {
  operationId?: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; description?: string }[];
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: { $ref?: string } }> }>;
}
interface OpenApi {
  info: { description: string };
  paths: Record<string, Record<string, Operation>>;
  components: {
    securitySchemes: Record<string, { type: string; in?: string; name?: string; scheme?: string }>;
    schemas: Record<string, object>;
  };
}

/** Each document, and the error component its 4xx answers must refer to (by path prefix). */
const DOCUMENTS: Record<string, { tokenPaths: string[]; errors: [prefix: string, component: string][] }> = {
  'sp-api': {
    tokenPaths: ['/auth/o2/token'],
    errors: [
      ['/auth/', 'LwaError'],
      ['/', 'ErrorList'],
    ],
  },
  admin: { tokenPaths: [], errors: [['/', 'Problem']] },
  kaufland: { tokenPaths: [], errors: [['/', 'ErrorResponse']] },
  sellercenter: { tokenPaths: ['/sellercenter/oauth/client-credentials'], errors: [['/', 'Problem']] },
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head'];

function operations(doc: OpenApi): { path: string; method: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ path, method, op })),
  );
}

/** Every anyOf/oneOf whose members are each one constant: an enum in disguise. */
function constUnions(node: unknown, at: string, found: string[]): string[] {
  if (Array.isArray(node)) {
    for (const [i, n] of node.entries()) constUnions(n, `${at}/${i}`, found);
  } else if (node && typeof node === 'object') {
    for (const key of ['anyOf', 'oneOf']) {
      const members = (node as Record<string, unknown>)[key];
      const isConst = (m: Record<string, unknown>) =>
        'const' in m || (Array.isArray(m.enum) && m.enum.length === 1 && m.enum[0] !== null);
      if (Array.isArray(members) && members.length > 0 && members.every(isConst)) found.push(`${at}/${key}`);
    }
    for (const [k, v] of Object.entries(node)) constUnions(v, `${at}/${k}`, found);
  }
  return found;
}

describe('the served OpenAPI documents can be used from a browser', () => {
  let t: TestApp;
  const docs: Record<string, OpenApi> = {};

  beforeAll(async () => {
    t = await startTestApp({}, 'openapi-docs');
    for (const name of Object.keys(DOCUMENTS)) {
      const res = await fetch(`${t.url}/docs/${name}/json`);
      expect(res.status).toBe(200);
      docs[name] = (await res.json()) as OpenApi;
    }
  });
  afterAll(() => t?.close());

  it('the /docs index links every document and says how to get a token and authorize on each', async () => {
    const res = await fetch(`${t.url}/docs`);
    const html = await res.text();
    for (const name of Object.keys(DOCUMENTS)) {
      expect(html).toContain(`href="/docs/${name}"`);
      expect(docs[name]?.info.description).toContain('Authorize');
    }
    expect(html).toContain('/auth/o2/token');
    expect(html).toContain('x-amz-access-token');
    expect(html).toContain('Shop-Signature');
    expect(html).toContain('/sellercenter/oauth/client-credentials');
    expect(html).toContain('ADMIN_TOKEN');
  });

  it('covers every documented dialect', () => {
    expect(Object.keys(DOCUMENTS).sort()).toEqual(
      DIALECTS.filter((d) => d.docs)
        .map((d) => d.name)
        .sort(),
    );
  });

  for (const [name, spec] of Object.entries(DOCUMENTS)) {
    describe(`/docs/${name}/json`, () => {
      it('every operation has a security requirement made of declared schemes (token endpoints excepted)', () => {
        const doc = docs[name] as OpenApi;
        const ops = operations(doc);
        expect(ops.length).toBeGreaterThan(2);
        for (const { path, method, op } of ops) {
          const where = `${method.toUpperCase()} ${path}`;
          if (spec.tokenPaths.includes(path)) continue;
          expect(op.security?.length, where).toBeGreaterThan(0);
          for (const requirement of op.security ?? []) {
            expect(Object.keys(requirement).length, where).toBeGreaterThan(0);
            for (const scheme of Object.keys(requirement)) {
              expect(doc.components.securitySchemes[scheme], `${where}: ${scheme}`).toBeDefined();
            }
          }
        }
        for (const tokenPath of spec.tokenPaths) expect(doc.paths[tokenPath]?.post, tokenPath).toBeDefined();
      });

      it('every parameter and every response has a description; 4xx refer to the error shape', () => {
        const doc = docs[name] as OpenApi;
        for (const { path, method, op } of operations(doc)) {
          const where = `${method.toUpperCase()} ${path}`;
          for (const p of op.parameters ?? []) {
            expect(p.description?.trim(), `${where} ${p.in} ${p.name}`).toBeTruthy();
          }
          const statuses = Object.keys(op.responses);
          expect(
            statuses.some((s) => s.startsWith('2')),
            where,
          ).toBe(true);
          expect(statuses).not.toContain('default');
          const errorComponent = spec.errors.find(([prefix]) => path.startsWith(prefix))?.[1];
          for (const [status, response] of Object.entries(op.responses)) {
            expect(response.description, `${where} ${status}`).toBeTruthy();
            expect(response.description, `${where} ${status}`).not.toBe('Default Response');
            if (status.startsWith('4')) {
              const media = Object.values(response.content ?? {});
              expect(media.length, `${where} ${status}`).toBeGreaterThan(0);
              for (const m of media) {
                expect(m.schema.$ref, `${where} ${status}`).toBe(`#/components/schemas/${errorComponent}`);
              }
            }
          }
          expect(Object.keys(op.responses).filter((s) => s.startsWith('4')).length, where).toBeGreaterThan(0);
        }
      });

      it('has no enum written as an anyOf of constants', () => {
        expect(constUnions(docs[name], '#', [])).toEqual([]);
      });

      it('an operation called without credentials answers the documented error shape', async () => {
        const doc = docs[name] as OpenApi;
        const ajv = new Ajv({ strict: false, allErrors: true });
        (addFormats as unknown as (a: Ajv) => void)(ajv);
        for (const [component, schema] of Object.entries(doc.components.schemas)) {
          ajv.addSchema(schema, `#/components/schemas/${component}`);
        }
        for (const { path, method, op } of operations(doc)) {
          if (spec.tokenPaths.includes(path) || method === 'head') continue;
          const res = await fetch(t.url + path.replace(/\{[^}]+\}/g, 'x'), { method: method.toUpperCase() });
          const where = `${method.toUpperCase()} ${path} → ${res.status}`;
          expect(res.status, where).toBeGreaterThanOrEqual(400);
          const documented = op.responses[String(res.status)];
          expect(documented, where).toBeDefined();
          const [mediaType, media] = Object.entries(documented?.content ?? {})[0] ?? [];
          expect(res.headers.get('content-type'), where).toContain(mediaType);
          const validate = ajv.getSchema(media?.schema.$ref as string);
          const body = await res.json();
          expect(validate?.(body), `${where} ${JSON.stringify(validate?.errors)}`).toBe(true);
        }
      });
    });
  }

  it('SP-API: sortOrder offers ASC and DESC, and both work', async () => {
    const op = docs['sp-api']?.paths['/tax/invoices/2024-06-19/invoices']?.get as Operation;
    const sortOrder = op.parameters?.find((p) => p.name === 'sortOrder') as unknown as {
      schema: { enum: string[] };
    };
    expect(sortOrder.schema.enum.sort()).toEqual(['ASC', 'DESC']);
  });

  it('a request sent the way the SP-API document describes it: token endpoint, then the scheme header', async () => {
    const { credentials } = await seedDemo({ ...demoDeps(t.deps), clock: t.clock }, 12);
    const doc = docs['sp-api'] as OpenApi;
    // The token endpoint: the operation without a security requirement, its form as documented.
    const [tokenPath, tokenItem] =
      Object.entries(doc.paths).find(([, item]) => item.post?.security?.length === 0) ?? [];
    const form = tokenItem?.post?.requestBody?.content['application/x-www-form-urlencoded']?.schema as {
      required: string[];
    };
    expect(form.required.sort()).toEqual(['client_id', 'client_secret', 'grant_type']);
    const values: Record<string, string> = {
      grant_type: 'refresh_token',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      refresh_token: credentials.refreshToken,
    };
    const tokenRes = await fetch(`${t.url}${tokenPath}`, {
      method: 'POST',
      body: new URLSearchParams(values),
    });
    expect(tokenRes.status).toBe(200);
    const { access_token } = (await tokenRes.json()) as { access_token: string };

    // getInvoices, with the header its security requirement names.
    const [invoicesPath, invoicesItem] =
      Object.entries(doc.paths).find(([, item]) => item.get?.operationId === 'getInvoices') ?? [];
    const scheme =
      doc.components.securitySchemes[Object.keys(invoicesItem?.get?.security?.[0] ?? {})[0] ?? ''];
    expect(scheme).toMatchObject({ type: 'apiKey', in: 'header' });
    const res = await fetch(`${t.url}${invoicesPath}?marketplaceId=A2Q3Y263D00KWC&sortOrder=ASC&pageSize=5`, {
      headers: { [scheme?.name as string]: access_token },
    });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { invoices: { date: string }[] };
    expect(page.invoices.length).toBeGreaterThan(0);
    const dates = page.invoices.map((i) => i.date);
    expect(dates).toEqual([...dates].sort());

    // A documented error: its body has the shape the 403 response refers to.
    const denied = await fetch(`${t.url}${invoicesPath}?marketplaceId=A2Q3Y263D00KWC`);
    expect(denied.status).toBe(403);
    expect(invoicesItem?.get?.responses['403']?.content?.['application/json']?.schema.$ref).toBe(
      '#/components/schemas/ErrorList',
    );
    expect(await denied.json()).toMatchObject({ errors: [{ code: 'Unauthorized' }] });
  });
});
