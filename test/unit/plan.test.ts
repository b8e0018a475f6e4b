import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { loadAssets, type Assets } from '../../src/assets/load-assets.ts';
import { createConfigValidators, type ConfigValidators } from '../../src/domain/config-validators.ts';
import type { FolderRecord } from '../../src/domain/folder-record.ts';
import { loadPreviewConfig, loadServiceConfig } from '../../src/domain/load-config.ts';
import { plan, type Plan, type PlanFacts, type Trigger } from '../../src/domain/plan.ts';
import type { PullRequestSnapshot } from '../../src/domain/pull-request.ts';
import { findApp } from '../../src/domain/find-app.ts';
import { readPreviewJson } from '../../src/domain/read-preview-json.ts';

// The executable form of DESIGN.md's rules: one row per rule and per combination that matters. Each
// row starts from an open PR of demo/app (registered by the skeleton's previewd.yaml) and changes facts.
const NOW = new Date('2026-11-22T08:00:00Z');
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const PR: PullRequestSnapshot = {
  owner: 'demo', repo: 'app', pr: 7, state: 'open', merged: false, draft: false, headSha: B, headRef: 'feature', fork: false,
  author: 'alice', labels: [], repoUrl: 'https://github.com/demo/app',
};
const REGISTRY = readFileSync(new URL('../../gitops-repo-skeleton/previewd.yaml', import.meta.url), 'utf8');

let assets: Assets;
let validators: ConfigValidators;
before(async () => {
  assets = await loadAssets();
  validators = createConfigValidators(assets.schemas);
});

function record(action: FolderRecord['action'], sha: string | null, commit: string, author = 'previewd', delivery: string | null = null): FolderRecord {
  return { commit: commit.padEnd(40, '0'), action, subject: action, sha, actor: author, delivery, author: { name: author, email: 'x@example.com' }, time: NOW.toISOString(), removed: action === 'destroy' || action === 'expire' };
}

interface Row {
  pr?: Partial<PullRequestSnapshot>;
  /** The folder exists, deployed at this sha (with this preview.json patch). */
  exists?: { sha: string; patch?: Record<string, unknown>; drop?: string[] };
  records?: FolderRecord[];
  config?: string | null;
  labelApproved?: boolean | null;
  changedFiles?: string[] | null;
  running?: number;
  registry?: string;
  trigger?: Partial<Extract<Trigger, { kind: 'sync' }>> | Extract<Trigger, { kind: 'action' }>;
  pull?: PullRequestSnapshot | null;
}

// The folder as previewd rendered it at `sha` a day ago, through the plan itself (a create).
function existing(row: Row, facts: PlanFacts): void {
  if (!row.exists) return;
  const made = plan({ ...facts, current: null, previous: null, records: [], config: loadPreviewConfig(null, validators), changedFiles: null, running: 0, now: new Date(NOW.getTime() - 24 * 3_600_000) }, { kind: 'sync', snapshot: { ...PR, headSha: row.exists.sha }, actor: 'alice', cause: 'pull_request.opened', override: true });
  assert.equal(made.kind, 'commit', 'the fixture renders');
  if (made.kind !== 'commit') return;
  const files = new Map<string, string>();
  for (const c of made.changes) if (c.type === 'write') files.set(c.path.split('/').pop() ?? '', String(c.content));
  const json = JSON.parse(files.get('preview.json') ?? '{}') as Record<string, unknown>;
  Object.assign(json, row.exists.patch ?? {});
  for (const k of row.exists.drop ?? []) delete json[k];
  files.set('preview.json', `${JSON.stringify(json, null, 2)}\n`);
  const read = readPreviewJson(files.get('preview.json'), validators.previewJson);
  facts.current = files;
  facts.previous = read.value;
  facts.previousProblems = read.problems;
}

function facts(row: Row): PlanFacts {
  const service = loadServiceConfig(row.registry ?? REGISTRY, validators);
  const app = service.ok ? findApp(service.value, 'demo', 'app') : null;
  const f: PlanFacts = {
    env: { owner: 'demo', repo: 'app', pr: 7 }, now: NOW, service, app, allowed: true, current: null, previous: null, previousProblems: [],
    records: row.records ?? [], pull: row.pull === undefined ? { ...PR, ...row.pr } : row.pull,
    config: row.config === null ? null : loadPreviewConfig(row.config ?? null, validators), labelApproved: row.labelApproved ?? null,
    changedFiles: row.changedFiles ?? null, running: row.running ?? 0, waitingAhead: 0, rollback: null, build: null,
    templates: assets.templates, checkPreviewJson: validators.previewJson,
  };
  existing(row, f);
  return f;
}

function run(row: Row): Plan {
  const t = row.trigger;
  const trigger: Trigger = t && 'kind' in t && t.kind === 'action' ? t : { kind: 'sync', snapshot: { ...PR, ...row.pr }, actor: 'alice', cause: 'pull_request.synchronize', override: true, ...(t as object) };
  return plan(facts(row), trigger);
}

/** `commit:<action>`, `destroy`, `wait:<place>`, `skip:<state>`. */
function shape(p: Plan): string {
  switch (p.kind) {
    case 'commit': return `commit:${p.meta.action}`;
    case 'destroy': return `destroy:${p.meta.action}`;
    case 'wait': return `wait:${p.place}`;
    case 'skip': return `skip:${p.quiet ? 'quiet' : p.state}`;
    case 'hold': return `hold:${p.state}`;
  }
}

const human = [record('manual', null, 'h'), record('update', A, 'u'), record('create', A, 'c')];
// The folder's history after `/preview destroy` by bob: the PR's opened (delivery open-7) made it at A.
const destroyed = [record('destroy', A, 'd', 'bob', 'comment-9'), record('preserve', A, 'p', 'bob', 'comment-8'), record('create', A, 'c', 'alice', 'open-7')];
const atA = { ...PR, headSha: A };
const PATHS = 'paths: ["src/**"]\n';
const table: Array<[string, Row, string, RegExp?]> = [
  ['a new PR of a registered repository is created', {}, 'commit:create'],
  ['a push updates an existing environment', { exists: { sha: A } }, 'commit:update'],
  ['the same push again changes nothing', { exists: { sha: B } }, 'skip:committed', /already is/],
  ['an unregistered repository gets nothing', { registry: REGISTRY.replace('repo: demo/*', 'repo: other/*') }, 'skip:skipped', /not registered/],
  ['outside ALLOWED_REPOS nothing is made', {}, 'skip:skipped'],
  ['a draft waits for ready', { pr: { draft: true } }, 'skip:skipped', /draft/],
  ['a closed PR destroys its environment', { pr: { state: 'closed' }, exists: { sha: A } }, 'destroy:destroy', /closed/],
  ['a preserved environment outlives its close', { pr: { state: 'closed' }, exists: { sha: A, patch: { preservedUntil: '2026-11-23T08:00:00.000Z' } } }, 'skip:skipped', /preserved until/],
  ['a fork without the label waits', { pr: { fork: true } }, 'skip:skipped', /label/],
  ['a fork labelled Preview by a maintainer is deployed', { pr: { fork: true, labels: ['Preview'] }, labelApproved: true }, 'commit:create'],
  ['a fork labelled by an outsider waits', { pr: { fork: true, labels: ['preview'] }, labelApproved: false }, 'skip:skipped', /without write access/],
  ['a new PR touching none of the paths gets nothing', { config: PATHS, changedFiles: ['README.md'] }, 'skip:skipped', /touches none/],
  ['a new PR touching the paths is created', { config: PATHS, changedFiles: ['src/a.ts'] }, 'commit:create'],
  ['an existing env whose PR no longer touches the paths keeps its last version', { config: PATHS, changedFiles: ['README.md'], exists: { sha: A } }, 'skip:skipped', /keeps its last version/],
  ['an existing env whose PR touches the paths is updated', { config: PATHS, changedFiles: ['src/a.ts'], exists: { sha: A } }, 'commit:update'],
  ['enabled: false makes nothing', { config: 'enabled: false\n' }, 'skip:skipped', /turned off/],
  ['enabled: false removes an existing environment', { config: 'enabled: false\n', exists: { sha: A } }, 'destroy:destroy', /turned off/],
  ['a config beyond the policy is refused', { config: 'addons: [cassandra]\n' }, 'skip:refused'],
  ['a full quota puts a new PR in line', { running: 20 }, 'wait:1', /place 1/],
  ['a full quota does not stop an update', { running: 20, exists: { sha: A } }, 'commit:update'],
  ['an invalid previewd.yaml is reported and changes nothing', { registry: 'domain: [not a domain\n' }, 'skip:failed', /previewd.yaml/],
  ['a human commit stands against a resync', { exists: { sha: A }, records: human, trigger: { override: false, cause: 'resync', snapshot: { ...PR, headSha: A } } }, 'skip:rolled-back', /rolled back by previewd/],
  ['a human commit stands against a redelivery of the push it undid', { exists: { sha: A }, records: human, pr: { headSha: A }, trigger: { snapshot: { ...PR, headSha: A } } }, 'skip:rolled-back'],
  ['a newer push deploys over a human commit', { exists: { sha: A }, records: human }, 'commit:update'],
  ['a redelivered close of a restored environment leaves it standing', { pr: { state: 'closed', headSha: A }, exists: { sha: A }, records: human, trigger: { snapshot: { ...PR, state: 'closed', headSha: A }, cause: 'pull_request.closed' } }, 'skip:rolled-back'],
  ['a human commit stands against an event applied before it, delivered again', { exists: { sha: A }, records: [record('manual', null, 'h'), record('update', A, 'u', 'alice', 'push-8'), record('create', B, 'c', 'alice', 'open-7')], trigger: { cause: 'pull_request.opened', delivery: 'open-7' } }, 'skip:rolled-back'],
  ['after /preview destroy, the opened it had applied, delivered again, does not make it again', { records: destroyed, trigger: { cause: 'pull_request.opened', delivery: 'open-7', snapshot: atA } }, 'skip:destroyed', /^destroyed by bob in d000000: an event from before does not bring it back/],
  ['after /preview destroy, a push of the sha it ran does not make it again', { records: destroyed, trigger: { delivery: 'sync-7', snapshot: atA } }, 'skip:destroyed'],
  ['after /preview destroy, a resync does not make it again', { records: destroyed, trigger: { override: false, cause: 'resync', snapshot: atA } }, 'skip:destroyed'],
  ['after /preview destroy, a redelivery takes no place in line', { records: destroyed, running: 20, trigger: { cause: 'pull_request.opened', delivery: 'open-7', snapshot: atA } }, 'skip:destroyed'],
  ['after /preview destroy, a reopen makes it again', { records: destroyed, trigger: { cause: 'pull_request.reopened', delivery: 'reopen-7', snapshot: atA } }, 'commit:create'],
  ['after /preview destroy, a reopen let out of the waiting line makes it again', { records: destroyed, trigger: { cause: 'slot-freed', delivery: 'reopen-7', snapshot: atA } }, 'commit:create'],
  ['after a destroy, an opened GitHub sent anew makes it again (the recorded examples: closed, then opened)', { records: destroyed, trigger: { cause: 'pull_request.opened', delivery: 'open-7-anew', snapshot: atA } }, 'commit:create'],
  ['after /preview destroy, a new push makes it again', { records: destroyed, trigger: { delivery: 'sync-8' } }, 'commit:create'],
  ['after /preview destroy, /preview redeploy makes it again', { records: destroyed, trigger: { kind: 'action', action: { kind: 'redeploy' }, actor: 'bob', cause: 'comment' } }, 'commit:create'],
  ['after an expiry, the opened it had applied, delivered again, does not make it again', { records: [record('expire', A, 'e'), record('create', A, 'c', 'alice', 'open-7')], trigger: { cause: 'pull_request.opened', delivery: 'open-7', snapshot: atA } }, 'skip:destroyed', /^expired/],
  ['a command wins over a human commit', { exists: { sha: A }, records: human, trigger: { kind: 'action', action: { kind: 'sleep' }, actor: 'bob', cause: 'comment' } }, 'commit:sleep'],
  ['a push while sleeping updates and stays asleep', { exists: { sha: A, patch: { sleeping: true } } }, 'commit:update'],
  ['/preview wake brings a sleeping env back', { exists: { sha: A, patch: { sleeping: true } }, trigger: { kind: 'action', action: { kind: 'wake' }, actor: 'bob', cause: 'comment' } }, 'commit:wake'],
  ['/preview preserve commits the new date', { exists: { sha: A }, trigger: { kind: 'action', action: { kind: 'preserve', duration: '7d' }, actor: 'bob', cause: 'comment' } }, 'commit:preserve'],
  ['/preview preserve beyond maxTtl is refused quietly', { exists: { sha: A }, trigger: { kind: 'action', action: { kind: 'preserve', duration: '30d' }, actor: 'bob', cause: 'comment' } }, 'skip:quiet', /at most/],
  ['an expired env expires', { exists: { sha: A, patch: { expiresAt: '2026-11-22T07:00:00.000Z' } }, trigger: { kind: 'action', action: { kind: 'expire' }, actor: 'previewd', cause: 'ttl' } }, 'destroy:expire'],
  ['an expired but preserved env stays', { exists: { sha: A, patch: { expiresAt: '2026-11-22T07:00:00.000Z', preservedUntil: '2026-11-23T00:00:00.000Z' } }, trigger: { kind: 'action', action: { kind: 'expire' }, actor: 'previewd', cause: 'ttl' } }, 'skip:quiet', /not expired/],
  ['/preview destroy of nothing is not found', { trigger: { kind: 'action', action: { kind: 'destroy' }, actor: 'bob', cause: 'comment' } }, 'skip:quiet', /no preview environment/],
  ['/preview redeploy deploys over a human commit', { exists: { sha: A }, records: human, trigger: { kind: 'action', action: { kind: 'redeploy' }, actor: 'bob', cause: 'comment' } }, 'commit:update'],
  ['a preserve of a hand-edited preview.json without branch fills it from the PR', { exists: { sha: A, drop: ['branch', 'url'] }, trigger: { kind: 'action', action: { kind: 'preserve', duration: '1d' }, actor: 'bob', cause: 'comment' } }, 'commit:preserve'],
];

describe('plan: DESIGN.md\'s rules as a table', () => {
  for (const [name, row, expected, reason] of table) {
    test(name, () => {
      const p = name.startsWith('outside ALLOWED_REPOS') ? plan({ ...facts(row), allowed: false }, { kind: 'sync', snapshot: PR, actor: 'alice', cause: 'pull_request.opened', override: true }) : run(row);
      assert.equal(shape(p), expected, JSON.stringify(p).slice(0, 400));
      if (reason) assert.match(p.kind === 'commit' ? (p.reason ?? '') : p.reason, reason);
    });
  }

  test('every commit carries the whole set of trailers; the Argo CD sha only when it is a full sha', () => {
    for (const row of table.map(([, r]) => r)) {
      const p = run(row);
      if (p.kind !== 'commit' && p.kind !== 'destroy') continue;
      assert.ok(p.meta.id, 'Preview-Id');
      assert.ok(p.meta.repoUrl, 'Argocd-reference-commit-repourl');
      assert.match(p.meta.sha ?? '', /^[0-9a-f]{40}$/);
      assert.equal(p.meta.referenceSha, p.meta.sha);
    }
    // A SHA-256 head (64 digits) is a valid preview.json sha but not what Argo CD's trailer takes.
    const long = plan(facts({ exists: { sha: A, patch: { sha: 'C'.repeat(64) } } }), { kind: 'action', action: { kind: 'destroy' }, actor: 'bob', cause: 'api' });
    assert.equal(long.kind, 'destroy');
    if (long.kind === 'destroy') {
      assert.equal(long.meta.sha, 'c'.repeat(64), 'read back lower-cased');
      assert.equal(long.meta.referenceSha, undefined);
      assert.match(long.meta.reason ?? '', /Argocd-reference-commit-sha is left out/);
    }
  });

  test('the preview.json a preserve writes over a hand-edited one is whole and valid', () => {
    const p = run({ exists: { sha: A, drop: ['branch', 'url'] }, trigger: { kind: 'action', action: { kind: 'preserve', duration: '1d' }, actor: 'bob', cause: 'comment' } });
    assert.equal(p.kind, 'commit');
    if (p.kind !== 'commit') return;
    const json = p.changes.find((c) => c.type === 'write' && c.path.endsWith('preview.json'));
    const read = readPreviewJson(json?.type === 'write' ? String(json.content) : null, validators.previewJson);
    assert.deepEqual(read.problems, []);
    assert.equal(read.value?.branch, 'feature');
  });
});

describe('plan: rollback (the API, the PR command and the CLI)', () => {
  const rollback: Trigger = { kind: 'action', action: { kind: 'rollback', to: 'c'.repeat(40) }, actor: 'bob', cause: 'cli' };

  test('restores the target\'s overlay with its app sha; the same rollback an hour later changes nothing', () => {
    const f = facts({ exists: { sha: A } });
    const atB = facts({ exists: { sha: B } }).current;
    assert.ok(atB);
    f.rollback = { found: true, commit: 'c'.repeat(40), files: atB, sha: B };
    const first = plan(f, rollback);
    assert.equal(shape(first), 'commit:rollback');
    if (first.kind !== 'commit') return;
    assert.equal(first.preview?.sha, B);
    assert.equal(first.meta.target, 'c'.repeat(40));
    const after = new Map(f.current);
    for (const c of first.changes) if (c.type === 'write') after.set(c.path.split('/').pop() ?? '', String(c.content));
    assert.equal(after.get('kustomization.yaml'), atB.get('kustomization.yaml'), 'the overlay is the target\'s');
    const again = plan({ ...f, current: after, previous: readPreviewJson(after.get('preview.json'), validators.previewJson).value, now: new Date(NOW.getTime() + 3_600_000) }, rollback);
    assert.equal(shape(again), 'skip:quiet');
    assert.match(again.kind === 'skip' ? again.reason : '', /already is as it was at that commit/);
  });
});
