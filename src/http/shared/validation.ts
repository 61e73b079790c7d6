import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { type FieldProblem, InvalidInputError } from '../../core/errors.js';

/**
 * Two compilers: query strings and paths are coerced (they are all strings on the wire), bodies are
 * not, so `{"name": 123}` is a type error rather than "123". Unknown properties are errors, not
 * silently dropped, wherever a schema says `additionalProperties: false`.
 */
function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({
    coerceTypes: coerce ? 'array' : false,
    removeAdditional: false,
    useDefaults: true,
    allErrors: true,
    strict: false,
  });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  return ajv;
}

const coercing = makeAjv(true);
const strict = makeAjv(false);

export function installValidators(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? strict : coercing).compile(schema as FastifySchema & object),
  );
}

/** Turns Ajv errors into field problems: `query.pageSize: must be <= 200`. */
export function problemsFromValidation(errors: ErrorObject[], context: string | undefined): FieldProblem[] {
  const prefix = context ?? 'request';
  return errors.map((e) => {
    const path = e.instancePath
      .split('/')
      .slice(1)
      .map((seg) => (/^\d+$/.test(seg) ? `[${seg}]` : `.${seg.replace(/~1/g, '/').replace(/~0/g, '~')}`))
      .join('');
    if (e.keyword === 'additionalProperties') {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      return { field: `${prefix}${path}.${extra}`, message: 'is not a known parameter' };
    }
    if (e.keyword === 'required') {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      return { field: `${prefix}${path}.${missing}`, message: 'is required' };
    }
    if (e.keyword === 'enum') {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      return { field: `${prefix}${path}`, message: `must be one of ${allowed.join(', ')}` };
    }
    return { field: `${prefix}${path}`, message: e.message ?? 'is invalid' };
  });
}

const compiled = new WeakMap<object, ReturnType<Ajv['compile']>>();

/** Validates a value against a schema by hand (for bodies whose shape depends on their content). */
export function checkAgainst<T>(schema: object, value: unknown, context = 'body'): T {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = strict.compile(schema);
    compiled.set(schema, validate);
  }
  if (!validate(value)) {
    const problems = problemsFromValidation(validate.errors ?? [], context);
    throw new InvalidInputError(problems.map((p) => `${p.field} ${p.message}`).join('; '), problems);
  }
  return value as T;
}
