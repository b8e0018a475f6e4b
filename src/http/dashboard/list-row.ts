import { isPreserved } from '../../domain/preview-expiry.ts';
import type { PreviewSummary } from '../preview-api.ts';
import { html, type Html } from './html.ts';
import { argocdUrl, commitUrl, prUrl, type DashboardLinks } from './links.ts';
import { detailPath, link, relativeWords, shortSha, stateBadge, timeTag } from './present.ts';

/**
 * All a row takes from the clock, as words: a row is a function of its summary, the links and these
 * alone (it never sees `now`), so equal inputs are an equal row and the row cache can say when it may
 * serve the bytes it made before.
 */
export interface RowTimes {
  changed: string | null;
  created: string | null;
  preserved: boolean;
  /** Until the preservation ends when preserved, else until the expiry. */
  expiry: string | null;
}

export function rowTimes(p: PreviewSummary, now: Date): RowTimes {
  const preserved = isPreserved(p, now);
  return {
    changed: relativeWords(p.updatedAt, now),
    created: relativeWords(p.createdAt, now),
    preserved,
    expiry: relativeWords(preserved ? p.preservedUntil : p.expiresAt, now),
  };
}

function expiry(p: PreviewSummary, times: RowTimes): Html {
  if (times.preserved) return html`<span class="preserved" title="preserved">⚑ kept until ${timeTag(p.preservedUntil, times.expiry)}</span>`;
  return p.expiresAt ? html`expires ${timeTag(p.expiresAt, times.expiry)}` : html`<span class="muted">no expiry</span>`;
}

/** One environment's row in the list. */
export function listRow(p: PreviewSummary, links: DashboardLinks, times: RowTimes): Html {
  const env = `${p.owner}/${p.repo}#${p.pr}`;
  return html`<tr data-env="${env}" data-state="${p.state}">
<td data-label="Environment"><a class="env" href="${detailPath(p)}">${p.owner}/${p.repo}<span class="pr">#${p.pr}</span></a> ${link(prUrl(links, p), 'PR ↗', 'ext')}</td>
<td data-label="Pull request"><span class="title">${p.title ?? html`<span class="muted">title not known yet</span>`}</span><br><span class="muted">${p.author ?? '—'} · <code class="branch">${p.branch ?? '—'}</code></span></td>
<td data-label="State">${stateBadge(p.state)}${p.reason ? html`<div class="reason">${p.reason}</div>` : ''}</td>
<td data-label="Preview">${p.url ? link(p.url, p.url.replace(/^https?:\/\//, ''), 'url') : html`<span class="muted">—</span>`}</td>
<td data-label="App sha">${p.sha ? link(commitUrl(links, p, p.sha), shortSha(p.sha), 'sha') : '—'}${argocdUrl(links, p.id) ? html` · ${link(argocdUrl(links, p.id), 'Argo CD ↗', 'ext')}` : ''}</td>
<td data-label="Changed">${timeTag(p.updatedAt, times.changed)}<br><span class="muted">created ${timeTag(p.createdAt, times.created)}</span></td>
<td data-label="Expiry">${expiry(p, times)}${p.state === 'sleeping' ? html`<br><span class="sleeping">☾ asleep</span>` : ''}</td>
</tr>`;
}
