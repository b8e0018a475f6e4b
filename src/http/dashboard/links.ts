/** Where the dashboard links to: GitHub's web pages and, when known, Argo CD's UI. */
export interface DashboardLinks {
  /** GitHub's web root (`https://github.com`, or an Enterprise host). */
  githubWeb: string;
  /** Argo CD's UI root, or null: no Argo CD links. */
  argocdWeb: string | null;
  argocdNamespace: string;
}

/** GitHub's web root from its REST root: api.github.com → github.com, `<host>/api/v3` → `<host>`. */
export function githubWebUrl(apiUrl: string): string {
  const url = new URL(apiUrl);
  if (url.hostname === 'api.github.com') return 'https://github.com';
  return `${url.origin}${url.pathname.replace(/\/api\/v3\/?$/, '').replace(/\/$/, '')}`;
}

export function prUrl(links: DashboardLinks, p: { owner: string; repo: string; pr: number }): string {
  return `${links.githubWeb}/${encodeURIComponent(p.owner)}/${encodeURIComponent(p.repo)}/pull/${p.pr}`;
}

export function commitUrl(links: DashboardLinks, p: { owner: string; repo: string }, sha: string): string {
  return `${links.githubWeb}/${encodeURIComponent(p.owner)}/${encodeURIComponent(p.repo)}/commit/${encodeURIComponent(sha)}`;
}

export function argocdUrl(links: DashboardLinks, id: string | null): string | null {
  if (links.argocdWeb === null || id === null) return null;
  return `${links.argocdWeb.replace(/\/$/, '')}/applications/${encodeURIComponent(links.argocdNamespace)}/${encodeURIComponent(id)}`;
}
