import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { loadAssets, type Assets } from '../../src/assets/load-assets.ts';
import { buildVerdict, type BuildFacts } from '../../src/domain/build-verdict.ts';
import { buildWaitOutcome } from '../../src/domain/build-wait-outcome.ts';
import { createConfigValidators, type ConfigValidators } from '../../src/domain/config-validators.ts';
import { findApp } from '../../src/domain/find-app.ts';
import { loadPreviewConfig, loadServiceConfig } from '../../src/domain/load-config.ts';
import { plan, type Plan, type PlanFacts, type Trigger } from '../../src/domain/plan.ts';
import type { BuildFact } from '../../src/domain/plan-types.ts';
import type { PullRequestSnapshot } from '../../src/domain/pull-request.ts';
import { readPreviewJson } from '../../src/domain/read-preview-json.ts';
import { compileWaitFor } from '../../src/domain/wait-for.ts';

// The `waitFor` rule of the plan as a table: one row per situation DESIGN.md names (issue 13). Each row
// starts from an open PR of demo/app whose app waits for `build` and `ci / *`, and says what the
// build looks like; the verdict comes from the real buildVerdict, so the rows read as GitHub would answer.
const NOW = new Date('2026-11-22T08:00:00Z');
const STARTED = new Date('2026-11-22T07:50:00Z');
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const PR: PullRequestSnapshot = {
  owner: 'demo', repo: 'app', pr: 7, state: 'open', merged: false, draft: false, headSha: B, headRef: 'feature', fork: false,
  author: 'alice', labels: [], repoUrl: 'https://github.com/demo/app',
};
const SKELETON = readFileSync(new URL('../../gitops-repo-skeleton/previewd.yaml', import.meta.url), 'utf8');
const WAITING = SKELETON.replace('    port: 8080', '    port: 8080\n    waitFor: { checks: [build, "ci / *"], timeout: 2h }');

let assets: Assets;
let validators: ConfigValidators;
before(async () => {
  assets = await loadAssets();
  validators = createConfigValidators(assets.schemas);
});

const run = (name: string, status: string, conclusion: string | null = null) => ({ id: name.length, name, status, conclusion, url: `https://github.com/demo/app/runs/${name.length}`, startedAt: STARTED.toISOString() });

interface Row {
  registry?: string;
  /** The environment exists, deployed at this sha. */
  deployed?: string;
  /** What GitHub says of the head sha's checks; null: the gather did not ask (no wait expected). */
  checks?: Partial<BuildFacts> | null;
  build?: BuildFact | null;
  now?: Date;
  pr?: Partial<PullRequestSnapshot>;
  running?: number;
  trigger?: Partial<Extract<Trigger, { kind: 'sync' }>>;
}

function factsOf(row: Row): PlanFacts {
  const service = loadServiceConfig(row.registry ?? WAITING, validators);
  assert.ok(service.ok, JSON.stringify(service));
  const app = findApp(service.value, 'demo', 'app');
  assert.ok(app);
  const head = row.pr?.headSha ?? B;
  const wait = app.waitFor ?? service.value.defaults.waitFor;
  const build: BuildFact | null = row.build !== undefined ? row.build : row.checks === null || wait === undefined ? null : {
    sha: head,
    outcome: buildWaitOutcome(buildVerdict(compileWaitFor(wait), { checkRuns: [], statuses: [], startedAt: STARTED, now: row.now ?? NOW, ...row.checks }), { sha: head, startedAt: STARTED, timeout: wait.timeout }),
  };
  const f: PlanFacts = {
    env: { owner: 'demo', repo: 'app', pr: 7 }, now: row.now ?? NOW, service, app, allowed: true, current: null, previous: null, previousProblems: [],
    records: [], pull: { ...PR, ...row.pr }, config: loadPreviewConfig(null, validators), labelApproved: null, changedFiles: null,
    running: row.running ?? 0, waitingAhead: 0, rollback: null, build, templates: assets.templates, checkPreviewJson: validators.previewJson,
  };
  if (row.deployed) {
    // The folder as previewd rendered it at `deployed` an hour ago (its build passed then).
    const plain = loadServiceConfig(SKELETON, validators);
    const made = plan({ ...f, build: null, service: plain, app: plain.ok ? findApp(plain.value, 'demo', 'app') : null }, { kind: 'sync', snapshot: { ...PR, headSha: row.deployed }, actor: 'alice', cause: 'pull_request.opened', override: true });
    assert.equal(made.kind, 'commit');
    if (made.kind === 'commit') {
      const files = new Map<string, string>();
      for (const c of made.changes) if (c.type === 'write') files.set(c.path.split('/').pop() ?? '', String(c.content));
      f.current = files;
      f.previous = readPreviewJson(files.get('preview.json'), validators.previewJson).value;
    }
  }
  return f;
}

function decide(row: Row): Plan {
  return plan(factsOf(row), { kind: 'sync', snapshot: { ...PR, ...row.pr }, actor: 'alice', cause: 'pull_request.synchronize', override: true, ...row.trigger });
}

function shape(p: Plan): string {
  switch (p.kind) {
    case 'commit': return `commit:${p.meta.action}@${(p.meta.sha ?? '').slice(0, 1)}`;
    case 'hold': return `hold:${p.state}`;
    case 'skip': return `skip:${p.state}`;
    case 'wait': return `wait:${p.place}`;
    case 'destroy': return 'destroy';
  }
}

const passed = { checkRuns: [run('build', 'completed', 'success'), run('ci / image', 'completed', 'success')] };
const table: Array<[string, Row, string, RegExp?]> = [
  ['without waitFor a new PR is created at once', { registry: SKELETON, checks: null }, 'commit:create@b'],
  ['a new PR while build runs is held: building, naming what is pending', { checks: { checkRuns: [run('build', 'in_progress')] } }, 'hold:building', /waiting for build: build, ci \/ \*/],
  ['nothing reported yet: every glob is awaited', { checks: {} }, 'hold:building', /build, ci \/ \*/],
  ['every check passed: created at the head sha', { checks: passed }, 'commit:create@b'],
  ['a push to a deployed environment waits again; nothing is committed', { deployed: A, checks: { checkRuns: [run('build', 'queued')] } }, 'hold:building'],
  ['a push whose build passed updates', { deployed: A, checks: passed }, 'commit:update@b'],
  ['a failed check: failed, naming the check and its conclusion', { checks: { checkRuns: [run('build', 'completed', 'failure'), run('ci / image', 'completed', 'success')] } }, 'hold:failed', /build failed: build failure/],
  ['a failed check keeps the deployed environment as it is', { deployed: A, checks: { checkRuns: [run('build', 'completed', 'cancelled')] } }, 'hold:failed', /build cancelled/],
  ['a glob: one of ci / * still running holds', { checks: { checkRuns: [run('build', 'completed', 'success'), run('ci / image', 'completed', 'success'), run('ci / test', 'in_progress')] } }, 'hold:building', /ci \/ test$/],
  ['a commit status instead of a check run passes', { registry: WAITING.replace('[build, "ci / *"]', '["ci/jenkins"]'), checks: { statuses: [{ context: 'ci/jenkins', state: 'success', url: null, since: null }] } }, 'commit:create@b'],
  ['a pending commit status holds', { registry: WAITING.replace('[build, "ci / *"]', '["ci/jenkins"]'), checks: { statuses: [{ context: 'ci/jenkins', state: 'pending', url: null, since: null }] } }, 'hold:building', /ci\/jenkins/],
  ['past the timeout: failed, saying so', { now: new Date(STARTED.getTime() + 2 * 3_600_000), checks: { checkRuns: [run('build', 'in_progress')] } }, 'hold:failed', /not finished within 2h: build/],
  ['the sha already deployed needs no wait (a resync)', { deployed: B, checks: null, trigger: { override: false, cause: 'resync' } }, 'skip:committed', /already is/],
  ['a build verdict of another sha never deploys this one', { build: { sha: A, outcome: { deploy: true, state: null, build: null, detail: null } } }, 'hold:failed', /could not check/],
  ['no GitHub to ask: failed, nothing deployed', { build: { sha: B, unavailable: 'waitFor lists checks, but previewd has no GitHub access' } }, 'hold:failed', /no GitHub access/],
  ['the defaults\' waitFor applies to an app without its own', { registry: SKELETON.replace('  maxPreviews: 20', '  maxPreviews: 20\n  waitFor: { checks: [build], timeout: 1h }'), checks: {} }, 'hold:building', /build/],
  ['an app\'s checks: [] opts out of the defaults\'', { registry: SKELETON.replace('  maxPreviews: 20', '  maxPreviews: 20\n  waitFor: { checks: [build], timeout: 1h }').replace('    port: 8080', '    port: 8080\n    waitFor: { checks: [] }'), checks: null }, 'commit:create@b'],
  ['a held build takes no slot: a full quota still says building', { running: 20, checks: {} }, 'hold:building'],
  ['once built, a full quota puts it in line', { running: 20, checks: passed }, 'wait:1'],
  ['a draft is a draft before any build', { pr: { draft: true }, checks: {} }, 'skip:skipped', /draft/],
  ['a closed PR is destroyed whatever its build', { deployed: A, pr: { state: 'closed' }, checks: {}, trigger: { cause: 'pull_request.closed' } }, 'destroy'],
];

describe('plan: the waitFor rule as a table', () => {
  for (const [name, row, expected, reason] of table) {
    test(name, () => {
      const p = decide(row);
      assert.equal(shape(p), expected, JSON.stringify(p).slice(0, 400));
      if (reason) assert.match('reason' in p ? (p.reason ?? '') : '', reason);
      if (p.kind === 'hold') assert.equal(p.sha, row.pr?.headSha ?? B, 'held at the head sha');
    });
  }

  test('a hold carries the comment\'s view: what is pending with its link, or the failed check with its link', () => {
    const waiting = decide({ checks: { checkRuns: [run('build', 'in_progress')] } });
    assert.equal(waiting.kind, 'hold');
    if (waiting.kind !== 'hold') return;
    assert.equal(waiting.build?.verdict, 'wait');
    if (waiting.build?.verdict !== 'wait') return;
    assert.deepEqual(waiting.build.pending.map((c) => [c.name, c.state, c.url]), [['build', 'in_progress', 'https://github.com/demo/app/runs/5'], ['ci / *', 'expected', null]]);
    assert.equal(waiting.build.since, STARTED.toISOString());
    const failed = decide({ checks: { checkRuns: [run('build', 'completed', 'failure')] } });
    assert.ok(failed.kind === 'hold' && failed.build?.verdict === 'fail');
    if (failed.kind === 'hold' && failed.build?.verdict === 'fail') assert.deepEqual(failed.build.failed, { name: 'build', kind: 'check', conclusion: 'failure', url: 'https://github.com/demo/app/runs/5' });
  });

  test('the first report of a just-opened PR is marked (no comment to search for yet)', () => {
    const opened = decide({ checks: {}, trigger: { cause: 'pull_request.opened' } });
    const pushed = decide({ deployed: A, checks: {}, trigger: { cause: 'pull_request.opened' } });
    assert.deepEqual([opened.kind === 'hold' && opened.firstReport, pushed.kind === 'hold' && pushed.firstReport], [true, false]);
  });
});
