/** How a DANFE writes values: Brazilian number and date formats, masked documents and keys. */

const MONEY = new Intl.NumberFormat('pt-BR', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const QUANTITY = new Intl.NumberFormat('pt-BR', { minimumFractionDigits: 4, maximumFractionDigits: 4 });
const PRICE = new Intl.NumberFormat('pt-BR', { minimumFractionDigits: 2, maximumFractionDigits: 4 });

const num = (v: string): number | undefined => {
  const n = Number(v);
  return v.trim() === '' || !Number.isFinite(n) ? undefined : n;
};

/** `1.234,56`; an absent value prints as `0,00` (totals) unless `blank` is asked for. */
export function money(v: string, blank = false): string {
  const n = num(v);
  return n === undefined ? (blank ? '' : '0,00') : MONEY.format(n);
}

export const quantity = (v: string): string => {
  const n = num(v);
  return n === undefined ? '' : QUANTITY.format(n);
};

export const price = (v: string): string => {
  const n = num(v);
  return n === undefined ? '' : PRICE.format(n);
};

/** CNPJ `00.000.000/0000-00` (numeric or alphanumeric), CPF `000.000.000-00`, anything else as is. */
export function taxId(v: string): string {
  if (/^[0-9A-Z]{12}\d{2}$/.test(v)) {
    return `${v.slice(0, 2)}.${v.slice(2, 5)}.${v.slice(5, 8)}/${v.slice(8, 12)}-${v.slice(12)}`;
  }
  if (/^\d{11}$/.test(v)) return `${v.slice(0, 3)}.${v.slice(3, 6)}.${v.slice(6, 9)}-${v.slice(9)}`;
  return v;
}

export const zip = (v: string): string => (/^\d{8}$/.test(v) ? `${v.slice(0, 5)}-${v.slice(5)}` : v);

/** The access key in eleven groups of four digits. */
export const groupedKey = (key: string): string => key.replace(/(.{4})(?=.)/g, '$1 ');

/** `000.047.428`: the invoice number as the manual prints it. */
export const invoiceNumber = (v: string): string =>
  v.padStart(9, '0').replace(/^(\d{3})(\d{3})(\d{3})$/, '$1.$2.$3');

export const seriesNumber = (v: string): string => v.padStart(3, '0');

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}:\d{2}:\d{2}))?/;

/** `dd/mm/yyyy` of an NF-e date-time, in the issuer's local time as written. */
export function date(v: string): string {
  const m = DATE_TIME.exec(v);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
}

export function time(v: string): string {
  return DATE_TIME.exec(v)?.[4] ?? '';
}

export const dateTime = (v: string): string => `${date(v)} ${time(v)}`.trim();

const FREIGHT: Record<string, string> = {
  '0': '0 - Emitente',
  '1': '1 - Destinatário',
  '2': '2 - Terceiros',
  '3': '3 - Próprio Remetente',
  '4': '4 - Próprio Destinatário',
  '9': '9 - Sem Frete',
};
export const freightMode = (v: string): string => FREIGHT[v] ?? v;

const PAYMENT: Record<string, string> = {
  '01': 'Dinheiro',
  '02': 'Cheque',
  '03': 'Cartão de Crédito',
  '04': 'Cartão de Débito',
  '05': 'Crédito Loja',
  '10': 'Vale Alimentação',
  '11': 'Vale Refeição',
  '12': 'Vale Presente',
  '13': 'Vale Combustível',
  '15': 'Boleto Bancário',
  '16': 'Depósito Bancário',
  '17': 'PIX',
  '18': 'Transferência bancária',
  '19': 'Programa de fidelidade',
  '90': 'Sem pagamento',
  '99': 'Outros',
};
export const paymentMethod = (v: string): string => PAYMENT[v] ?? v;
