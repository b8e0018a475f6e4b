import type { PreviewSummary } from '../preview-api.ts';
import { html, type Html } from './html.ts';
import { pageShell, type Viewer } from './layout.ts';
import type { DashboardLinks } from './links.ts';
import { listRow, rowTimes, type RowTimes } from './list-row.ts';
import { countStates, filterPreviews, repos, type ListQuery } from './list-view.ts';
import { STATE_ORDER, stateBadge } from './present.ts';

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

/** The part of the page a row is, as text or as the bytes the plugin's row cache keeps. */
export type RowRenderer = (p: PreviewSummary, times: RowTimes) => string | Buffer;

/**
 * `GET /` in pieces, in order: every environment, counts by state, the filter form, newest change
 * first. Each row is what `renderRow` gives for it, the rest is text.
 */
export function listPageParts(input: ListPageInput, renderRow: RowRenderer): Array<string | Buffer> {
  const rows = filterPreviews(input.previews, input.query);
  const { start, end } = pageShell({ title: 'Preview environments', viewer: input.viewer, back: input.back });
  const head = html`<h1>Preview environments</h1>
${counts(input.previews)}
${filters(input.previews, input.query)}
<div id="rows" data-live-region>
<p class="muted shown">${rows.length === input.previews.length ? `${rows.length} shown` : `${rows.length} of ${input.previews.length} shown`}, newest change first</p>
`.text;
  if (rows.length === 0) {
    return [`${start}${head}${html`<p class="empty">${input.previews.length === 0 ? 'No preview environments yet: open a pull request in a registered repository.' : 'No environment matches this filter.'}</p>`.text}\n</div>${end}`];
  }
  const parts: Array<string | Buffer> = [`${start}${head}<table class="previews"><thead><tr><th>Environment</th><th>Pull request</th><th>State</th><th>Preview</th><th>App sha</th><th>Changed</th><th>Expiry</th></tr></thead>\n<tbody>`];
  for (const p of rows) parts.push(renderRow(p, rowTimes(p, input.now)));
  parts.push(`</tbody></table>\n</div>${end}`);
  return parts;
}

/** `GET /` as one text (rows rendered afresh). */
export function listPage(input: ListPageInput): string {
  return listPageParts(input, (p, times) => listRow(p, input.links, times).text).join('');
}
