import fs from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { closeObjects } from './closed-schema.js';
import { SP_API_MODEL } from './fixture-files.js';

/**
 * Amazon's own examples of getInvoicesAttributes carry a `description` beside each `value` that the
 * model's AttributeOption omits; we return it too, so the model is widened by exactly that field.
 */
function widenAttributeOption(definitions: Record<string, { properties?: Record<string, unknown> }>) {
  const option = definitions.AttributeOption;
  if (option?.properties) option.properties.description = { type: 'string' };
  return definitions;
}

/** Amazon's model, parsed (a fresh copy per call: callers may change it). */
export function readSpApiModel(): {
  definitions: object;
  paths: Record<string, Record<string, unknown>>;
} {
  return JSON.parse(fs.readFileSync(SP_API_MODEL, 'utf8'));
}

let ajv: Ajv | undefined;
const cache = new Map<string, ValidateFunction>();

/** Validates a response body against a definition of Amazon's InvoicesApiModel_2024-06-19.json. */
export function validateSpApi(definition: string, body: unknown): string[] {
  if (!ajv) {
    const model = readSpApiModel();
    ajv = new Ajv({ strict: false, allErrors: true });
    (addFormats as unknown as (a: Ajv) => void)(ajv);
    ajv.addSchema({
      $id: 'model',
      definitions: widenAttributeOption(closeObjects(model.definitions) as never),
    });
  }
  let validate = cache.get(definition);
  if (!validate) {
    validate = ajv.compile({ $ref: `model#/definitions/${definition}` });
    cache.set(definition, validate);
  }
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
