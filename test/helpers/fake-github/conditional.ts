import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { FakeAnswer, FakeIdentity } from './answers.ts';

/**
 * A weak ETag over the body and the caller's credential: GitHub's ETags are specific to the token that
 * asked (its support confirms it), so a new installation token gets a 200 where the old one got a 304.
 */
export function etagOf(body: unknown, identity: FakeIdentity | undefined): string {
  const credential = identity === undefined ? '' : identity.kind === 'app' ? `app:${identity.appId}` : identity.kind === 'anonymous' ? '' : identity.token;
  return `W/"${createHash('sha256').update(credential).update('\n').update(JSON.stringify(body) ?? '').digest('hex')}"`;
}

/** Whether `If-None-Match` (a list of tags, or `*`) names `etag`; compared weakly, as RFC 9110 says for it. */
export function noneMatchHits(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const tags = (Array.isArray(header) ? header.join(',') : header).split(',').map((t) => t.trim()).filter((t) => t !== '');
  return tags.some((tag) => tag === '*' || opaque(tag) === opaque(etag));
}

/**
 * A GET's 200 with its ETag; or 304 with no body when the request's `If-None-Match` names it. Other
 * answers pass unchanged. The 304 repeats the ETag but not `Link`: a client must remember its pages.
 */
export function conditionalAnswer(method: string, headers: IncomingHttpHeaders, identity: FakeIdentity | undefined, answer: FakeAnswer): FakeAnswer {
  if (method !== 'GET' || answer.status !== 200 || answer.body === undefined) return answer;
  const etag = etagOf(answer.body, identity);
  if (noneMatchHits(headers['if-none-match'], etag)) return { status: 304, headers: { etag } };
  return { ...answer, headers: { ...answer.headers, etag } };
}
