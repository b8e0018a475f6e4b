import { PREVIEW_JSON_FILE } from './preview-json.ts';
import type { ConfigProblem } from './config-problem.ts';
import type { SchemaCheck } from './config-validators.ts';
import type { PreviewJson } from './preview-json.ts';

/** A `preview.json` as read back: the fields that are usable, and what is wrong with the file. */
export interface PreviewJsonRead {
  /** The fields present with the right type (a person may have edited the file); null when not JSON. */
  value: Partial<PreviewJson> | null;
  /** Every schema problem; empty when the file is valid. */
  problems: ConfigProblem[];
}

const STRING_FIELDS = ['id', 'namespace', 'repo', 'sha', 'branch', 'url', 'author', 'createdAt', 'updatedAt'] as const;
const SHA_RE = /^([0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * Reads `preview.json` and checks it against schema/preview.schema.json. A file that a person edited
 * may lack fields or carry an upper-case sha: what is usable is kept (the sha lower-cased, and dropped
 * unless it is a full sha), so that a rewrite fills the rest from the pull request instead of writing
 * a file that the ApplicationSet template cannot read.
 */
export function readPreviewJson(text: string | null | undefined, check: SchemaCheck): PreviewJsonRead {
  if (text === null || text === undefined) return { value: null, problems: [] };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { value: null, problems: [{ file: PREVIEW_JSON_FILE, path: '', message: `not JSON: ${message}`, accepted: 'the JSON object previewd writes' }] };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { value: null, problems: [{ file: PREVIEW_JSON_FILE, path: '', message: 'not a JSON object', accepted: 'the JSON object previewd writes' }] };
  }
  const raw = data as Record<string, unknown>;
  const value: Partial<Record<keyof PreviewJson, unknown>> = {};
  for (const key of STRING_FIELDS) if (typeof raw[key] === 'string') value[key] = raw[key];
  if (typeof value.sha === 'string') {
    const sha = value.sha.toLowerCase();
    if (SHA_RE.test(sha)) value.sha = sha;
    else delete value.sha;
  }
  if (typeof raw.pr === 'number' && Number.isInteger(raw.pr)) value.pr = raw.pr;
  for (const key of ['expiresAt', 'preservedUntil'] as const) if (typeof raw[key] === 'string' || raw[key] === null) value[key] = raw[key];
  if (raw.sleeping === true) value.sleeping = true;
  return { value: value as Partial<PreviewJson>, problems: check(PREVIEW_JSON_FILE, structuredClone(raw)) };
}

/** The read value as a whole preview.json, when nothing is missing. */
export function completePreviewJson(read: PreviewJsonRead): PreviewJson | null {
  const v = read.value;
  if (v === null) return null;
  const missing = [...STRING_FIELDS, 'pr', 'expiresAt', 'preservedUntil'].filter((k) => v[k as keyof PreviewJson] === undefined);
  return missing.length === 0 ? (v as PreviewJson) : null;
}
