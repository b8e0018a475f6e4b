import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { describe, type K8sObject } from './kustomize-build.ts';

/** The real Argo CD CRDs, copied into the project's fixtures (test/fixtures/argo-cd/README.md says from which version). */
export const crdDir: string = path.resolve(fileURLToPath(new URL('../../', import.meta.url)), 'test', 'fixtures', 'argo-cd', 'crds');

export type JsonSchema = Record<string, unknown> & {
  type?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
};

export interface CrdVersion {
  validate: ValidateFunction;
  schema: JsonSchema;
}

/** Compiles every served version of every CRD in the reference directory, keyed by `group/version/Kind`. */
export async function loadCrds(dir: string = crdDir): Promise<Map<string, CrdVersion>> {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  // Kubernetes formats and structural-schema extensions: known to the API server, not to JSON Schema.
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  for (const keyword of [
    'x-kubernetes-preserve-unknown-fields',
    'x-kubernetes-int-or-string',
    'x-kubernetes-list-type',
    'x-kubernetes-list-map-keys',
    'x-kubernetes-map-type',
    'x-kubernetes-embedded-resource',
    'x-kubernetes-validations',
  ]) {
    ajv.addKeyword(keyword);
  }
  const crds = new Map<string, CrdVersion>();
  for (const file of await readdir(dir)) {
    if (!file.endsWith('.yaml')) continue;
    const crd = parse(await readFile(path.join(dir, file), 'utf8')) as {
      spec: { group: string; names: { kind: string }; versions: { name: string; served: boolean; schema: { openAPIV3Schema: JsonSchema } }[] };
    };
    for (const version of crd.spec.versions.filter((v) => v.served)) {
      const schema = version.schema.openAPIV3Schema;
      crds.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, { validate: ajv.compile(schema), schema });
    }
  }
  return crds;
}

/**
 * Fields the API server would drop because the structural schema does not know them: a misspelt
 * field passes JSON Schema validation (CRD schemas allow extra properties) and then silently vanishes.
 */
export function unknownFields(schema: JsonSchema, value: unknown, at: string): string[] {
  if (Array.isArray(value)) return schema.items ? value.flatMap((v, i) => unknownFields(schema.items as JsonSchema, v, `${at}/${i}`)) : [];
  if (value === null || typeof value !== 'object') return [];
  const problems: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    const known = schema.properties?.[key] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
    if (known) problems.push(...unknownFields(known, child, `${at}/${key}`));
    else if (!schema['x-kubernetes-preserve-unknown-fields'] && schema.additionalProperties !== true) problems.push(`${at}/${key}`);
  }
  return problems;
}

/** Everything the CRD's schema says is wrong with `obj`, or an empty list. */
export function crdProblems(crds: Map<string, CrdVersion>, obj: K8sObject): string[] {
  const crd = crds.get(`${obj.apiVersion}/${obj.kind}`);
  if (!crd) return [`${describe(obj)}: no CRD for ${obj.apiVersion} ${obj.kind}`];
  const problems = crd.validate(obj) ? [] : (crd.validate.errors ?? []).map((e) => `${describe(obj)}${e.instancePath}: ${e.message}`);
  // metadata is validated by the API server itself, not by the CRD's schema.
  const { metadata: _metadata, ...rest } = obj;
  problems.push(...unknownFields(crd.schema, rest, '').map((p) => `${describe(obj)}${p}: unknown field`));
  return problems;
}
