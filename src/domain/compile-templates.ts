import { parseDocument, type Document } from 'yaml';
import { InvalidTemplateError, parseAddonSizes, type AddonSizes } from './addon-sizes.ts';

/** The text of the files in `templates/`, as read from disk. */
export interface TemplateTexts {
  kustomization: string;
  namespace: string;
  addons: string;
}

/**
 * The templates, parsed and checked once at start: each render works on a clone of the parsed
 * documents (parsing them again for every render cost a quarter of an update's time).
 */
export interface RenderTemplates {
  kustomization: Document;
  namespace: Document;
  addonSizes: AddonSizes;
}

/** Parses and checks `templates/*.yaml`; a broken template throws InvalidTemplateError naming the file. */
export function compileTemplates(texts: TemplateTexts): RenderTemplates {
  return {
    kustomization: templateDocument(texts.kustomization, 'Kustomization', 'templates/kustomization.yaml'),
    namespace: templateDocument(texts.namespace, 'Namespace', 'templates/namespace.yaml'),
    addonSizes: parseAddonSizes(texts.addons),
  };
}

function templateDocument(text: string, kind: string, file: string): Document {
  const doc = parseDocument(text);
  if (doc.errors.length > 0 || doc.get('kind') !== kind) {
    throw new InvalidTemplateError(`${file} is not a ${kind} in YAML`, { cause: doc.errors[0] });
  }
  return doc;
}
