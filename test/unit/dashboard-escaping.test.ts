import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detailPage, messagePage } from '../../src/http/dashboard/detail-page.ts';
import { escapeHtml, html } from '../../src/http/dashboard/html.ts';
import type { Viewer } from '../../src/http/dashboard/layout.ts';
import { listPage } from '../../src/http/dashboard/list-page.ts';
import type { LiveApplication, PreviewSummary } from '../../src/http/preview-api.ts';
import type { HistoryRecord } from '../../src/ports/gitops-store.ts';

// Every user-controlled field carries a tag of its own name, quotes of both kinds and an ampersand:
// rendered as text it reads `&lt;x-title q=&quot;1&quot;&gt;&#39;&amp;`; rendered as HTML it would be
// an element `<x-title …>`, or a quote that ends an attribute.
function hostile(field: string): string {
  return `<x-${field} q="1">'&`;
}
function escaped(field: string): string {
  return `&lt;x-${field} q=&quot;1&quot;&gt;&#39;&amp;`;
}

const links = { githubWeb: 'https://github.com', argocdWeb: 'https://argocd.example.com', argocdNamespace: 'argocd' };
const now = new Date('2025-01-03T00:00:00.000Z');
const signedIn: Viewer = { mode: 'signed-in', csrf: 'csrf-token' };

// Fields shown whole (the rest, like shas, are shortened: they must still never be markup).
const SUMMARY_FIELDS = ['branch', 'author', 'title', 'reason', 'namespace', 'folder'] as const;
const preview: PreviewSummary = {
  owner: hostile('owner'), repo: hostile('repo'), pr: 7, folder: hostile('folder'), id: hostile('id'), namespace: hostile('namespace'),
  url: 'javascript:alert(document.cookie)', sha: hostile('sha'), branch: hostile('branch'), author: hostile('author'),
  createdAt: hostile('createdAt'), updatedAt: '2025-01-02T00:00:00.000Z', expiresAt: '2025-01-05T00:00:00.000Z', preservedUntil: null,
  state: 'failed', reason: hostile('reason'), commit: hostile('commit'), title: hostile('title'),
};
const HISTORY_FIELDS = ['subject', 'actor', 'delivery'] as const;
const history: HistoryRecord[] = [
  { commit: 'c'.repeat(40), action: 'update', subject: hostile('subject'), sha: hostile('hsha'), actor: hostile('actor'), delivery: hostile('delivery'), author: { name: hostile('aname'), email: 'a@b' }, time: '2025-01-02T00:00:00.000Z', removed: false },
  { commit: hostile('hcommit'), action: 'manual', subject: 'by hand', sha: null, actor: 'someone', delivery: null, author: { name: 'someone', email: 'a@b' }, time: '2025-01-01T00:00:00.000Z', removed: false },
];
const LIVE_FIELDS = ['name', 'sync', 'health', 'healthMessage', 'phase', 'opMessage', 'ctype', 'cmessage', 'kind', 'rname', 'rstatus', 'rmessage'] as const;
const live: LiveApplication = {
  name: hostile('name'), sync: hostile('sync'), revision: hostile('revision'), health: hostile('health'), healthMessage: hostile('healthMessage'),
  operation: { phase: hostile('phase'), message: hostile('opMessage'), finishedAt: null },
  conditions: [{ type: hostile('ctype'), message: hostile('cmessage') }],
  unhealthy: [{ kind: hostile('kind'), name: hostile('rname'), namespace: null, status: hostile('rstatus'), message: hostile('rmessage') }],
  externalUrls: [],
};

function assertText(page: string, fields: readonly string[]): void {
  assert.doesNotMatch(page, /<x-/, 'a field became an element');
  assert.doesNotMatch(page, /href="javascript:/i, 'a javascript: URL became a link');
  for (const field of fields) assert.ok(page.includes(escaped(field)), `${field} is not shown as escaped text`);
}

describe('dashboard: user-controlled text is only ever text', () => {
  it('escapes & < > " \' ` and leaves other text as it is', () => {
    assert.equal(escapeHtml(`<a href="x" title='y'>&\`</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&#96;&lt;/a&gt;');
    assert.equal(escapeHtml('feature/plain-1'), 'feature/plain-1');
    assert.equal(html`<p>${'<b>'}${['<i>', 1, null, false, undefined]}</p>`.text, '<p>&lt;b&gt;&lt;i&gt;1</p>');
  });

  it('the list: branch, author, title, reason and the names in the GitOps tree', () => {
    const page = listPage({ previews: [preview], query: { repo: null, state: null, q: null }, viewer: signedIn, links, now, back: '/' });
    assertText(page, [...SUMMARY_FIELDS.filter((f) => f !== 'namespace' && f !== 'folder'), 'owner', 'repo']);
  });

  it('the list: the search, repository and state filters echoed back', () => {
    const page = listPage({ previews: [preview], query: { repo: hostile('qrepo'), state: hostile('qstate'), q: hostile('q') }, viewer: signedIn, links, now, back: hostile('back') });
    assertText(page, ['q', 'back']);
    assert.match(page, /No environment matches this filter/);
  });

  it('the detail page: facts, history, Argo CD’s words and the overlay files', () => {
    const files = new Map([[hostile('file'), hostile('content')]]);
    const page = detailPage({ preview, live, history, files, viewer: signedIn, links, clusterAccess: true, now, notice: { kind: 'bad', text: hostile('notice') } });
    assertText(page, [...SUMMARY_FIELDS, ...HISTORY_FIELDS, ...LIVE_FIELDS, 'owner', 'repo', 'hcommit', 'file', 'content', 'notice']);
    // The rollback form's hidden commit stays inside its attribute.
    assert.ok(page.includes(`name="to" value="${escaped('hcommit')}"`));
  });

  it('a message page (404, refusals)', () => {
    const page = messagePage(hostile('mtitle'), hostile('mtext'), { mode: 'signed-out', csrf: hostile('csrf') }, hostile('mback'));
    assertText(page, ['mtitle', 'mtext', 'csrf', 'mback']);
  });
});
