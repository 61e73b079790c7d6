/**
 * SEFAZ's answers around generated documents, in the shapes of the NF-e integration manual (MOC
 * 4.00: retEnviNFe and retConsReciNFe 4.00, retConsSitNFe 4.00, retEnvEvento 1.00). The elements
 * they carry (protNFe, procEventoNFe, retEvento) are cut out of documents src/core/nfe/build.ts
 * generated, byte for byte, as SEFAZ echoes them.
 */
const NS = 'http://www.portalfiscal.inf.br/nfe';
const DECL = '<?xml version="1.0" encoding="UTF-8"?>';

function cut(xml: string, name: string): string {
  const m = new RegExp(`<${name}[ >][\\s\\S]*</${name}>`).exec(xml);
  if (!m) throw new Error(`no <${name}> in the document`);
  return m[0];
}

/** The `protNFe` of a generated nfeProc. */
export const protNFeOf = (nfeProc: string): string => cut(nfeProc, 'protNFe');
/** The `NFe` of a generated nfeProc (what was sent to SEFAZ). */
export const bareNFeOf = (nfeProc: string): string => DECL + cut(nfeProc, 'NFe');
/** The `retEvento` of a generated procEventoNFe. */
export const retEventoOf = (procEvento: string): string => cut(procEvento, 'retEvento');
/** The `procEventoNFe` element of a generated procEventoNFe document (declaration dropped). */
export const procEventoOf = (procEvento: string): string => cut(procEvento, 'procEventoNFe');

/** Answer to a synchronous batch (indSinc 1): the protocol comes back at once. */
export function retEnviNFe(protNFe: string, cUF = '35'): string {
  return (
    `${DECL}<retEnviNFe xmlns="${NS}" versao="4.00"><tpAmb>1</tpAmb><verAplic>SP_NFE_PL009_V4</verAplic>` +
    `<cStat>104</cStat><xMotivo>Lote processado</xMotivo><cUF>${cUF}</cUF>` +
    `<dhRecbto>2026-11-19T07:00:03-03:00</dhRecbto>${protNFe}</retEnviNFe>`
  );
}

/** Answer to an asynchronous batch: only the receipt number. */
export function retEnviNFeReceipt(nRec: string, cUF = '35'): string {
  return (
    `${DECL}<retEnviNFe xmlns="${NS}" versao="4.00"><tpAmb>1</tpAmb><verAplic>SP_NFE_PL009_V4</verAplic>` +
    `<cStat>103</cStat><xMotivo>Lote recebido com sucesso</xMotivo><cUF>${cUF}</cUF>` +
    `<dhRecbto>2026-11-19T07:00:03-03:00</dhRecbto><infRec><nRec>${nRec}</nRec><tMed>1</tMed></infRec></retEnviNFe>`
  );
}

/** The result of an asynchronous batch. */
export function retConsReciNFe(protNFes: string[], cUF = '35'): string {
  return (
    `${DECL}<retConsReciNFe xmlns="${NS}" versao="4.00"><tpAmb>1</tpAmb><verAplic>SP_NFE_PL009_V4</verAplic>` +
    `<nRec>351000000000042</nRec><cStat>104</cStat><xMotivo>Lote processado</xMotivo><cUF>${cUF}</cUF>` +
    `<dhRecbto>2026-11-19T07:00:05-03:00</dhRecbto>${protNFes.join('')}</retConsReciNFe>`
  );
}

/** The situation of one key: its protocol and the events registered for it. */
export function retConsSitNFe(accessKey: string, protNFe: string, events: string[] = []): string {
  return (
    `${DECL}<retConsSitNFe xmlns="${NS}" versao="4.00"><tpAmb>1</tpAmb><verAplic>SP_NFE_PL009_V4</verAplic>` +
    `<cStat>100</cStat><xMotivo>Autorizado o uso da NF-e</xMotivo><cUF>${accessKey.slice(0, 2)}</cUF>` +
    `<dhRecbto>2026-11-20T09:00:00-03:00</dhRecbto><chNFe>${accessKey}</chNFe>${protNFe}${events.join('')}</retConsSitNFe>`
  );
}

/** SEFAZ's answer to a batch of events. */
export function retEnvEvento(retEventos: string[]): string {
  return (
    `${DECL}<retEnvEvento xmlns="${NS}" versao="1.00"><idLote>42</idLote><tpAmb>1</tpAmb>` +
    '<verAplic>SP_EVENTOS_PL_100</verAplic><cOrgao>35</cOrgao><cStat>128</cStat>' +
    `<xMotivo>Lote de Evento Processado</xMotivo>${retEventos.join('')}</retEnvEvento>`
  );
}
