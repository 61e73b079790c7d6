import fs from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { closeObjects } from './closed-schema.js';
import { fixturePath } from './fixture-files.js';

export const KAUFLAND_MODEL = fixturePath('kaufland', 'order-invoices.openapi.json');

/** The order-invoice excerpt of Kaufland's Seller API v2 document, parsed (a fresh copy per call). */
export function readKauflandModel(): {
  info: { version: string };
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, unknown> };
} {
  return JSON.parse(fs.readFileSync(KAUFLAND_MODEL, 'utf8'));
}

let ajv: Ajv | undefined;
const cache = new Map<string, ValidateFunction>();

/**
 * Validates a body against a schema of `components.schemas` (`ErrorResponse`,
 * `ApiResponse_OrderInvoice_`, …), every object closed to fields the document does not list.
 */
export function validateKaufland(schema: string, body: unknown): string[] {
  if (!ajv) {
    ajv = new Ajv({ strict: false, allErrors: true });
    (addFormats as unknown as (a: Ajv) => void)(ajv);
    ajv.addSchema({
      $id: 'kaufland',
      components: { schemas: closeObjects(readKauflandModel().components.schemas) },
    });
  }
  let validate = cache.get(schema);
  if (!validate) {
    if (!(schema in readKauflandModel().components.schemas)) throw new Error(`no schema ${schema}`);
    validate = ajv.compile({ $ref: `kaufland#/components/schemas/${schema}` });
    cache.set(schema, validate);
  }
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
