import { createHash } from 'node:crypto';
import { BRAZIL } from '../marketplaces.js';
import { UF_BY_CUF } from '../nfe/access-key.js';
import { buildNfeXml } from '../nfe/build.js';
import { derivedProtocol } from '../nfe/build-events.js';
import { checkCarrier, rejection, transportXml } from './carrier-rules.js';
import type { InvoiceIssuer, IssueRequest, IssueResult, IssuerSeller } from './issuer.js';

/** The recipient of a remittance: the marketplace's fulfillment center. */
export interface FulfillmentCenter {
  cnpj: string;
  name: string;
  uf: string;
  cityCode: string;
  city: string;
  street: string;
  zip: string;
}

/**
 * Sandbox recipients per marketplace. Brazil: Amazon Serviços de Varejo do Brasil's CNPJ and a
 * fulfillment center in Cajamar (SP); the street is a placeholder.
 */
export const FULFILLMENT_CENTERS: ReadonlyMap<string, FulfillmentCenter> = new Map([
  [
    BRAZIL,
    {
      cnpj: '15436940000103',
      name: 'Amazon Servicos de Varejo do Brasil Ltda',
      uf: 'SP',
      cityCode: '3509205',
      city: 'Cajamar',
      street: 'Centro de distribuicao',
      zip: '07750000',
    },
  ],
]);

/** dest/xNome that SEFAZ requires of every NF-e issued in homologation (tpAmb 2). */
export const HOMOLOGATION_NAME = 'NF-E EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL';

const CUF_BY_UF = new Map([...UF_BY_CUF].map(([cUF, uf]) => [uf, cUF]));

export interface SandboxIssuerOptions {
  /** NF-e series of the remittances (default 1). */
  series?: number;
  /** The sellers' state (sellers carry no address; default SP). */
  emitterUf?: string;
  /** 2 = homologation (default: the documents carry no fiscal value), 1 = production layout. */
  tpAmb?: '1' | '2';
  centers?: ReadonlyMap<string, FulfillmentCenter>;
}

/** Remittance for storage: CFOP 5905 inside the state, 6905 to another state. */
export function remittanceCfop(emitterUf: string, recipientUf: string): '5905' | '6905' {
  return emitterUf === recipientUf ? '5905' : '6905';
}

/**
 * The built-in issuer. It authorizes locally what SEFAZ would authorize and rejects, with SEFAZ's
 * codes, what it would reject in the carrier data (carrier-rules.ts). Deterministic: the same
 * request, number and time give the same bytes, so a re-run after a crash issues no second NF-e.
 */
export class SandboxIssuer implements InvoiceIssuer {
  readonly series: number;
  private readonly emitterUf: string;
  private readonly tpAmb: '1' | '2';
  private readonly centers: ReadonlyMap<string, FulfillmentCenter>;

  constructor(opts: SandboxIssuerOptions = {}) {
    this.series = opts.series ?? 1;
    this.emitterUf = opts.emitterUf ?? 'SP';
    this.tpAmb = opts.tpAmb ?? '2';
    this.centers = opts.centers ?? FULFILLMENT_CENTERS;
    if (!CUF_BY_UF.has(this.emitterUf)) throw new TypeError(`unknown UF ${this.emitterUf}`);
  }

  async issue(req: IssueRequest, seller: IssuerSeller): Promise<IssueResult> {
    const checked = req.carrier ? checkCarrier(req.carrier) : undefined;
    if (checked && !checked.ok) return { ok: false, errors: checked.errors };
    const center = this.centers.get(req.marketplaceId);
    if (!center) {
      const detail = `no fulfillment center is known for marketplace ${req.marketplaceId}`;
      return { ok: false, errors: [rejection('999', detail)] };
    }
    const cUF = CUF_BY_UF.get(this.emitterUf) as string;
    const seed = createHash('sha256')
      .update(`${seller.sellerId}|${req.shipmentId}|${req.series}|${req.number}`)
      .digest();
    let cNF = seed.readUInt32BE(0) % 100_000_000;
    if (cNF === req.number) cNF = (cNF + 1) % 100_000_000;
    const yy = String(req.issuedAt.getUTCFullYear()).slice(2);
    const plan = req.inboundPlanId ? `, plano de envio ${req.inboundPlanId}` : '';
    const built = buildNfeXml({
      cUF,
      issuedAt: req.issuedAt,
      emitter: { cnpj: seller.cnpj, name: seller.name.slice(0, 60), uf: this.emitterUf },
      recipient: {
        cnpj: center.cnpj,
        name: this.tpAmb === '2' ? HOMOLOGATION_NAME : center.name,
        uf: center.uf,
        cityCode: center.cityCode,
        city: center.city,
        street: center.street,
        zip: center.zip,
      },
      series: req.series,
      number: req.number,
      cNF: String(cNF).padStart(8, '0'),
      natOp: 'Remessa para deposito',
      tpAmb: this.tpAmb,
      items: [
        {
          code: req.shipmentId.slice(0, 60),
          description: `Mercadorias do envio ${req.shipmentId}`.slice(0, 120),
          cfop: remittanceCfop(this.emitterUf, center.uf),
          quantity: 1,
          unitPrice: 0,
        },
      ],
      additionalInfo: `Remessa para armazenagem no centro de distribuicao ${center.name}. Envio ${req.shipmentId}${plan}.`,
      outcome: {
        kind: 'authorized',
        protocol: derivedProtocol('1', cUF, yy, seed.readUInt32BE(4) * 4 + req.number),
        at: new Date(req.issuedAt.getTime() + 1000),
      },
    });
    const transport = checked ? transportXml(checked.carrier) : undefined;
    return { ok: true, xml: finishRemittance(built.xml, transport), accessKey: built.accessKey };
  }
}

/**
 * What buildNfeXml does not write for a remittance: the full carrier group (CPF carriers, address,
 * the vehicle's own state) and "no payment" (tPag 90). digVal is recomputed over the final `<NFe>`.
 */
function finishRemittance(xml: string, transport: string | undefined): string {
  let out = xml.replace(/<detPag>.*?<\/detPag>/, '<detPag><tPag>90</tPag><vPag>0.00</vPag></detPag>');
  if (transport) out = out.replace(/<transp>.*?<\/transp>/, () => transport);
  const nfe = out.slice(out.indexOf('<NFe '), out.indexOf('</NFe>') + '</NFe>'.length);
  const digVal = createHash('sha1').update(nfe).digest('base64');
  return out.replace(/<digVal>[^<]*<\/digVal>/, `<digVal>${digVal}</digVal>`);
}
