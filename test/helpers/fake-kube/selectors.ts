/** A parsed label or field selector: every requirement must hold. */
export type Selector = (values: (key: string) => string | undefined) => boolean;

/** A selector the API server would refuse (400 BadRequest). */
export class SelectorError extends Error {
  override name = 'SelectorError';
}

type Requirement = (value: string | undefined) => boolean;

const KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

// Commas separate requirements, except inside the parentheses of `in (a,b)`.
function splitRequirements(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

function checked(key: string, values: string[], selector: string): void {
  if (!KEY.test(key)) throw new SelectorError(`unable to parse requirement: invalid label key "${key}" in "${selector}"`);
  for (const value of values) {
    if (!VALUE.test(value) || value.length > 63) throw new SelectorError(`unable to parse requirement: invalid label value "${value}" in "${selector}"`);
  }
}

function requirement(text: string, selector: string): [string, Requirement] {
  const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(text);
  if (set) {
    const [, key = '', op, list = ''] = set;
    const values = list.split(',').map((v) => v.trim());
    checked(key, values, selector);
    return [key, op === 'in' ? (v) => v !== undefined && values.includes(v) : (v) => v === undefined || !values.includes(v)];
  }
  const compare = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(text);
  if (compare) {
    const [, key = '', op, value = ''] = compare;
    checked(key, [value], selector);
    return [key, op === '!=' ? (v) => v !== value : (v) => v === value];
  }
  const exists = /^(!?)\s*(\S+)$/.exec(text);
  if (exists) {
    const [, not, key = ''] = exists;
    checked(key, [], selector);
    return [key, not ? (v) => v === undefined : (v) => v !== undefined];
  }
  throw new SelectorError(`unable to parse requirement: "${text}" in "${selector}"`);
}

/** Parses a label selector in the API's syntax (`a=b,c!=d,e in (f,g),!h`); empty selects everything. */
export function parseLabelSelector(text: string | null): Selector {
  if (!text || !text.trim()) return () => true;
  const requirements = splitRequirements(text).map((part) => requirement(part, text));
  return (values) => requirements.every(([key, test]) => test(values(key)));
}

/**
 * Parses a field selector. Custom resources support only `metadata.name` and `metadata.namespace`, and
 * only the equality operators, as the API server does.
 */
export function parseFieldSelector(text: string | null): Selector {
  if (!text || !text.trim()) return () => true;
  const requirements = text.split(',').map((part): [string, Requirement] => {
    const match = /^\s*([^!=\s]+)\s*(==|=|!=)\s*(\S*)\s*$/.exec(part);
    if (!match) throw new SelectorError(`invalid field selector: "${part}"`);
    const [, key = '', op, value = ''] = match;
    if (key !== 'metadata.name' && key !== 'metadata.namespace') throw new SelectorError(`field label not supported: ${key}`);
    return [key, op === '!=' ? (v) => v !== value : (v) => v === value];
  });
  return (values) => requirements.every(([key, test]) => test(values(key)));
}
