import { isPreserved } from '../../domain/preview-expiry.ts';
import type { PreviewSummary } from '../preview-api.ts';
import { html, type Html } from './html.ts';
import { page, type Viewer } from './layout.ts';
import { argocdUrl, commitUrl, prUrl, type DashboardLinks } from './links.ts';
import { countStates, filterPreviews, repos, type ListQuery } from './list-view.ts';
import { detailPath, link, relativeTime, shortSha, STATE_ORDER, stateBadge } from './present.ts';

export interface ListPageInput {
  previews: readonly PreviewSummary[];
  query: ListQuery;
  viewer: Viewer;
  links: DashboardLinks;
  now: Date;
  back: string;
}

function counts(all: readonly PreviewSummary[]): Html {
  const byState = countStates(all);
  const states = [...STATE_ORDER.filter((s) => byState.has(s)), ...[...byState.keys()].filter((s) => !STATE_ORDER.includes(s)).sort()];
  return html`<ul class="counts" id="counts" data-live-region>
<li class="count-total"><a href="/"><strong>${all.length}</strong> environments</a></li>
${states.map((s) => html`<li><a href="/?state=${encodeURIComponent(s)}" data-count="${s}">${stateBadge(s)} <strong>${byState.get(s) ?? 0}</strong></a></li>`)}
</ul>`;
}

function filters(all: readonly PreviewSummary[], query: ListQuery): Html {
  const states = [...new Set([...STATE_ORDER, ...all.map((p) => p.state)])];
  return html`<form class="filters" method="get" action="/" role="search">
<label>Repository <select name="repo"><option value="">all</option>${repos(all).map((r) => html`<option value="${r}"${query.repo?.toLowerCase() === r.toLowerCase() ? html` selected` : ''}>${r}</option>`)}</select></label>
<label>State <select name="state"><option value="">all</option>${states.map((s) => html`<option value="${s}"${query.state === s ? html` selected` : ''}>${s}</option>`)}</select></label>
<label class="grow">Search <input type="search" name="q" value="${query.q ?? ''}" placeholder="PR number or branch"></label>
<button type="submit">Filter</button>${query.repo || query.state || query.q ? html` <a href="/" class="clear">clear</a>` : ''}
</form>`;
}

function expiry(p: PreviewSummary, now: Date): Html {
  const preserved = isPreserved(p, now);
  if (preserved) return html`<span class="preserved" title="preserved">⚑ kept until ${relativeTime(p.preservedUntil, now)}</span>`;
  return p.expiresAt ? html`expires ${relativeTime(p.expiresAt, now)}` : html`<span class="muted">no expiry</span>`;
}

function row(p: PreviewSummary, links: DashboardLinks, now: Date): Html {
  const env = `${p.owner}/${p.repo}#${p.pr}`;
  return html`<tr data-env="${env}" data-state="${p.state}">
<td data-label="Environment"><a class="env" href="${detailPath(p)}">${p.owner}/${p.repo}<span class="pr">#${p.pr}</span></a> ${link(prUrl(links, p), 'PR ↗', 'ext')}</td>
<td data-label="Pull request"><span class="title">${p.title ?? html`<span class="muted">title not known yet</span>`}</span><br><span class="muted">${p.author ?? '—'} · <code class="branch">${p.branch ?? '—'}</code></span></td>
<td data-label="State">${stateBadge(p.state)}${p.reason ? html`<div class="reason">${p.reason}</div>` : ''}</td>
<td data-label="Preview">${p.url ? link(p.url, p.url.replace(/^https?:\/\//, ''), 'url') : html`<span class="muted">—</span>`}</td>
<td data-label="App sha">${p.sha ? link(commitUrl(links, p, p.sha), shortSha(p.sha), 'sha') : '—'}${argocdUrl(links, p.id) ? html` · ${link(argocdUrl(links, p.id), 'Argo CD ↗', 'ext')}` : ''}</td>
<td data-label="Changed">${relativeTime(p.updatedAt, now)}<br><span class="muted">created ${relativeTime(p.createdAt, now)}</span></td>
<td data-label="Expiry">${expiry(p, now)}${p.state === 'sleeping' ? html`<br><span class="sleeping">☾ asleep</span>` : ''}</td>
</tr>`;
}

/** `GET /`: every environment, counts by state, the filter form, newest change first. */
export function listPage(input: ListPageInput): string {
  const rows = filterPreviews(input.previews, input.query);
  const body = html`<h1>Preview environments</h1>
${counts(input.previews)}
${filters(input.previews, input.query)}
<div id="rows" data-live-region>
<p class="muted shown">${rows.length === input.previews.length ? `${rows.length} shown` : `${rows.length} of ${input.previews.length} shown`}, newest change first</p>
${rows.length === 0
    ? html`<p class="empty">${input.previews.length === 0 ? 'No preview environments yet: open a pull request in a registered repository.' : 'No environment matches this filter.'}</p>`
    : html`<table class="previews"><thead><tr><th>Environment</th><th>Pull request</th><th>State</th><th>Preview</th><th>App sha</th><th>Changed</th><th>Expiry</th></tr></thead>
<tbody>${rows.map((p) => row(p, input.links, input.now))}</tbody></table>`}
</div>`;
  return page({ title: 'Preview environments', viewer: input.viewer, back: input.back, body });
}
