import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCancellationEventXml, buildCorrectionLetterXml } from '../../../src/core/nfe/build.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { accessTokenFor, countRows, expectProblem, spApi } from '../../support/expect-errors.js';
import { createSeller, ingest, invoiceXml, nextCnpj, type Seller } from '../../support/fixtures.js';

const DAY = new Date('2026-11-19T10:00:00.000Z');
const LATER = new Date('2026-11-19T15:00:00.000Z');
const JUSTIFICATION = 'Pedido cancelado pelo cliente antes do envio';

interface Answer {
  outcome: string;
  invoice?: { id: string; status: string; accessKey: string };
  event?: { accessKey: string; eventType: string; applied: boolean };
  warnings: { field: string; message: string }[];
}

const post = (t: TestApp, xml: string) => ingest<Answer>(t, xml);

async function statusOf(t: TestApp, seller: Seller, invoiceId: string): Promise<string> {
  const res = await t.admin('GET', `/admin/v1/sellers/${seller.sellerId}/invoices/${invoiceId}`);
  return ((await res.json()) as { invoice: { status: string } }).invoice.status;
}

/** SEFAZ's answer to a batch of events (`retEnvEvento`), built from a procEventoNFe's retEvento. */
function asRetEnvEvento(procEvento: string): string {
  const ret = /<retEvento[\s\S]*<\/retEvento>/.exec(procEvento)?.[0] as string;
  return (
    '<?xml version="1.0" encoding="UTF-8"?><retEnvEvento xmlns="http://www.portalfiscal.inf.br/nfe" versao="1.00">' +
    '<idLote>1</idLote><tpAmb>1</tpAmb><verAplic>SP_EVENTOS_PL_100</verAplic><cOrgao>35</cOrgao><cStat>128</cStat>' +
    `<xMotivo>Lote de Evento Processado</xMotivo>${ret}</retEnvEvento>`
  );
}

describe('operator API: NF-e events', () => {
  let t: TestApp;
  let seller: Seller;
  let number = 0;
  const authorized = () => {
    const n = ++number;
    return invoiceXml(seller.cnpj, { number: n, issuedAt: DAY });
  };
  const cancellation = (
    accessKey: string,
    extra: Partial<Parameters<typeof buildCancellationEventXml>[0]> = {},
  ) =>
    buildCancellationEventXml({
      accessKey,
      cnpj: seller.cnpj,
      at: LATER,
      protocol: '135260000000001',
      justification: JUSTIFICATION,
      ...extra,
    });

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMITS_ENABLED: 'false' }, 'events');
    seller = await createSeller(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a separate cancellation event cancels a known invoice: 200 with the updated invoice', async () => {
    const doc = authorized();
    const created = await post(t, doc.xml);
    expect(created.body.invoice?.status).toBe('AUTHORIZED');
    const res = await post(t, cancellation(doc.accessKey));
    expect(res.status).toBe(200);
    expect(res.body.invoice).toMatchObject({ id: created.body.invoice?.id, status: 'CANCELED' });
    expect(await statusOf(t, seller, created.body.invoice?.id as string)).toBe('CANCELED');

    // The invoice's own bytes stay what was ingested; re-sending it does not revive it.
    const xml = await t.admin(
      'GET',
      `/admin/v1/sellers/${seller.sellerId}/invoices/${created.body.invoice?.id}/xml`,
    );
    expect(await xml.text()).toBe(doc.xml);
    const again = await post(t, doc.xml);
    expect(again.status).toBe(200);
    expect(again.body.invoice?.status).toBe('CANCELED');

    // Sellers see it too.
    const token = await accessTokenFor(t, seller);
    const sp = await spApi(t, token, `/invoices/${created.body.invoice?.id}?marketplaceId=A2Q3Y263D00KWC`);
    expect(((await sp.json()) as { invoice: { status: string } }).invoice.status).toBe('CANCELED');
  });

  it('reads a cancellation in infProt (cStat 101) and one appended inside nfeProc', async () => {
    for (const outcome of [
      { kind: 'cancelled-cstat101', at: LATER },
      { kind: 'cancelled-embedded-event', at: LATER },
    ] as const) {
      const doc = invoiceXml(seller.cnpj, { number: ++number, issuedAt: DAY, outcome });
      const res = await post(t, doc.xml);
      expect(res.status, outcome.kind).toBe(201);
      expect(res.body.invoice?.status, outcome.kind).toBe('CANCELED');
    }
  });

  it('accepts the retEnvEvento encoding of a cancellation', async () => {
    const doc = authorized();
    const { body } = await post(t, doc.xml);
    const res = await post(t, asRetEnvEvento(cancellation(doc.accessKey)));
    expect(res.status).toBe(200);
    expect(res.body.invoice).toMatchObject({ id: body.invoice?.id, status: 'CANCELED' });
  });

  it('keeps an event for an unknown invoice (202) and applies it when the invoice arrives', async () => {
    const doc = authorized();
    const early = await post(t, cancellation(doc.accessKey));
    expect(early.status).toBe(202);
    expect(early.body.invoice).toBeUndefined();
    expect(early.body.event).toMatchObject({ accessKey: doc.accessKey, eventType: '110111', applied: false });
    const stored = await t.deps.db.db
      .selectFrom('nfe_events')
      .select(['applied_at'])
      .where('access_key', '=', doc.accessKey)
      .execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]?.applied_at).toBeNull();

    const late = await post(t, doc.xml);
    expect(late.status).toBe(201);
    expect(late.body.invoice?.status).toBe('CANCELED');
    const applied = await t.deps.db.db
      .selectFrom('nfe_events')
      .select(['applied_at'])
      .where('access_key', '=', doc.accessKey)
      .executeTakeFirstOrThrow();
    expect(applied.applied_at).not.toBeNull();
  });

  it('a correction letter (110110) changes no status', async () => {
    const doc = authorized();
    const { body } = await post(t, doc.xml);
    const letter = buildCorrectionLetterXml({
      accessKey: doc.accessKey,
      cnpj: seller.cnpj,
      at: LATER,
      correction: 'Corrige o endereco de entrega do destinatario',
    });
    const res = await post(t, letter);
    expect(res.status).toBe(200);
    expect(res.body.invoice).toMatchObject({ id: body.invoice?.id, status: 'AUTHORIZED' });
    expect(res.body.event?.eventType).toBe('110110');
  });

  it('an unregistered cancellation (SEFAZ refused it) changes no status', async () => {
    const doc = authorized();
    const { body } = await post(t, doc.xml);
    const res = await post(t, cancellation(doc.accessKey, { statusCode: '573' }));
    expect(res.status).toBe(200);
    expect(res.body.invoice?.status).toBe('AUTHORIZED');
    expect(await statusOf(t, seller, body.invoice?.id as string)).toBe('AUTHORIZED');
  });

  it('the same event twice is a no-op; the same sequence with other content is 409', async () => {
    const doc = authorized();
    await post(t, doc.xml);
    const event = cancellation(doc.accessKey);
    expect((await post(t, event)).status).toBe(200);
    const before = await countRows(t, ['nfe_events']);
    const twice = await post(t, event);
    expect(twice.status).toBe(200);
    expect(twice.body.invoice?.status).toBe('CANCELED');
    const other = cancellation(doc.accessKey, { justification: 'Outra justificativa qualquer aqui' });
    const res = await t.admin('POST', '/admin/v1/invoices', other, { 'content-type': 'application/xml' });
    await expectProblem(res, 409, 'nSeqEvento');
    expect(await countRows(t, ['nfe_events'])).toEqual(before);
  });

  it('rejects events for unknown sellers or with a broken key, storing nothing', async () => {
    const stranger = invoiceXml(nextCnpj(), { number: 1, issuedAt: DAY });
    const before = await countRows(t, ['nfe_events', 'invoices']);
    const unknown = buildCancellationEventXml({
      accessKey: stranger.accessKey,
      cnpj: stranger.accessKey.slice(6, 20),
      at: LATER,
      protocol: '135260000000001',
      justification: JUSTIFICATION,
    });
    await expectProblem(
      await t.admin('POST', '/admin/v1/invoices', unknown, { 'content-type': 'application/xml' }),
      400,
      'chNFe',
    );
    const doc = authorized();
    const broken = cancellation(doc.accessKey).replaceAll(doc.accessKey, `${doc.accessKey.slice(0, 43)}X`);
    await expectProblem(
      await t.admin('POST', '/admin/v1/invoices', broken, { 'content-type': 'application/xml' }),
      400,
      'chNFe',
    );
    const noKey = cancellation(doc.accessKey).replace(/<chNFe>[^<]*<\/chNFe>/g, '');
    await expectProblem(
      await t.admin('POST', '/admin/v1/invoices', noKey, { 'content-type': 'application/xml' }),
      400,
      'chNFe',
    );
    expect(await countRows(t, ['nfe_events', 'invoices'])).toEqual(before);
  });
});
