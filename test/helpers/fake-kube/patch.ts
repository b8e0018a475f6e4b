/** A patch the API server cannot apply (it answers 422, or 400 for a malformed JSON patch). */
export class PatchError extends Error {
  override name = 'PatchError';
  constructor(message: string, readonly status: 400 | 422, options?: ErrorOptions) {
    super(message, options);
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 7386 JSON merge patch: objects merge key by key, `null` removes a key, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchError(`invalid JSON pointer "${path}"`, 400);
  return path.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: unknown, tokens: string[], path: string): [Record<string, unknown> | unknown[], string] {
  let node: unknown = doc;
  for (const token of tokens.slice(0, -1)) {
    node = Array.isArray(node) ? node[Number(token)] : isObject(node) ? node[token] : undefined;
    if (node === undefined) throw new PatchError(`doc is missing path: "${path}"`, 422);
  }
  if (!Array.isArray(node) && !isObject(node)) throw new PatchError(`doc is missing path: "${path}"`, 422);
  return [node, tokens[tokens.length - 1] ?? ''];
}

function read(doc: unknown, path: string): unknown {
  const tokens = pointer(path);
  if (tokens.length === 0) return doc;
  const [parent, key] = parentOf(doc, tokens, path);
  const value = Array.isArray(parent) ? parent[Number(key)] : parent[key];
  if (value === undefined) throw new PatchError(`doc is missing path: "${path}"`, 422);
  return value;
}

function remove(doc: unknown, path: string): unknown {
  const [parent, key] = parentOf(doc, pointer(path), path);
  const value = read(doc, path);
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete parent[key];
  return value;
}

function add(doc: unknown, path: string, value: unknown, replace: boolean): unknown {
  const tokens = pointer(path);
  if (tokens.length === 0) return structuredClone(value);
  const [parent, key] = parentOf(doc, tokens, path);
  if (replace) read(doc, path);
  if (Array.isArray(parent)) {
    const index = key === '-' ? parent.length : Number(key);
    if (!Number.isInteger(index) || index < 0 || index > parent.length) throw new PatchError(`index out of range: "${path}"`, 422);
    parent.splice(index, replace ? 1 : 0, structuredClone(value));
  } else {
    parent[key] = structuredClone(value);
  }
  return doc;
}

/** RFC 6902 JSON patch: a list of add, remove, replace, move, copy and test operations. */
export function jsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) throw new PatchError('json: cannot unmarshal object into Go value of type jsonpatch.Patch', 400);
  let doc = structuredClone(target);
  for (const op of operations as { op?: string; path?: string; from?: string; value?: unknown }[]) {
    const path = op.path ?? '';
    switch (op.op) {
      case 'add': doc = add(doc, path, op.value, false); break;
      case 'replace': doc = add(doc, path, op.value, true); break;
      case 'remove': remove(doc, path); break;
      case 'move': doc = add(doc, path, remove(doc, op.from ?? ''), false); break;
      case 'copy': doc = add(doc, path, read(doc, op.from ?? ''), false); break;
      case 'test':
        if (JSON.stringify(read(doc, path)) !== JSON.stringify(op.value)) throw new PatchError(`testing value ${path} failed`, 422);
        break;
      default: throw new PatchError(`Unexpected kind: ${String(op.op)}`, 400);
    }
  }
  return doc;
}
