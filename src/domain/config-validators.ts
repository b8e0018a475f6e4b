import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { pointerSegment, type ConfigProblem } from './config-problem.ts';

/** The three JSON Schemas in `schema/`, parsed; loaded by the caller (see src/assets). */
export interface ConfigSchemas {
  service: object;
  previewConfig: object;
  previewJson: object;
}

/** Validates a parsed file; fills in schema defaults in place; returns every problem found. */
export type SchemaCheck = (file: string, data: unknown) => ConfigProblem[];

export interface ConfigValidators {
  service: SchemaCheck;
  previewConfig: SchemaCheck;
  previewJson: SchemaCheck;
}

/** Compiles the schemas once; call at start-up and pass the result around. */
export function createConfigValidators(schemas: ConfigSchemas): ConfigValidators {
  const ajv = new Ajv2020({ allErrors: true, verbose: true, useDefaults: true, strict: true, allowUnionTypes: true });
  addFormats.default(ajv);
  return {
    service: toCheck(ajv.compile(schemas.service)),
    previewConfig: toCheck(ajv.compile(schemas.previewConfig)),
    previewJson: toCheck(ajv.compile(schemas.previewJson)),
  };
}

function toCheck(validate: ValidateFunction): SchemaCheck {
  return (file, data) => {
    if (validate(data)) return [];
    const problems = (validate.errors ?? []).map((error) => toProblem(file, error));
    // allErrors reports some failures twice (a pattern and a format on one value): keep one per path.
    const seen = new Set<string>();
    return problems.filter((p) => {
      const key = `${p.path}\u0000${p.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  };
}

/** Turns one Ajv error into words a PR author can act on. */
export function toProblem(file: string, error: ErrorObject): ConfigProblem {
  const path = error.instancePath;
  const parent = (error.parentSchema ?? {}) as { description?: string; properties?: Record<string, unknown> };
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys(parent.properties ?? {});
      return {
        file,
        path: `${path}/${pointerSegment(key)}`,
        message: `unknown setting ${JSON.stringify(key)}`,
        accepted: known.length > 0 ? `one of ${known.join(', ')}` : 'no other settings',
      };
    }
    case 'required': {
      const key = String(params.missingProperty);
      return { file, path: `${path}/${pointerSegment(key)}`, message: `${JSON.stringify(key)} is required`, accepted: `a value for ${key}` };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      return { file, path, message: `${JSON.stringify(error.data)} is not allowed here`, accepted: `one of ${allowed.join(', ')}` };
    }
    case 'type':
      return { file, path, message: `expected ${String(params.type)}, found ${describe(error.data)}`, accepted: `a ${String(params.type)}` };
    case 'pattern':
    case 'format':
      return {
        file,
        path,
        message: `${JSON.stringify(error.data)} is not valid here`,
        accepted: parent.description ?? (error.keyword === 'format' ? `a ${String(params.format)}` : `text matching ${String(params.pattern)}`),
      };
    case 'uniqueItems':
      return { file, path, message: `items ${String(params.j)} and ${String(params.i)} are the same`, accepted: 'each item once' };
    default:
      // minimum, maximum, minItems, maxLength, …: Ajv's own words are precise ("must be <= 100").
      return { file, path, message: `${describe(error.data)} ${error.message ?? 'is not valid'}`, accepted: `a value that ${error.message ?? 'matches the schema'}` };
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return JSON.stringify(value) ?? String(value);
}
