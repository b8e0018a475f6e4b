import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { crdDir } from '../argo-crds.ts';

/** A printer column as a CRD declares it (`additionalPrinterColumns`): what `kubectl get` shows. */
export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  format?: string;
  priority?: number;
}

/** One served resource of the fake, described the way its CRD describes it. */
export interface ResourceType {
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  shortNames: string[];
  categories: string[];
  namespaced: boolean;
  printerColumns: PrinterColumn[];
  /** With a status subresource, writes to the main resource leave `.status` alone (and vice versa). */
  statusSubresource: boolean;
}

interface CrdDocument {
  spec: {
    group: string;
    scope: 'Namespaced' | 'Cluster';
    names: { plural: string; singular?: string; kind: string; listKind?: string; shortNames?: string[]; categories?: string[] };
    versions: { name: string; served: boolean; additionalPrinterColumns?: PrinterColumn[]; subresources?: { status?: object } }[];
  };
}

/** The resource types a CRD serves (one per served version). */
export function resourceTypesOf(crd: CrdDocument): ResourceType[] {
  const { group, names, scope } = crd.spec;
  return crd.spec.versions.filter((v) => v.served).map((v) => ({
    group,
    version: v.name,
    plural: names.plural,
    singular: names.singular ?? names.kind.toLowerCase(),
    kind: names.kind,
    listKind: names.listKind ?? `${names.kind}List`,
    shortNames: names.shortNames ?? [],
    categories: names.categories ?? [],
    namespaced: scope === 'Namespaced',
    printerColumns: v.additionalPrinterColumns ?? [],
    statusSubresource: v.subresources?.status !== undefined,
  }));
}

/**
 * The Argo CD resource types (Application, ApplicationSet, AppProject) read from the real CRDs in the
 * project's fixtures (test/fixtures/argo-cd), so that discovery, printer columns and subresources are Argo CD's own.
 */
export async function loadArgoResourceTypes(dir: string = crdDir): Promise<ResourceType[]> {
  const files = ['application-crd.yaml', 'applicationset-crd.yaml', 'appproject-crd.yaml'];
  const crds = await Promise.all(files.map(async (file) => parse(await readFile(path.join(dir, file), 'utf8')) as CrdDocument));
  return crds.flatMap(resourceTypesOf);
}
