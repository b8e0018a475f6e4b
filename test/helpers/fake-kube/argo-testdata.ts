import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { crdDir } from '../argo-crds.ts';

/** Real Application objects from Argo CD, next to the CRDs in the project's fixtures. */
export const argoTestdataDir: string = path.resolve(crdDir, '..', 'testdata');

export const ARGO_TESTDATA = ['application-from-applicationset', 'application-healthy', 'application-degraded'] as const;
export type ArgoTestdataName = (typeof ARGO_TESTDATA)[number];

/** A real object, as parsed from its file (the small ones carry only apiVersion, kind and status). */
export type ArgoTestObject = { apiVersion: string; kind: string; metadata?: Record<string, unknown>; status?: Record<string, unknown> } & Record<string, unknown>;

export async function loadArgoTestdata(dir: string = argoTestdataDir): Promise<Record<ArgoTestdataName, ArgoTestObject>> {
  const entries = await Promise.all(ARGO_TESTDATA.map(async (name) => [name, parse(await readFile(path.join(dir, `${name}.yaml`), 'utf8')) as ArgoTestObject] as const));
  return Object.fromEntries(entries) as Record<ArgoTestdataName, ArgoTestObject>;
}

export interface PreviewApplicationOptions {
  /** The preview id: the Application's name and its `previewd.io/id` label. */
  id: string;
  namespace?: string;
  /** Replaces the real object's status; null leaves none (an Application Argo CD has not reconciled yet). */
  status?: Record<string, unknown> | null;
}

/**
 * A preview Application as previewd's ApplicationSet would make it, built from a real Argo CD object:
 * its spec and status are Argo CD's, its name, namespace, labels and owner are the ApplicationSet's.
 */
export function previewApplication(real: ArgoTestObject, options: PreviewApplicationOptions): { metadata: { name: string; namespace: string } & Record<string, unknown> } & Record<string, unknown> {
  const { metadata: realMetadata = {}, status: realStatus, ...rest } = structuredClone(real);
  const { resourceVersion: _rv, uid: _uid, creationTimestamp: _created, generation: _generation, labels: _labels, ownerReferences, ...metadata } = realMetadata as Record<string, unknown>;
  const owners = Array.isArray(ownerReferences) ? ownerReferences.map((o: Record<string, unknown>) => ({ ...o, name: 'previews' })) : undefined;
  const status = options.status === undefined ? realStatus : options.status;
  return {
    ...rest,
    metadata: {
      ...metadata,
      name: options.id,
      namespace: options.namespace ?? 'argocd',
      labels: { 'app.kubernetes.io/managed-by': 'previewd', 'previewd.io/id': options.id },
      ...(owners ? { ownerReferences: owners } : {}),
    },
    ...(status ? { status: structuredClone(status) } : {}),
  };
}
