/** The parts of an OpenAPI 3.0 document the fake reads. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: Record<string, Record<string, unknown>>;
}

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: unknown;
  'x-multi-segment'?: boolean;
}

export interface OpenApiOperation {
  operationId: string;
  parameters?: Array<OpenApiParameter | { $ref: string }>;
  requestBody?: { required?: boolean; content: Record<string, { schema?: unknown }> } | { $ref: string };
  responses: Record<string, unknown>;
}

/** One operation with its `$ref`s to parameters resolved. */
export interface ResolvedOperation {
  method: string;
  template: string;
  operationId: string;
  parameters: OpenApiParameter[];
  raw: OpenApiOperation;
}

export type RouteMatch =
  | { kind: 'found'; operation: ResolvedOperation; params: Record<string, string> }
  | { kind: 'wrong-method'; template: string; allowed: string[] }
  | { kind: 'unknown' };

interface Route {
  template: string;
  regex: RegExp;
  names: string[];
  literalLength: number;
  greedy: number;
  operations: Map<string, ResolvedOperation>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Follows a local `$ref` (`#/components/parameters/owner`). */
export function resolveRef<T>(document: OpenApiDocument, value: T | { $ref: string }): T {
  let current: unknown = value;
  while (current && typeof current === 'object' && typeof (current as { $ref?: unknown }).$ref === 'string') {
    const parts = (current as { $ref: string }).$ref.replace(/^#\//, '').split('/');
    current = parts.reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], document);
  }
  return current as T;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function buildRoute(document: OpenApiDocument, template: string, item: Record<string, OpenApiOperation>): Route {
  const operations = new Map<string, ResolvedOperation>();
  const multiSegment = new Set<string>();
  for (const method of METHODS) {
    const raw = item[method];
    if (!raw) continue;
    const parameters = (raw.parameters ?? []).map((p) => resolveRef<OpenApiParameter>(document, p));
    for (const p of parameters) if (p.in === 'path' && p['x-multi-segment']) multiSegment.add(p.name);
    operations.set(method.toUpperCase(), { method: method.toUpperCase(), template, operationId: raw.operationId, parameters, raw });
  }
  const names: string[] = [];
  let greedy = 0;
  let pattern = '';
  let literalLength = 0;
  for (const piece of template.split(/(\{[^}]+\})/)) {
    const name = /^\{([^}]+)\}$/.exec(piece)?.[1];
    if (name === undefined) {
      pattern += escapeRegex(piece);
      literalLength += piece.length;
      continue;
    }
    names.push(name);
    // `x-multi-segment` parameters (a file path, a ref like heads/main) may arrive with real slashes.
    if (multiSegment.has(name)) greedy += 1;
    pattern += multiSegment.has(name) ? '(.+)' : '([^/]+)';
  }
  return { template, regex: new RegExp(`^${pattern}$`), names, literalLength, greedy, operations };
}

/** Matches a request's method and raw (still percent-encoded) path to the document's operations. */
export interface OpenApiRouter {
  match(method: string, rawPath: string): RouteMatch;
}

export function createOpenApiRouter(document: OpenApiDocument): OpenApiRouter {
  const routes = Object.entries(document.paths).map(([template, item]) => buildRoute(document, template, item));
  return {
    match(method, rawPath) {
      const candidates: Array<{ route: Route; values: string[] }> = [];
      for (const route of routes) {
        const m = route.regex.exec(rawPath);
        if (m) candidates.push({ route, values: m.slice(1) });
      }
      if (candidates.length === 0) return { kind: 'unknown' };
      // The most specific template wins: /commits/{ref}/status over /commits/{ref} with ref = "x/status".
      candidates.sort((a, b) => a.route.greedy - b.route.greedy || b.route.literalLength - a.route.literalLength);
      for (const { route, values } of candidates) {
        const operation = route.operations.get(method.toUpperCase());
        if (!operation) continue;
        const params: Record<string, string> = {};
        try {
          route.names.forEach((name, i) => (params[name] = decodeURIComponent(values[i] ?? '')));
        } catch {
          return { kind: 'unknown' };
        }
        return { kind: 'found', operation, params };
      }
      const best = candidates[0]!.route;
      return { kind: 'wrong-method', template: best.template, allowed: [...best.operations.keys()] };
    },
  };
}
