import { isAlias, isCollection, isPair, isScalar, LineCounter, parseDocument, visit } from 'yaml';
import { pointerSegment, type Checked, type ConfigProblem } from './config-problem.ts';

/** Config files are small; a cap keeps a hostile `.github/preview.yaml` from costing memory or time. */
export const MAX_CONFIG_BYTES = 64 * 1024;

/**
 * Parses one YAML config file into plain data. Only what a config needs is accepted: one document, plain
 * YAML 1.2 core types. Aliases (billion-laughs expansion) and explicit tags (`!!binary`, custom `!foo`)
 * are refused as problems rather than silently resolved, and duplicate keys are errors.
 */
export function parseYamlSource(file: string, text: string): Checked<unknown> {
  if (Buffer.byteLength(text, 'utf8') > MAX_CONFIG_BYTES) {
    return refuse(file, '', `the file is larger than ${MAX_CONFIG_BYTES} bytes`, `a file of at most ${MAX_CONFIG_BYTES} bytes`);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { schema: 'core', merge: false, uniqueKeys: true, prettyErrors: false, lineCounter });
  const problems: ConfigProblem[] = [];
  for (const error of [...doc.errors, ...doc.warnings]) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    problems.push({ file, path: '', message: `YAML ${error.code} at line ${line}, column ${col}: ${firstLine(error.message)}`, accepted: 'one plain YAML document' });
  }
  visit(doc, (_key, node, path) => {
    if (isAlias(node)) {
      problems.push({ file, path: pointerOf([...path, node]), message: `YAML alias *${node.source} is not accepted`, accepted: 'the value written out in full' });
    } else if ((isScalar(node) || isCollection(node)) && node.tag !== undefined) {
      problems.push({ file, path: pointerOf([...path, node]), message: `YAML tag ${JSON.stringify(node.tag)} is not accepted`, accepted: 'untagged values (strings, numbers, booleans, lists, maps)' });
    }
  });
  if (problems.length > 0) return { ok: false, problems };
  // An empty file is an empty map: "no settings" rather than an error.
  return { ok: true, value: doc.contents === null ? {} : doc.toJS({ maxAliasCount: 0 }) };
}

function refuse(file: string, path: string, message: string, accepted: string): Checked<never> {
  return { ok: false, problems: [{ file, path, message, accepted }] };
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? text;
}

/** JSON pointer of the node reached by a `visit` path (Document, then collections and pairs). */
function pointerOf(path: readonly unknown[]): string {
  let pointer = '';
  for (let i = 0; i < path.length; i++) {
    const here = path[i];
    const next = path[i + 1];
    if (isPair(here)) {
      const key = isScalar(here.key) ? String(here.key.value) : '?';
      pointer += `/${pointerSegment(key)}`;
    } else if (isCollection(here) && next !== undefined && !isPair(next)) {
      pointer += `/${(here.items as unknown[]).indexOf(next)}`;
    }
  }
  return pointer;
}
