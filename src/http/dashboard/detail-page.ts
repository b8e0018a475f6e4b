import { isPreserved } from '../../domain/preview-expiry.ts';
import type { LiveApplication } from '../../domain/live-application.ts';
import type { HistoryRecord } from '../../ports/gitops-store.ts';
import type { PreviewSummary } from '../preview-api.ts';
import { html, type Html } from './html.ts';
import { csrfField, page, type PageOptions, type Viewer } from './layout.ts';
import { argocdUrl, commitUrl, prUrl, type DashboardLinks } from './links.ts';
import { detailPath, link, relativeTime, shortSha, stateBadge } from './present.ts';

export interface DetailPageInput {
  preview: PreviewSummary;
  live: LiveApplication | null;
  history: readonly HistoryRecord[];
  files: ReadonlyMap<string, string>;
  viewer: Viewer;
  links: DashboardLinks;
  /** Whether previewd watches Argo CD at all (KUBECONFIG). */
  clusterAccess: boolean;
  now: Date;
  notice?: PageOptions['notice'];
}

function facts(p: PreviewSummary, links: DashboardLinks, now: Date): Html {
  return html`<dl class="facts" id="facts" data-live-region>
<dt>State</dt><dd>${stateBadge(p.state)}${p.reason ? html` <span class="reason">${p.reason}</span>` : ''}</dd>
<dt>Pull request</dt><dd>${link(prUrl(links, p), `${p.owner}/${p.repo}#${p.pr}`)} ${p.title ? html`— <span class="title">${p.title}</span>` : ''}</dd>
<dt>Author · branch</dt><dd>${p.author ?? '—'} · <code class="branch">${p.branch ?? '—'}</code></dd>
<dt>Preview</dt><dd>${p.url ? link(p.url, p.url) : '—'}</dd>
<dt>App sha</dt><dd>${p.sha ? link(commitUrl(links, p, p.sha), p.sha, 'sha') : '—'}</dd>
<dt>Namespace</dt><dd><code>${p.namespace ?? '—'}</code> ${argocdUrl(links, p.id) ? link(argocdUrl(links, p.id), 'Argo CD ↗', 'ext') : ''}</dd>
<dt>GitOps folder</dt><dd><code>${p.folder}</code> at <code>${shortSha(p.commit)}</code></dd>
<dt>Created · changed</dt><dd>${relativeTime(p.createdAt, now)} · ${relativeTime(p.updatedAt, now)}</dd>
<dt>Expiry</dt><dd>${p.expiresAt ? html`expires ${relativeTime(p.expiresAt, now)}` : 'no expiry'}${isPreserved(p, now) ? html` · <span class="preserved">⚑ preserved until ${relativeTime(p.preservedUntil, now)}</span>` : ''}</dd>
</dl>`;
}

function liveSection(live: LiveApplication | null, clusterAccess: boolean): Html {
  if (live === null) {
    return html`<section id="argocd" data-live-region><h2>Argo CD</h2><p class="muted">${clusterAccess
      ? 'There is no Application for this environment yet: the ApplicationSet makes one once it has seen the commit.'
      : 'previewd has no cluster access (KUBECONFIG is not set), so it cannot show what Argo CD does.'}</p></section>`;
  }
  return html`<section id="argocd" data-live-region><h2>Argo CD <span class="muted small">${live.name}</span></h2>
<dl class="facts">
<dt>Sync</dt><dd>${live.sync ?? '—'}${live.revision ? html` at <code>${shortSha(live.revision)}</code>` : ''}</dd>
<dt>Health</dt><dd>${live.health ?? '—'}${live.healthMessage ? html` — ${live.healthMessage}` : ''}</dd>
<dt>Last operation</dt><dd>${live.operation ? html`${live.operation.phase ?? '—'}${live.operation.message ? html` — ${live.operation.message}` : ''}` : '—'}</dd>
</dl>
${live.conditions.length > 0 ? html`<h3>Conditions</h3><ul class="reasons">${live.conditions.map((c) => html`<li><strong>${c.type}</strong> ${c.message}</li>`)}</ul>` : ''}
${live.unhealthy.length > 0 ? html`<h3>Resources not healthy</h3><ul class="reasons">${live.unhealthy.map((r) => html`<li><strong>${r.kind}/${r.name}</strong> ${r.status}${r.message ? html` — ${r.message}` : ''}</li>`)}</ul>` : ''}
</section>`;
}

function actions(p: PreviewSummary, viewer: Viewer): Html {
  if (viewer.mode !== 'signed-in') {
    return viewer.mode === 'signed-out' ? html`<p class="muted" id="actions-hint">Sign in with the admin token to preserve, destroy, roll back or redeploy.</p>` : html``;
  }
  const base = detailPath(p);
  return html`<section id="actions"><h2>Actions</h2><div class="actions">
<form method="post" action="${base}/preserve">${csrfField(viewer)}<label>Keep for <input name="for" value="48h" size="5" pattern="[0-9]+[smhd]" required></label> <button type="submit">Preserve</button></form>
<form method="post" action="${base}/redeploy">${csrfField(viewer)}<button type="submit">Redeploy from the PR head</button></form>
<form method="post" action="${base}/destroy">${csrfField(viewer)}<button type="submit" class="danger">Destroy now</button></form>
</div></section>`;
}

function historyItem(p: PreviewSummary, r: HistoryRecord, i: number, viewer: Viewer, now: Date): Html {
  const human = r.action === 'manual';
  const rollback = viewer.mode === 'signed-in' && i > 0 && !r.removed
    ? html`<form method="post" action="${detailPath(p)}/rollback" class="inline">${csrfField(viewer)}<input type="hidden" name="to" value="${r.commit}"><button type="submit" class="small">Roll back to this</button></form>`
    : '';
  return html`<li class="event${human ? ' event-human' : ''}" data-action="${r.action}" data-commit="${r.commit}">
<div class="event-head"><span class="action action-${r.action}">${human ? '✎ human commit' : r.action}</span> <span class="actor">by ${r.actor}</span> <span class="muted">${relativeTime(r.time, now)}</span></div>
<div class="event-body"><code class="sha" title="GitOps commit">${shortSha(r.commit)}</code> ${r.subject}${r.sha ? html` · app <code>${shortSha(r.sha)}</code>` : ''}${r.delivery ? html` · <span class="muted">delivery ${r.delivery}</span>` : ''}${human ? html` · <span class="muted">not made by previewd</span>` : ''} ${rollback}</div>
</li>`;
}

function files(map: ReadonlyMap<string, string>): Html {
  const names = [...map.keys()].sort();
  return html`<section id="files"><h2>Overlay files</h2>${names.map((name) => html`<details><summary><code>${name}</code></summary><pre><code>${map.get(name) ?? ''}</code></pre></details>`)}</section>`;
}

/** `GET /previews/:owner/:repo/:pr`: one environment, what Argo CD says, its history, its files. */
export function detailPage(input: DetailPageInput): string {
  const p = input.preview;
  const body = html`<p class="crumbs"><a href="/">← all environments</a></p>
<h1>${p.owner}/${p.repo}<span class="pr">#${p.pr}</span></h1>
<div class="columns"><section><h2>Environment</h2>${facts(p, input.links, input.now)}</section>${liveSection(input.live, input.clusterAccess)}</div>
${actions(p, input.viewer)}
<section id="history" data-live-region><h2>History</h2><ol class="timeline">${input.history.map((r, i) => historyItem(p, r, i, input.viewer, input.now))}</ol></section>
${files(input.files)}`;
  return page({ title: `${p.owner}/${p.repo}#${p.pr}`, viewer: input.viewer, back: detailPath(p), notice: input.notice ?? null, body });
}

/** The page for an environment that is not there (404), or an action refused (403/409). */
export function messagePage(title: string, text: string, viewer: Viewer, back: string): string {
  return page({ title, viewer, back, body: html`<p class="crumbs"><a href="/">← all environments</a></p><h1>${title}</h1><p>${text}</p>` });
}
