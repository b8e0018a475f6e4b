import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildVerdict, type BuildFacts, type BuildVerdict, type CheckRunFact, type StatusFact } from '../../src/domain/build-verdict.ts';
import { compileWaitFor } from '../../src/domain/wait-for.ts';

const START = new Date('2025-01-02T03:00:00Z');
const NOW = new Date('2025-01-02T03:10:00Z');
const LATE = new Date('2025-01-02T05:00:00Z');
const DEADLINE = '2025-01-02T05:00:00.000Z';

let nextId = 1;
function run(name: string, status: string, conclusion: string | null = null, startedAt: string | null = '2025-01-02T03:01:00Z'): CheckRunFact {
  return { id: nextId++, name, status, conclusion, url: `https://github.com/acme/shop/runs/${nextId}`, startedAt };
}
function status(context: string, state: StatusFact['state']): StatusFact {
  return { context, state, url: `https://ci.example.com/${context}`, since: '2025-01-02T03:02:00Z' };
}

function verdict(checks: string[], facts: Partial<BuildFacts>, image = false): BuildVerdict {
  return buildVerdict(compileWaitFor({ checks, timeout: '2h', image }), { checkRuns: [], statuses: [], startedAt: START, now: NOW, ...facts });
}

/** What the verdict says in one line: the verdict, then the pending names with their state, or the failure. */
function summary(v: BuildVerdict): string {
  switch (v.verdict) {
    case 'pass':
      return 'pass';
    case 'fail':
      return `fail ${v.failed.kind} ${v.failed.name} ${v.failed.conclusion}`;
    default:
      return `${v.verdict}${'needsImages' in v && v.needsImages ? ' (images)' : ''} ${v.pending.map((p) => `${p.name}=${p.state}`).join(', ')}`;
  }
}

describe('buildVerdict', () => {
  const table: Array<[name: string, checks: string[], facts: Partial<BuildFacts>, expected: string, image?: boolean]> = [
    ['nothing reported yet: every glob is expected', ['build', 'ci / *'], {}, 'wait build=expected, ci / *=expected'],
    ['a run in progress', ['build'], { checkRuns: [run('build', 'in_progress')] }, 'wait build=in_progress'],
    ['a queued run', ['build'], { checkRuns: [run('build', 'queued', null, null)] }, 'wait build=queued'],
    ['success', ['build'], { checkRuns: [run('build', 'completed', 'success')] }, 'pass'],
    ['neutral and skipped pass', ['lint', 'docs'], { checkRuns: [run('lint', 'completed', 'neutral'), run('docs', 'completed', 'skipped')] }, 'pass'],
    ['failure', ['build'], { checkRuns: [run('build', 'completed', 'failure')] }, 'fail check build failure'],
    ['cancelled fails', ['build'], { checkRuns: [run('build', 'completed', 'cancelled')] }, 'fail check build cancelled'],
    ['timed_out fails', ['build'], { checkRuns: [run('build', 'completed', 'timed_out')] }, 'fail check build timed_out'],
    ['action_required fails', ['build'], { checkRuns: [run('build', 'completed', 'action_required')] }, 'fail check build action_required'],
    ['a failure decides while others still run', ['build', 'test'], { checkRuns: [run('build', 'in_progress'), run('test', 'completed', 'failure')] }, 'fail check test failure'],
    ['checks not asked for do not count', ['build'], { checkRuns: [run('build', 'completed', 'success'), run('flaky', 'completed', 'failure')] }, 'pass'],
    ['a glob: every match must pass', ['ci / *'], { checkRuns: [run('ci / image', 'completed', 'success'), run('ci / test', 'in_progress')] }, 'wait ci / test=in_progress'],
    ['a glob: all matches passed', ['ci / *'], { checkRuns: [run('ci / image', 'completed', 'success'), run('ci / test', 'completed', 'success')] }, 'pass'],
    ['a glob: one match failed', ['ci / *'], { checkRuns: [run('ci / image', 'completed', 'success'), run('ci / test', 'completed', 'failure')] }, 'fail check ci / test failure'],
    ['one glob met, one not yet', ['build', 'deploy-*'], { checkRuns: [run('build', 'completed', 'success')] }, 'wait deploy-*=expected'],
    ['a commit status instead of a check run', ['ci/circleci: build'], { statuses: [status('ci/circleci: build', 'success')] }, 'pass'],
    ['a pending status', ['ci/*'], { statuses: [status('ci/jenkins', 'pending')] }, 'wait ci/jenkins=pending'],
    ['a failed status', ['ci/*'], { statuses: [status('ci/jenkins', 'failure')] }, 'fail status ci/jenkins failure'],
    ['an errored status', ['ci/*'], { statuses: [status('ci/jenkins', 'error')] }, 'fail status ci/jenkins error'],
    ['a run and a status of one name must both pass', ['build'], { checkRuns: [run('build', 'completed', 'success')], statuses: [status('build', 'pending')] }, 'wait build=pending'],
    ['previewd’s own status never counts (it would wait for itself)', ['*'], { statuses: [status('previewd', 'pending')] }, 'wait *=expected'],
    ['previewd’s own failure is not a build failure', ['*'], { checkRuns: [run('build', 'completed', 'success')], statuses: [status('previewd', 'failure')] }, 'pass'],
    ['a re-run after a failure: the newest counts', ['build'], {
      checkRuns: [run('build', 'completed', 'failure', '2025-01-02T03:01:00Z'), run('build', 'in_progress', null, '2025-01-02T03:05:00Z')],
    }, 'wait build=in_progress'],
    ['a re-run that succeeded, listed first', ['build'], {
      checkRuns: [run('build', 'completed', 'success', '2025-01-02T03:05:00Z'), run('build', 'completed', 'failure', '2025-01-02T03:01:00Z')],
    }, 'pass'],
    ['a re-run queued (not started) is newer than a started one', ['build'], {
      checkRuns: [run('build', 'completed', 'failure', '2025-01-02T03:01:00Z'), run('build', 'queued', null, null)],
    }, 'wait build=queued'],
    ['overlapping globs list a check once', ['build', 'b*'], { checkRuns: [run('build', 'in_progress')] }, 'wait build=in_progress'],
    ['past the timeout', ['build'], { checkRuns: [run('build', 'in_progress')], now: LATE }, 'timed-out build=in_progress'],
    ['past the timeout, nothing ever reported', ['build'], { now: LATE }, 'timed-out build=expected'],
    ['a failure past the timeout is still a failure', ['build'], { checkRuns: [run('build', 'completed', 'failure')], now: LATE }, 'fail check build failure'],
    ['a pass past the timeout is still a pass', ['build'], { checkRuns: [run('build', 'completed', 'success')], now: LATE }, 'pass'],
    ['image: the checks passed, the images must be looked up', ['build'], { checkRuns: [run('build', 'completed', 'success')] }, 'wait (images) ', true],
    ['image: not asked while the checks run', ['build'], { checkRuns: [run('build', 'in_progress')] }, 'wait build=in_progress', true],
    ['image: the tag is missing', ['build'], { checkRuns: [run('build', 'completed', 'success')], images: [{ ref: 'ghcr.io/acme/shop:abc', exists: false }] }, 'wait ghcr.io/acme/shop:abc=missing', true],
    ['image: the tag exists', ['build'], { checkRuns: [run('build', 'completed', 'success')], images: [{ ref: 'ghcr.io/acme/shop:abc', exists: true }] }, 'pass', true],
    ['image alone', [], { images: [{ ref: 'ghcr.io/acme/shop:abc', exists: true }, { ref: 'ghcr.io/acme/worker:abc', exists: false }] }, 'wait ghcr.io/acme/worker:abc=missing', true],
    ['image: missing past the timeout', [], { images: [{ ref: 'ghcr.io/acme/shop:abc', exists: false }], now: LATE }, 'timed-out ghcr.io/acme/shop:abc=missing', true],
    ['image: not looked up past the timeout asks to look first', [], { now: LATE }, 'wait (images) ', true],
  ];
  for (const [name, checks, facts, expected, image] of table) {
    test(name, () => assert.equal(summary(verdict(checks, facts, image)), expected));
  }

  test('a wait carries the deadline, and each pending check its link and since', () => {
    const v = verdict(['build', 'ci/*'], { checkRuns: [run('build', 'in_progress')], statuses: [status('ci/jenkins', 'pending')] });
    assert.equal(v.verdict, 'wait');
    assert.ok(v.verdict === 'wait');
    assert.equal(v.deadline, DEADLINE);
    assert.deepEqual(v.pending.map((p) => [p.kind, p.name, p.url?.startsWith('https://') ?? false, p.since]), [
      ['check', 'build', true, '2025-01-02T03:01:00Z'],
      ['status', 'ci/jenkins', true, '2025-01-02T03:02:00Z'],
    ]);
  });

  test('a failure carries the check’s link', () => {
    const failed = run('build', 'completed', 'failure');
    const v = verdict(['build'], { checkRuns: [failed] });
    assert.deepEqual(v, { verdict: 'fail', failed: { name: 'build', kind: 'check', conclusion: 'failure', url: failed.url } });
  });

  test('exactly at the deadline is timed out', () => {
    assert.equal(verdict(['build'], { now: new Date(DEADLINE) }).verdict, 'timed-out');
    assert.equal(verdict(['build'], { now: new Date(Date.parse(DEADLINE) - 1) }).verdict, 'wait');
  });
});
