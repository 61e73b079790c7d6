/**
 * The domain names of NF-e fields, for error messages and warnings: an operator looks for "access
 * key", not `infNFe/@Id`. A field reads `access key (infNFe/@Id)`: the concept first, the path beside it.
 */
import { type FieldProblem, InvalidInputError } from '../errors.js';

/** By the last segments of the path; the longest match wins (`infProt/chNFe` before `chNFe`). */
const FIELD_NAMES: ReadonlyMap<string, string> = new Map([
  ['infNFe/@Id', 'access key'],
  ['infProt/chNFe', 'access key of the protocol'],
  ['infEvento/chNFe', 'access key of the event'],
  ['chNFe', 'access key'],
  ['infNFe/@versao', 'layout version'],
  ['infNFe', 'invoice'],
  ['nfeProc/NFe', 'invoice'],
  ['ide', 'identification'],
  ['ide/cUF', 'state code'],
  ['ide/mod', 'model'],
  ['ide/serie', 'series'],
  ['ide/nNF', 'number'],
  ['ide/dhEmi', 'issue date'],
  ['ide/dEmi', 'issue date'],
  ['ide/tpEmis', 'issue mode'],
  ['ide/cNF', 'random code'],
  ['emit/CNPJ', 'CNPJ of the emitter'],
  ['emit/CPF', 'CPF of the emitter'],
  ['protNFe', 'protocol'],
  ['protNFe/infProt', 'protocol'],
  ['infProt/cStat', 'protocol status'],
  ['infProt/nProt', 'protocol number'],
  ['evento/infEvento', 'event'],
  ['retEvento/infEvento', 'event return'],
  ['nfeProc/retEvento', 'embedded event'],
  ['procEventoNFe', 'event'],
  ['retEvento', 'event return'],
  ['tpEvento', 'event type'],
  ['nSeqEvento', 'event sequence'],
  ['retConsSitNFe', 'consult-situation answer'],
  ['retEnviNFe', 'batch answer'],
  ['retConsReciNFe', 'batch-receipt answer'],
  ['retEnvEvento', 'event batch answer'],
]);

const INDEX = /\[\d+\]/g;

/** The concept of an NF-e path, or undefined when the table does not know it. */
export function fieldConcept(path: string): string | undefined {
  const segments = path.replace(INDEX, '').split('/');
  for (let i = 0; i < segments.length; i++) {
    const name = FIELD_NAMES.get(segments.slice(i).join('/'));
    if (name !== undefined) return name;
  }
  return undefined;
}

/** `access key (infNFe/@Id)`; an unknown path stays as it is. */
export function nfeField(path: string): string {
  const concept = fieldConcept(path);
  return concept === undefined ? path : `${concept} (${path})`;
}

export function nfeProblem(path: string, message: string): FieldProblem {
  return { field: nfeField(path), message };
}

/** An invalid-input error about one NF-e field, named as `nfeField` names it. */
export function nfeError(path: string, message: string): InvalidInputError {
  return InvalidInputError.field(nfeField(path), message);
}
