import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { OpenApiDocument } from './openapi-router.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// Annotations that carry no constraint and may hold `$ref`-looking data (examples) are left out.
const DROPPED = new Set(['example', 'examples', 'description', 'discriminator', 'x-github', 'externalDocs']);

/**
 * Turns an OpenAPI 3.0 schema into a standalone JSON Schema for Ajv: the `#/components/schemas/...` it
 * reaches are copied under `definitions` (only those, not the 13 MB document), and OpenAPI's `nullable`
 * becomes `anyOf [..., null]`, which also works where `nullable` sits without `type` (Ajv refuses that).
 */
export function standaloneSchema(document: OpenApiDocument, schema: unknown): Record<string, Json> {
  const definitions: Record<string, Json> = {};
  const components = document.components.schemas as Record<string, Json>;

  function convert(node: Json): Json {
    if (Array.isArray(node)) return node.map(convert);
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, Json> = {};
    for (const [key, value] of Object.entries(node)) {
      if (DROPPED.has(key)) continue;
      if (key === '$ref' && typeof value === 'string') {
        const name = value.replace('#/components/schemas/', '');
        if (!(name in definitions)) {
          definitions[name] = true; // placeholder: a schema may refer to itself
          definitions[name] = convert(components[name] ?? {});
        }
        out.$ref = `#/definitions/${name}`;
      } else if ((key === 'properties' || key === 'patternProperties') && value && typeof value === 'object' && !Array.isArray(value)) {
        // Property names are data, not keywords: a property may be called `nullable` or `$ref`.
        out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, convert(sub)]));
      } else if (key === 'enum' || key === 'required' || key === 'default' || key === 'const') {
        out[key] = value;
      } else {
        out[key] = convert(value);
      }
    }
    if (out.nullable === undefined) return out;
    const nullable = out.nullable === true;
    delete out.nullable;
    if (!nullable) return out;
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return { anyOf: [out, { type: 'null' }] };
  }

  const root = convert(schema as Json);
  const base = root !== null && typeof root === 'object' && !Array.isArray(root) ? root : { const: root };
  return { ...base, definitions };
}

/** An Ajv for GitHub's schemas: every error, formats checked, OpenAPI annotations tolerated. */
export function createGitHubAjv(options: { coerceTypes?: boolean | 'array' } = {}): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes: options.coerceTypes ?? false });
  addFormats.default(ajv);
  // Formats GitHub's description uses beyond JSON Schema's: documentation, not constraints.
  for (const format of ['repo.nwo', 'timestamp']) ajv.addFormat(format, true);
  // GitHub sends "" for a URL never set (a deployment status's target_url, log_url, environment_url),
  // where its description says `format: uri`.
  const uri = addFormats.default.get('uri');
  ajv.addFormat('uri', { type: 'string', validate: (value: string) => value === '' || (typeof uri === 'function' ? uri(value) : uri instanceof RegExp ? uri.test(value) : true) });
  return ajv;
}

/** Ajv errors as one readable line each: `/path: message`. */
export function describeErrors(where: string, errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const at = `${where}${e.instancePath}`;
    if (e.keyword === 'required') return `${at}: "${String(e.params.missingProperty)}" wasn't supplied`;
    if (e.keyword === 'enum') return `${at}: ${e.message ?? 'not allowed'} (${JSON.stringify(e.params.allowedValues)})`;
    return `${at}: ${e.message ?? e.keyword}`;
  });
}
