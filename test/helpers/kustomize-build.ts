import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

const run = promisify(execFile);

/** A Kubernetes object as kustomize prints it; tests read fields loosely and assert on them. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // Tests walk into spec/data with their own narrowing.
  [field: string]: unknown;
}

/** Runs the real `kubectl kustomize DIR` (offline) and parses its output into objects. */
export async function kustomizeBuild(dir: string): Promise<K8sObject[]> {
  let stdout: string;
  try {
    ({ stdout } = await run('kubectl', ['kustomize', dir], { maxBuffer: 64 * 1024 * 1024 }));
  } catch (err) {
    const stderr = (err as { stderr?: unknown }).stderr;
    throw new Error(`kubectl kustomize ${dir} failed: ${typeof stderr === 'string' ? stderr : String(err)}`, { cause: err });
  }
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(stdout)) {
    if (doc.errors.length > 0) throw new Error(`kubectl kustomize ${dir} printed invalid YAML: ${doc.errors[0]?.message}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    objects.push(value as K8sObject);
  }
  return objects;
}

/** `kind/name` for messages. */
export function describe(obj: K8sObject): string {
  return `${obj.kind}/${obj.metadata.name}`;
}
