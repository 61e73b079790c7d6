import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRAZIL } from '../../../src/core/marketplaces.js';
import { isValidAccessKey, parseAccessKey } from '../../../src/core/nfe/access-key.js';
import { buildCancellationEventXml } from '../../../src/core/nfe/build.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { expectNfeDanfe, maskCnpj } from '../../support/danfe.js';
import { createSeller, type Seller } from '../../support/fixtures.js';
import { redirectLwaTo } from '../../support/lwa-redirect.js';
import { readPdf } from '../../support/pdf-reader.js';
import { expectLinkExpiresAfter30s, type InvoicesApi, rejection, sdkFor } from '../../support/sdk.js';
import { readSpApiModel, validateSpApi } from '../../support/spapi-model.js';

interface GovernmentBody {
  marketplaceId: string;
  shipmentId: string;
  inboundPlanId?: string;
  invoiceType: string;
  transactionType: string;
  contexts?: Record<string, string>[];
}

/** createGovernmentInvoice's request in Amazon's own sandbox (carrier CNPJ 46204217000177). */
function amazonSandboxBody(): GovernmentBody {
  type Sandbox = { static: { request: { parameters: { body: { value: GovernmentBody } } } }[] };
  const op = readSpApiModel().paths['/tax/invoices/2024-06-19/governmentInvoiceRequests']?.post as {
    responses: { '204': { 'x-amzn-api-sandbox': Sandbox } };
  };
  return structuredClone(op.responses['204']['x-amzn-api-sandbox'].static[0]!.request.parameters.body.value);
}

type Api = InvoicesApi;
const apiFor = (t: TestApp, seller: Seller): Api => sdkFor(t.url, seller);

describe('SP-API government invoices through the official SDK', () => {
  let t: TestApp;
  let seller: Seller;
  let other: Seller;
  let api: Api;
  let otherApi: Api;
  let restoreLwa: () => void;

  const status = (api_: Api, body: GovernmentBody) =>
    api_.getGovernmentInvoiceStatusWithHttpInfo(
      body.marketplaceId,
      body.transactionType,
      body.shipmentId,
      body.invoiceType,
      {
        inboundPlanId: body.inboundPlanId,
      },
    );
  const documentOf = (api_: Api, body: GovernmentBody, fileFormat?: string) =>
    api_.getGovernmentInvoiceDocumentWithHttpInfo(
      body.marketplaceId,
      body.transactionType,
      body.shipmentId,
      body.invoiceType,
      { inboundPlanId: body.inboundPlanId, ...(fileFormat ? { fileFormat } : {}) },
    );

  async function settle(body: GovernmentBody) {
    for (let i = 0; i < 400; i++) {
      const { response } = await status(api, body);
      expect(response.status).toBe(200);
      expect(validateSpApi('GovernmentInvoiceStatusResponse', response.body)).toEqual([]);
      if (response.body.status !== 'PROCESSING') return response.body;
      expect(response.body).toEqual({ status: 'PROCESSING' });
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('the request stayed PROCESSING');
  }

  async function create(body: GovernmentBody) {
    const { response } = await api.createGovernmentInvoiceWithHttpInfo(body);
    expect(response.status).toBe(204);
    expect(response.text ?? '').toBe('');
  }

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMITS_ENABLED: 'false' }, 'government');
    restoreLwa = redirectLwaTo(t.url);
    seller = await createSeller(t);
    other = await createSeller(t);
    api = apiFor(t, seller);
    otherApi = apiFor(t, other);
  });

  afterAll(async () => {
    restoreLwa?.();
    await t?.close();
  });

  const valid: GovernmentBody = { ...amazonSandboxBody(), shipmentId: 'sh-success-0001' };
  valid.contexts = [{ ...(valid.contexts?.[0] ?? {}), federalTaxId: '46204217000114' }];

  it('issues the remittance: SUCCESS with the seller’s key, a 30 s XML link, listed in getInvoices', async () => {
    await create(valid);
    const done = await settle(valid);
    expect(done.status).toBe('SUCCESS');
    const key = done.invoiceExternalDocumentId as string;
    expect(key).toHaveLength(44);
    expect(isValidAccessKey(key)).toBe(true);
    expect(parseAccessKey(key).cnpj).toBe(seller.cnpj);

    const { response } = await documentOf(api, valid);
    expect(validateSpApi('GovtInvoiceDocumentResponse', response.body)).toEqual([]);
    const url = response.body.invoiceDocument.invoiceDocumentUrl as string;
    const file = await fetch(url);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/xml');
    expect(file.headers.get('content-disposition')).toContain(`${key}-procNFe.xml`);
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(bytes.toString('utf8')).toContain(`<chNFe>${key}</chNFe>`);
    expect(bytes.toString('utf8')).toContain('<CNPJ>46204217000114</CNPJ>');

    const { response: list } = await api.getInvoicesWithHttpInfo(BRAZIL, { invoiceType: 'REMITTANCE' });
    expect(validateSpApi('GetInvoicesResponse', list.body)).toEqual([]);
    expect(list.body.invoices).toHaveLength(1);
    const invoice = list.body.invoices[0];
    expect(invoice).toMatchObject({
      invoiceType: 'REMITTANCE',
      transactionType: 'INBOUND_SHIPMENT',
      status: 'AUTHORIZED',
      externalInvoiceId: String(Number(parseAccessKey(key).number)),
    });
    const stored = await t.admin('GET', `/admin/v1/sellers/${seller.sellerId}/invoices/${invoice.id}/xml`);
    expect(Buffer.from(await stored.arrayBuffer()).equals(bytes)).toBe(true);

    await expectLinkExpiresAfter30s(t.clock, url);
  });

  it('accepts Amazon’s own sandbox request (204) and ends it in ERROR: the carrier CNPJ is invalid', async () => {
    const body = amazonSandboxBody();
    expect(body.contexts?.[0]?.federalTaxId).toBe('46204217000177');
    await create(body);
    const done = await settle(body);
    expect(done).toEqual({
      status: 'ERROR',
      invoiceErrors: [{ errorCode: '542', description: 'Rejeição: CNPJ do Transportador inválido' }],
    });
    const missing = await rejection(documentOf(api, body));
    expect(missing.status).toBe(404);
    expect(missing.response.body.errors[0]?.details).toContain('ERROR (542)');

    // Fixed and submitted again: nothing was issued before, so this one is.
    body.contexts = [{ ...(body.contexts?.[0] ?? {}), federalTaxId: '46204217000114' }];
    await create(body);
    const retried = await settle(body);
    expect(retried.status).toBe('SUCCESS');
    const first = (await status(api, valid)).response.body.invoiceExternalDocumentId as string;
    // Sequential numbers in the seller's series.
    expect(Number(parseAccessKey(retried.invoiceExternalDocumentId as string).number)).toBe(
      Number(parseAccessKey(first).number) + 1,
    );
  });

  it('is idempotent per shipment: the same request is a no-op, a different one a 400', async () => {
    const before = (await status(api, valid)).response.body;
    await create(valid);
    expect((await status(api, valid)).response.body).toEqual(before);
    const changed = { ...valid, contexts: [{ ...(valid.contexts?.[0] ?? {}), name: 'Another carrier' }] };
    const refused = await rejection(api.createGovernmentInvoice(changed));
    expect(refused.status).toBe(400);
    expect(refused.response.body.errors[0]?.code).toBe('InvalidInput');
    expect(refused.response.body.errors[0]?.details).toContain('shipmentId');
    expect(refused.response.body.errors[0]?.details).toContain('one NF-e');
    const { body: list } = (await api.getInvoicesWithHttpInfo(BRAZIL, { invoiceType: 'REMITTANCE' }))
      .response;
    expect(list.invoices).toHaveLength(2); // one per shipment, never two
  });

  it('answers 400 naming the field for invalid requests', async () => {
    const cases: [Partial<GovernmentBody> & Record<string, unknown>, string][] = [
      [{ shipmentId: undefined }, 'shipmentId'],
      [{ invoiceType: 'CUSTOMER_SALES' }, 'invoiceType'],
      [{ transactionType: 'CUSTOMER_SALES' }, 'transactionType'],
      [{ marketplaceId: 'ATVPDKIKX0DER' }, 'marketplaceId'],
      [{ contexts: [{ contextType: 'DriverContext' }] }, 'contexts[0].contextType'],
      [{ contexts: [{ name: 'no type' }] }, 'contexts[0].contextType'],
    ];
    for (const [change, field] of cases) {
      const body = { ...valid, shipmentId: 'sh-invalid', ...change };
      const err = await rejection(api.createGovernmentInvoice(body as GovernmentBody));
      expect(err.status, field).toBe(400);
      expect(err.response.body.errors[0]?.code).toBe('InvalidInput');
      expect(err.response.body.errors[0]?.details, field).toContain(field);
    }
    const wrongType = await rejection(status(api, { ...valid, invoiceType: 'CUSTOMER_SALES' }));
    expect(wrongType.status).toBe(400);
    expect(wrongType.response.body.errors[0]?.details).toContain('invoiceType');
  });

  it('serves the DANFE with fileFormat=PDF: a 30 s link to the PDF of the stored invoice, CANCELADA once cancelled', async () => {
    const key = (await settle(valid)).invoiceExternalDocumentId as string;
    const xmlUrl = (await documentOf(api, valid)).response.body.invoiceDocument.invoiceDocumentUrl as string;
    const xml = await (await fetch(xmlUrl)).text();

    const { response } = await documentOf(api, valid, 'PDF');
    expect(response.status).toBe(200);
    expect(validateSpApi('GovtInvoiceDocumentResponse', response.body)).toEqual([]);
    const url = response.body.invoiceDocument.invoiceDocumentUrl as string;
    const file = await fetch(url);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(file.headers.get('content-disposition')).toContain(`${key}-danfe.pdf`);
    const read = await expectNfeDanfe(new Uint8Array(await file.arrayBuffer()), xml, key);
    expect(read.pages[0]).toContain(maskCnpj(seller.cnpj));
    expect(read.pages[0]).not.toContain('CANCELADA');

    const nProt = /<nProt>(\d+)<\/nProt>/.exec(xml)![1]!;
    const cancel = buildCancellationEventXml({
      accessKey: key,
      cnpj: seller.cnpj,
      at: t.clock.now(),
      protocol: nProt,
      justification: 'Remessa cancelada: o envio nao foi realizado',
    });
    const cancelled = await t.admin('POST', '/admin/v1/invoices', cancel, {
      'content-type': 'application/xml',
    });
    expect(cancelled.status).toBe(200);
    const again = (await documentOf(api, valid, 'PDF')).response.body.invoiceDocument
      .invoiceDocumentUrl as string;
    const stamped = await readPdf(new Uint8Array(await (await fetch(again)).arrayBuffer()));
    expect(stamped.pages[0]).toContain('CANCELADA');
    await expectLinkExpiresAfter30s(t.clock, again);
    // The other seller cannot reach it.
    expect((await rejection(documentOf(otherApi, valid, 'PDF'))).status).toBe(404);
  });

  it('refuses an unknown fileFormat with a clear 400 and unknown or other sellers’ shipments with 404', async () => {
    const html = await rejection(documentOf(api, valid, 'HTML'));
    expect(html.status).toBe(400);
    expect(html.response.body.errors[0]?.details).toContain('"HTML" is not one of XML, PDF');
    expect((await documentOf(api, valid, 'XML')).response.status).toBe(200);

    const unknown = { ...valid, shipmentId: 'sh-never-requested' };
    expect((await rejection(status(api, unknown))).status).toBe(404);
    expect((await rejection(documentOf(api, unknown))).status).toBe(404);
    expect((await rejection(status(api, { ...valid, inboundPlanId: 'wf-other-plan' }))).status).toBe(404);

    const theirs = await rejection(status(otherApi, valid));
    expect(theirs.status).toBe(404);
    expect(theirs.response.body.errors[0]?.code).toBe('NotFound');
    expect((await rejection(documentOf(otherApi, valid))).status).toBe(404);
  });

  it('documents the three operations in the SP-API OpenAPI document', async () => {
    const doc = (await (await fetch(`${t.url}/docs/sp-api/json`)).json()) as {
      paths: Record<string, Record<string, { operationId?: string }>>;
    };
    const ops = Object.values(doc.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
    expect(ops).toEqual(
      expect.arrayContaining([
        'createGovernmentInvoice',
        'getGovernmentInvoiceStatus',
        'getGovernmentInvoiceDocument',
      ]),
    );
  });
});
