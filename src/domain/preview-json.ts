/** Where it lives in an environment folder, and the name problems are reported under. */
export const PREVIEW_JSON_FILE = 'preview.json';

/**
 * `preview.json`, the environment's metadata (schema/preview.schema.json). The ApplicationSet reads its
 * string fields only; `pr` is a number for previewd's own readers.
 */
export interface PreviewJson {
  id: string;
  namespace: string;
  repo: string;
  pr: number;
  sha: string;
  branch: string;
  url: string;
  author: string;
  createdAt: string;
  updatedAt: string;
  expiresAt: string | null;
  preservedUntil: string | null;
  /** Present (and true) only while `/preview sleep` holds the app at zero replicas. */
  sleeping?: true;
}

/** Stable text: fixed key order, two-space indent, final newline, so equal data makes equal bytes. */
export function formatPreviewJson(preview: PreviewJson): string {
  const ordered: PreviewJson = {
    id: preview.id,
    namespace: preview.namespace,
    repo: preview.repo,
    pr: preview.pr,
    sha: preview.sha,
    branch: preview.branch,
    url: preview.url,
    author: preview.author,
    createdAt: preview.createdAt,
    updatedAt: preview.updatedAt,
    expiresAt: preview.expiresAt,
    preservedUntil: preview.preservedUntil,
    ...(preview.sleeping ? { sleeping: true as const } : {}),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/** Reads a `preview.json` back; null when the text is not JSON of the right shape at a glance. */
export function parsePreviewJson(text: string): PreviewJson | null {
  try {
    const data = JSON.parse(text) as Partial<PreviewJson> | null;
    if (data === null || typeof data !== 'object' || typeof data.id !== 'string' || typeof data.createdAt !== 'string') return null;
    return data as PreviewJson;
  } catch {
    return null;
  }
}
