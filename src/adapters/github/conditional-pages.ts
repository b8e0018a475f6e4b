import type { GitHubClient } from './create-octokit.ts';
import type { BoundedMap } from './bounded-map.ts';
import { statusOf } from './forge-call.ts';

/** One page of a list as last seen: GitHub's validator for it, its items, and whether a next page followed. */
export interface RememberedPage<T> {
  etag: string | null;
  items: T[];
  next: boolean;
}

/** Remembered lists by key (e.g. `acme/shop`), each page by page. */
export type PageMemory<T> = BoundedMap<RememberedPage<T>[]>;

/** A list request: its route and parameters (without `page`), and how a raw item becomes a `T`. */
export interface ListRequest<T> {
  route: string;
  params: Record<string, unknown>;
  perPage: number;
  /** The items of one answer's body (most lists are the body; some wrap it, e.g. `repositories`). */
  itemsOf(data: unknown): unknown[];
  /** Throws when GitHub sent an item previewd cannot read: a list with a hole is worse than no list. */
  toItem(raw: unknown): T;
}

// Pages past this are not a repository's pull requests or an account's repositories: a loop.
const MAX_PAGES = 1000;

/** A list went on past `MAX_PAGES` pages: refused rather than cut short (a short list reads as closures). */
export class EndlessListError extends Error {
  override name = 'EndlessListError';
}

/**
 * Every page of a list, each page asked conditionally with the ETag it had last time: GitHub answers
 * 304 (no body, and no rate limit spent when the request is authenticated) for a page whose content is
 * unchanged, and the remembered items stand in. Each page has its own ETag because a change can sit
 * on any page: a push to an old pull request changes page 2 and leaves page 1 as it was. `changed` is
 * false when the items are the ones remembered (every page a 304, or 200s that repeat them). ETags
 * depend on the token, so a new installation token (hourly) costs one full read. Errors are Octokit's.
 */
export async function listConditionally<T>(octokit: GitHubClient, memory: PageMemory<T>, key: string, request: ListRequest<T>): Promise<{ items: T[]; changed: boolean }> {
  const before = memory.get(key);
  const pages: RememberedPage<T>[] = [];
  let fetched = false;
  for (let n = 1; ; n += 1) {
    if (n > MAX_PAGES) throw new EndlessListError(`${request.route} has more than ${MAX_PAGES} pages`);
    const known = before?.[n - 1];
    const fresh = await fetchPage(octokit, request, n, known?.etag ?? undefined);
    const page = fresh ?? (known as RememberedPage<T>);
    if (fresh) fetched = true;
    pages.push(page);
    // A 304 repeats no Link header we could trust: a full last page may have gained a successor
    // (an old pull request reopened sorts at the end), so the page after it is asked for too.
    const more = page.next || (fresh === null && page.items.length >= request.perPage);
    if (!more || (fresh !== null && page.items.length === 0)) break;
  }
  memory.set(key, pages);
  const items = pages.flatMap((p) => p.items);
  // All 304s: the same pages, so the same items. Otherwise compare: a 200 may say what was known.
  const changed = before === undefined || (fetched && JSON.stringify(items) !== JSON.stringify(before.flatMap((p) => p.items)));
  return { items, changed };
}

/** One page; null when GitHub answered 304 to `etag`. */
async function fetchPage<T>(octokit: GitHubClient, request: ListRequest<T>, page: number, etag: string | undefined): Promise<RememberedPage<T> | null> {
  let response: { data: unknown; headers: Record<string, string | number | undefined> };
  try {
    response = await octokit.request(request.route, {
      ...request.params,
      per_page: request.perPage,
      ...(page > 1 ? { page } : {}),
      ...(etag === undefined ? {} : { headers: { 'if-none-match': etag } }),
    });
  } catch (error) {
    // Octokit throws on 304 ("Not modified"): the one answer here that is good news.
    if (etag !== undefined && statusOf(error) === 304) return null;
    throw error;
  }
  const link = String(response.headers.link ?? '');
  const tag = response.headers.etag;
  return { etag: typeof tag === 'string' && tag !== '' ? tag : null, items: request.itemsOf(response.data).map((raw) => request.toItem(raw)), next: /\brel="next"/.test(link) };
}
