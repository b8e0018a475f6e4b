import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { applicationState, type ApplicationStateInput, type ApplicationStateView } from '../../src/domain/application-state.ts';
import { NO_RESOURCE_HEALTH } from '../../src/domain/argo-reasons.ts';
import type { ArgoApplication } from '../../src/ports/cluster.ts';

const testdata = path.resolve(fileURLToPath(new URL('../../', import.meta.url)), 'test', 'fixtures', 'argo-cd', 'testdata');

async function real(name: string): Promise<ArgoApplication> {
  const app = parse(await readFile(path.join(testdata, `${name}.yaml`), 'utf8')) as ArgoApplication;
  app.metadata ??= { name: 'shop-pr-42-acme-k3j5x7qa' };
  return app;
}

const healthy = await real('application-healthy');
const degraded = await real('application-degraded');
const fromAppSet = await real('application-from-applicationset');
const COMMIT = 'c0ffee0000000000000000000000000000000001';
const NOW = new Date('2025-01-02T03:10:00Z');

// Variations reach into Argo CD's fields freely, including ones previewd does not type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Status = Record<string, any>;

/** The real ApplicationSet-made object with its status changed as `edit` says (a deep copy). */
function variant(edit: (status: Status) => void): ArgoApplication {
  const app = structuredClone(fromAppSet);
  edit(app.status as Status);
  return app;
}

function state(app: ArgoApplication | null, more: Partial<ApplicationStateInput> = {}): ApplicationStateView {
  return applicationState({ app, lastCommit: COMMIT, revisionContainsCommit: true, committedAt: new Date('2025-01-02T03:08:00Z'), now: NOW, ...more });
}

const unhealthyResources = (s: Status) => {
  s.health = { status: 'Degraded', message: 'Deployment "test-lla" exceeded its progress deadline' };
  s.resources[1].health = { status: 'Degraded', message: 'Deployment "test-lla" exceeded its progress deadline' };
};

describe('applicationState: the real Argo CD objects', () => {
  test('from-applicationset (Synced, Succeeded, Healthy) is ready when its revision contains the commit', () => {
    const view = state(fromAppSet);
    assert.deepEqual(view, { state: 'ready', reasons: [], sync: 'Synced', health: 'Healthy', revision: 'rev1', url: null });
  });
  test('healthy (health only, no sync or operation) is not ready', () => {
    const view = state(healthy);
    assert.equal(view.state, 'deploying');
    assert.equal(view.health, 'Healthy');
    assert.equal(view.sync, null);
  });
  test('degraded (health only) is deploying while Argo CD has not applied the commit, failed once it has', () => {
    assert.equal(state(degraded).state, 'deploying');
    const synced = structuredClone(degraded);
    synced.status!.sync = { status: 'Synced', revision: COMMIT };
    assert.deepEqual(state(synced).reasons, ['health Degraded']);
    assert.equal(state(synced).state, 'failed');
  });
});

describe('applicationState: each rule and its negative case', () => {
  const cases: Array<[name: string, app: ArgoApplication | null, more: Partial<ApplicationStateInput>, expected: ApplicationStateView['state'], reason?: string | RegExp]> = [
    ['ready needs revisionContainsCommit === true: false is deploying', fromAppSet, { revisionContainsCommit: false }, 'deploying', /^Argo CD has not synced previewd's latest commit yet \(revision rev1, previewd's commit c0ffee0\)$/],
    ['ready needs revisionContainsCommit === true: unknown is deploying', fromAppSet, { revisionContainsCommit: null }, 'deploying', /not yet confirmed/],
    ['ready needs Synced: OutOfSync is deploying', variant((s) => { s.sync.status = 'OutOfSync'; }), {}, 'deploying', /OutOfSync/],
    ['ready needs Synced: a missing sync block is deploying', variant((s) => { delete s.sync; }), {}, 'deploying', /no sync status/],
    ['ready needs Succeeded: Running is deploying', variant((s) => { s.operationState.phase = 'Running'; s.operationState.message = 'waiting for healthy state of apps/Deployment/test-lla'; }), {}, 'deploying', 'Argo CD is syncing: waiting for healthy state of apps/Deployment/test-lla'],
    ['ready needs Succeeded: no operation at all is deploying', variant((s) => { delete s.operationState; }), {}, 'deploying', /successful sync operation/],
    ['ready needs Healthy: Progressing is deploying', variant((s) => { s.health = { status: 'Progressing', message: 'Waiting for rollout' }; }), {}, 'deploying', 'health is Progressing: Waiting for rollout'],
    ['ready needs Healthy: Suspended is deploying', variant((s) => { s.health.status = 'Suspended'; }), {}, 'deploying', /Suspended/],
    ['Degraded with resource health lists the unhealthy resource', variant(unhealthyResources), {}, 'failed', 'Deployment/test-lla: Degraded: Deployment "test-lla" exceeded its progress deadline'],
    ['Degraded without resource health (Argo CD 3) says so', variant((s) => { s.health = { status: 'Degraded' }; for (const r of s.resources) delete r.health; }), {}, 'failed', NO_RESOURCE_HEALTH],
    ['Missing health once synced is failed', variant((s) => { s.health = { status: 'Missing' }; }), {}, 'failed', 'health Missing'],
    ['Missing while OutOfSync (a new Application) is deploying', variant((s) => { s.health = { status: 'Missing' }; s.sync.status = 'OutOfSync'; delete s.operationState; }), {}, 'deploying'],
    ['Degraded at an older revision is deploying, with a note', variant(unhealthyResources), { revisionContainsCommit: false }, 'deploying'],
    ['a failed operation is failed with its message and failed resources', variant((s) => {
      s.operationState.phase = 'Failed';
      s.operationState.message = 'one or more objects failed to apply, reason: Deployment.apps "test-lla" is invalid';
      s.operationState.syncResult.resources[1].status = 'SyncFailed';
      s.operationState.syncResult.resources[1].message = 'spec.template.spec.containers[0].image: Required value';
    }), {}, 'failed', 'Deployment/test-lla: SyncFailed: spec.template.spec.containers[0].image: Required value'],
    ['an Error phase is failed', variant((s) => { s.operationState.phase = 'Error'; s.operationState.message = 'rpc error'; }), {}, 'failed', 'sync operation Error: rpc error'],
    ['a failed operation at an older revision is deploying', variant((s) => { s.operationState.phase = 'Failed'; }), { revisionContainsCommit: false }, 'deploying'],
    ['an error condition is failed, even before the commit is reached', variant((s) => { s.conditions = [{ type: 'ComparisonError', message: 'rpc error: repository not found' }]; s.sync.status = 'Unknown'; }), { revisionContainsCommit: false }, 'failed', 'ComparisonError: rpc error: repository not found'],
    ['InvalidSpecError is failed', variant((s) => { s.conditions = [{ type: 'InvalidSpecError', message: 'application destination namespace pv-x is not permitted in project' }]; }), {}, 'failed', /^InvalidSpecError: /],
    ['a warning condition is not a failure', variant((s) => { s.conditions = [{ type: 'SharedResourceWarning', message: 'shared' }]; }), {}, 'ready'],
    ['a running retry after a SyncError is deploying, the error a note', variant((s) => { s.conditions = [{ type: 'SyncError', message: 'failed' }]; s.operationState.phase = 'Running'; delete s.operationState.message; }), {}, 'deploying', 'Argo CD is syncing'],
    ['no Application is committed, no reason yet', null, {}, 'committed'],
    ['no Application after 5 minutes: the ApplicationSet did not pick it up', null, { committedAt: new Date('2025-01-02T03:04:00Z') }, 'committed', /^Argo CD has not created the Application 6 minutes after the commit: the ApplicationSet did not pick it up\. Check the ApplicationSet controller's logs.*repoURL and revision.*path pattern/],
    ['the pickup bound is configurable', null, { pickupTimeoutMs: 60_000 }, 'committed', /2 minutes after the commit/],
    ['no commit time: no pickup reason', null, { committedAt: null }, 'committed'],
  ];
  for (const [name, app, more, expected, reason] of cases) {
    test(name, () => {
      const view = state(app, more);
      assert.equal(view.state, expected, JSON.stringify(view));
      if (reason === undefined && expected !== 'deploying' && expected !== 'failed') assert.deepEqual(view.reasons, []);
      if (typeof reason === 'string') assert.ok(view.reasons.includes(reason), JSON.stringify(view.reasons));
      if (reason instanceof RegExp) assert.ok(view.reasons.some((r) => reason.test(r)), JSON.stringify(view.reasons));
      if (expected !== 'ready') assert.ok(view.reasons.length > 0 || expected === 'committed', 'a state short of ready says why');
    });
  }

  test('a running retry keeps the error condition as a note', () => {
    const view = state(variant((s) => { s.conditions = [{ type: 'SyncError', message: 'failed' }]; s.operationState.phase = 'Running'; }));
    assert.equal(view.note, 'Argo CD also reports SyncError: failed');
  });
  test('a stale Degraded revision is reported as a note, not as the reason', () => {
    const view = state(variant(unhealthyResources), { revisionContainsCommit: false });
    assert.match(view.note ?? '', /^the revision Argo CD runs now: health Degraded/);
  });
});

describe('applicationState: defensive reading', () => {
  test('the URL is the first http(s) external URL', () => {
    const app = variant((s) => { s.summary.externalURLs = [42, 'javascript:alert(1)', 'https://pv-shop-42.preview.example.com/', 'https://second/']; });
    assert.equal(state(app).url, 'https://pv-shop-42.preview.example.com/');
    assert.equal(state(variant((s) => { s.summary.externalURLs = 'https://x/'; })).url, null);
  });
  test('fields of the wrong shape never throw and never make ready', () => {
    const shapes: unknown[] = [
      { metadata: { name: 'x' } },
      { metadata: { name: 'x' }, status: null },
      { metadata: { name: 'x' }, status: 'Synced' },
      { metadata: { name: 'x' }, status: { sync: [], health: 1, operationState: 'Succeeded', conditions: {}, resources: 'x', summary: null } },
      { metadata: { name: 'x' }, status: { sync: { status: 1 }, health: { status: ['Healthy'] }, operationState: { phase: {} } } },
      { metadata: { name: 'x' }, status: { conditions: [null, 1, { type: 5 }, { type: 'SyncError', message: {} }] } },
      { metadata: { name: 'x' }, status: { health: { status: 'Degraded' }, sync: { status: 'Synced' }, resources: [null, { health: 'bad' }, { kind: 1, health: { status: 'Degraded', message: 7 } }] } },
    ];
    for (const app of shapes) {
      const view = state(app as ArgoApplication);
      assert.notEqual(view.state, 'ready', JSON.stringify(app));
      assert.ok(view.reasons.every((r) => typeof r === 'string'));
    }
    assert.deepEqual(state(shapes[5] as ArgoApplication).reasons, ['SyncError']);
    assert.ok(state(shapes[6] as ArgoApplication).reasons.includes('resource/?: Degraded'));
  });
  test('long and multi-line messages become one bounded line', () => {
    const view = state(variant((s) => { s.conditions = [{ type: 'ComparisonError', message: `line one\nline two ${'x'.repeat(2000)}` }]; }));
    assert.equal(view.reasons.length, 1);
    assert.ok(!view.reasons[0]!.includes('\n'));
    assert.ok(view.reasons[0]!.length < 450);
  });
  test('many unhealthy resources are capped', () => {
    const view = state(variant((s) => {
      s.health.status = 'Degraded';
      s.resources = Array.from({ length: 25 }, (_, i) => ({ kind: 'Pod', name: `p${i}`, health: { status: 'Degraded' } }));
    }));
    assert.equal(view.reasons.length, 1 + 10 + 1);
    assert.match(view.reasons.at(-1)!, /and 15 more resources/);
  });
});
