/**
 * Just enough of Go's text/template, as Argo CD's ApplicationSet controller runs it with `goTemplate: true`
 * and `goTemplateOptions: ["missingkey=error"]`, to render the ApplicationSet's template in a test.
 * Only the form the ApplicationSet uses is supported, `{{ .a.b }}`; any other action throws, so that a
 * template growing a pipeline or a function is not silently left unrendered here.
 */

const ACTION_RE = /\{\{(.*?)\}\}/gs;
const FIELD_CHAIN_RE = /^\s*((?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s*$/;

/** Every `.a.b` the template refers to, in string values and map keys, in order of appearance. */
export function templateReferences(value: unknown): string[] {
  if (typeof value === 'string') return [...value.matchAll(ACTION_RE)].map((m) => fieldChain(m[1] as string));
  if (Array.isArray(value)) return value.flatMap(templateReferences);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [...templateReferences(k), ...templateReferences(v)]);
  return [];
}

/** The value `ref` (`.a.b`) names in `params`; throws as Go does with missingkey=error. */
export function lookupParam(params: Record<string, unknown>, ref: string): unknown {
  let current: unknown = params;
  for (const key of ref.slice(1).split('.')) {
    if (current === null || current === undefined) throw new Error(`template: nil pointer evaluating interface {}.${key}`);
    if (typeof current !== 'object' || Array.isArray(current)) throw new Error(`template: can't evaluate field ${key} in type ${goTypeName(current)}`);
    if (!Object.hasOwn(current, key)) throw new Error(`template: map has no entry for key "${key}"`);
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * Renders every string (Argo CD templates map keys too) of `value` with `params`, the way the
 * controller does: field by field, so that a parameter's text is inserted as it is and never
 * evaluated again, whatever `{{` or quotes it holds.
 */
export function renderTemplate(value: unknown, params: Record<string, unknown>): unknown {
  if (typeof value === 'string') return value.replace(ACTION_RE, (_match, action: string) => goPrint(lookupParam(params, fieldChain(action))));
  if (Array.isArray(value)) return value.map((v) => renderTemplate(v, params));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [renderTemplate(k, params) as string, renderTemplate(v, params)]));
  }
  return value;
}

function fieldChain(action: string): string {
  const chain = FIELD_CHAIN_RE.exec(action)?.[1];
  if (chain === undefined) throw new Error(`unsupported template action {{${action}}}: only {{ .a.b }} is modelled`);
  return chain;
}

/**
 * What `{{ . }}` prints for a value decoded from JSON (Go's fmt %v): strings as they are, null as
 * `<no value>`, numbers as float64, which is why the template must never use `{{ .pr }}`.
 */
export function goPrint(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '<no value>';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return goFloat(value);
  return fmtValue(value);
}

/** fmt's %v inside a slice or map, where nil prints as `<nil>`. */
function fmtValue(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(fmtValue).join(' ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([k, v]) => `${k}:${fmtValue(v)}`).join(' ')}]`;
  }
  return goPrint(value);
}

/** Go's %v of a float64: shortest digits, exponent form when the exponent is below -4 or at least 6. */
function goFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const [mantissa, exponent] = n.toExponential().split('e') as [string, string];
  const exp = Number(exponent);
  if (exp >= -4 && exp < 6) return String(n);
  return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

function goTypeName(value: unknown): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'float64';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return '[]interface {}';
  return 'interface {}';
}
