import type { PreviewSummary } from '../preview-api.ts';
import type { DashboardLinks } from './links.ts';
import { listRow, type RowTimes } from './list-row.ts';

/**
 * The list's rows as UTF-8 bytes, by folder. A live page fetches `GET /` again on every change, and with
 * 2,000 environments building and encoding 3 MB of rows is most of its cost while one row changed.
 */
export interface RowCache {
  /** `listRow(p, links, times)` encoded, made again unless this folder's last row had equal summary and time words. */
  row(p: PreviewSummary, times: RowTimes): Buffer;
  /** Forgets every folder not among `previews` (environments gone from the tree). */
  retain(previews: readonly PreviewSummary[]): void;
}

// Every own field of both, by ===: a field a later row shows is compared too, and one that is not a
// primitive (a new object each list) only makes the row again.
function sameFields<T extends object>(a: T, b: T): boolean {
  const keys = Object.keys(a) as Array<keyof T>;
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) if (a[k] !== b[k] || !Object.hasOwn(b, k)) return false;
  return true;
}

export function createRowCache(links: DashboardLinks): RowCache {
  // What a row was made from: every input but the links (fixed for this cache). Compared field by field
  // rather than as one JSON key, which cost more than the rest of a warm page.
  const rows = new Map<string, { p: PreviewSummary; times: RowTimes; bytes: Buffer }>();
  return {
    row(p, times) {
      const known = rows.get(p.folder);
      if (known && sameFields(known.p, p) && sameFields(known.times, times)) return known.bytes;
      const bytes = Buffer.from(listRow(p, links, times).text);
      // A copy: the caller's summary is not ours to keep unchanged.
      rows.set(p.folder, { p: { ...p }, times: { ...times }, bytes });
      return bytes;
    },
    retain(previews) {
      const keep = new Set(previews.map((p) => p.folder));
      for (const folder of rows.keys()) if (!keep.has(folder)) rows.delete(folder);
    },
  };
}
