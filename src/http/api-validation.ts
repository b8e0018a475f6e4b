import { Ajv, type ErrorObject } from 'ajv';
import type { FastifyError, FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';

// Where a validation error was found; fastify's own name for it is not exported from its entry point.
type SchemaErrorDataVar = NonNullable<FastifyError['validationContext']>;

/**
 * The preview API's validator compiler. The path and headers are text, so their values are coerced
 * (`"42"` → 42) as Fastify does by default; a JSON body is not, so that `{"for": 48}` is a 400 that
 * says "must be string" instead of passing as "48". `verbose` keeps each error's schema, whose
 * description says what is expected. One per plugin instance: Ajv caches what it compiled.
 */
export function apiValidatorCompiler(): FastifySchemaCompiler<object> {
  const base = { useDefaults: true, removeAdditional: false, allErrors: false, verbose: true, strict: false } as const;
  const text = new Ajv({ ...base, coerceTypes: 'array' });
  const json = new Ajv({ ...base, coerceTypes: false });
  return ({ schema, httpPart }) => (httpPart === 'body' ? json : text).compile(schema);
}

const PLACES: Record<SchemaErrorDataVar, string> = { params: 'path parameter', body: 'body field', querystring: 'query parameter', headers: 'header' };

function describe(schema: unknown): string {
  const description = (schema as { description?: unknown } | undefined)?.description;
  return typeof description === 'string' ? `: ${description}` : '';
}

/**
 * One sentence for the first validation error that names the field, what is wrong, and what it should
 * be, e.g. `path parameter "pr" must be >= 1: the pull request number, 1 to 2147483647`. The app's error
 * handler sends it as `{ error: 'bad_request', message }`.
 */
export function formatApiValidationErrors(errors: FastifySchemaValidationError[], dataVar: SchemaErrorDataVar): Error {
  const err = errors[0] as (FastifySchemaValidationError & Partial<ErrorObject>) | undefined;
  if (!err) return new Error(`the request's ${dataVar} is not valid`);
  const params = (err.params ?? {}) as { missingProperty?: string; additionalProperty?: string };
  const field = err.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const place = PLACES[dataVar];
  if (err.keyword === 'required' && params.missingProperty) {
    const properties = (err.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
    const name = field ? `${field}.${params.missingProperty}` : params.missingProperty;
    return new Error(`${place} "${name}" is required${describe(properties?.[params.missingProperty])}`);
  }
  if (err.keyword === 'additionalProperties' && params.additionalProperty) {
    const known = Object.keys((err.parentSchema as { properties?: object } | undefined)?.properties ?? {});
    return new Error(`${place} "${params.additionalProperty}" is not one previewd knows${known.length ? `: send only ${known.map((k) => `"${k}"`).join(', ')}` : ''}`);
  }
  if (field === '') {
    return new Error(`the ${dataVar === 'body' ? 'body' : `request's ${dataVar}`} ${err.message ?? 'is not valid'}${dataVar === 'body' ? ': send a JSON object (Content-Type: application/json)' : ''}`);
  }
  return new Error(`${place} "${field}" ${err.message ?? 'is not valid'}${describe(err.parentSchema)}`);
}
