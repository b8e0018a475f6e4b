import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AppRegistration, ForkPolicy } from '../../src/domain/config-types.ts';
import { decidePreview, type PreviewDecision, type PreviewDecisionInput } from '../../src/domain/decide-preview.ts';
import type { PullRequestSnapshot } from '../../src/domain/pull-request.ts';

const APP: AppRegistration = { repo: 'acme/*', base: 'apps/shop/base', images: ['ghcr.io/acme/shop'], tagFormat: 'sha-{sha}', host: '', drafts: false };

const PR: PullRequestSnapshot = {
  owner: 'acme',
  repo: 'shop',
  pr: 42,
  state: 'open',
  merged: false,
  draft: false,
  headSha: 'a'.repeat(40),
  headRef: 'feature',
  fork: false,
  author: 'octocat',
  labels: [],
  repoUrl: 'https://github.com/acme/shop',
};

interface Case {
  pr?: Partial<PullRequestSnapshot>;
  app?: AppRegistration | null;
  forks?: ForkPolicy;
  previewLabel?: string;
  labelApproved?: boolean | null;
  touchesPaths?: boolean | null;
  exists?: boolean;
}

function decide(c: Case): PreviewDecision {
  const input: PreviewDecisionInput = {
    snapshot: { ...PR, ...c.pr },
    app: c.app === undefined ? APP : c.app,
    policy: { forks: c.forks ?? 'label' },
    labelApproved: c.labelApproved ?? null,
    touchesPaths: c.touchesPaths ?? null,
    exists: c.exists ?? false,
  };
  if (c.previewLabel !== undefined) input.previewLabel = c.previewLabel;
  return decidePreview(input);
}

/** `deploy`, `destroy` or `none`; which `none` is told by its reason. */
function summary(d: PreviewDecision): string {
  return d.kind;
}

const FORK = { fork: true };
const LABELLED_FORK = { fork: true, labels: ['bug', 'preview'] };

const cases: Array<[name: string, c: Case, expected: string, reason?: RegExp]> = [
  // Plain PRs of registered repositories.
  ['an open PR deploys', {}, 'deploy'],
  ['an open PR whose env exists deploys (update)', { exists: true }, 'deploy'],
  ['a non-fork PR needs no label, even unapproved', { labelApproved: false }, 'deploy'],
  // Registration.
  ['an unregistered repo gets nothing', { app: null }, 'none', /not registered in previewd\.yaml/],
  ['an unregistered repo keeps an existing env', { app: null, exists: true }, 'none', /not registered in previewd\.yaml/],
  // Closing.
  ['a closed PR destroys its env', { pr: { state: 'closed' }, exists: true }, 'destroy', /was closed/],
  ['a merged PR destroys its env', { pr: { state: 'closed', merged: true }, exists: true }, 'destroy', /was merged/],
  ['a closed PR without an env does nothing', { pr: { state: 'closed' } }, 'none', /no preview to remove/],
  ['a closed PR of an unregistered repo still destroys', { pr: { state: 'closed' }, app: null, exists: true }, 'destroy'],
  ['a closed draft fork destroys', { pr: { state: 'closed', draft: true, fork: true }, exists: true }, 'destroy'],
  // Drafts.
  ['a draft waits for ready_for_review', { pr: { draft: true } }, 'none', /ready for review/],
  ['a draft keeps an existing env', { pr: { draft: true }, exists: true }, 'none', /keeps its last version/],
  ['a draft deploys when the app opts in', { pr: { draft: true }, app: { ...APP, drafts: true } }, 'deploy'],
  ['a ready PR deploys whatever the opt-in', { app: { ...APP, drafts: false } }, 'deploy'],
  // Forks: label (the default).
  ['a fork without the label waits', { pr: FORK, labelApproved: true }, 'none', /adds the "preview" label/],
  ['a fork with an approved label deploys', { pr: LABELLED_FORK, labelApproved: true }, 'deploy'],
  ['a fork with a label added by a stranger waits', { pr: LABELLED_FORK, labelApproved: false }, 'none', /without write access/],
  ['a fork whose label cannot be checked waits', { pr: LABELLED_FORK, labelApproved: null }, 'none', /cannot check/],
  ['an unapproved label keeps an existing env', { pr: LABELLED_FORK, labelApproved: false, exists: true }, 'none', /without write access/],
  ['a fork whose label was removed is destroyed', { pr: FORK, labelApproved: true, exists: true }, 'destroy', /label was removed/],
  ['a custom label is the one that counts', { pr: LABELLED_FORK, previewLabel: 'safe-to-preview', labelApproved: true }, 'none', /"safe-to-preview"/],
  ['a custom label lets the fork in', { pr: { fork: true, labels: ['safe-to-preview'] }, previewLabel: 'safe-to-preview', labelApproved: true }, 'deploy'],
  // GitHub's label names are unique regardless of case ("Preview" and "preview" cannot both exist), and
  // the approval check (who added it) always matched so: the label is the same label in any case.
  ['labels match regardless of case, like GitHub names them', { pr: { fork: true, labels: ['Preview'] }, labelApproved: true }, 'deploy'],
  ['a labelled draft fork still waits for ready', { pr: { ...LABELLED_FORK, draft: true }, labelApproved: true }, 'none', /is a draft/],
  // Forks: always and never.
  ['forks: always deploys a fork without a label', { pr: FORK, forks: 'always' }, 'deploy'],
  ['forks: always still holds drafts', { pr: { fork: true, draft: true }, forks: 'always' }, 'none', /is a draft/],
  ['forks: never refuses even a labelled, approved fork', { pr: LABELLED_FORK, forks: 'never', labelApproved: true }, 'none', /policy\.forks: never/],
  ['forks: never destroys a fork env made under an older policy', { pr: LABELLED_FORK, forks: 'never', labelApproved: true, exists: true }, 'destroy', /no longer allows/],
  ['forks: never leaves non-fork PRs alone', { forks: 'never' }, 'deploy'],
  // Paths.
  ['a PR outside the paths gets nothing', { touchesPaths: false }, 'none', /touches none/],
  ['a PR that no longer touches the paths keeps its env', { touchesPaths: false, exists: true }, 'none', /keeps its last version/],
  ['a PR inside the paths deploys', { touchesPaths: true }, 'deploy'],
  ['no filter (or unknown) deploys', { touchesPaths: null }, 'deploy'],
  ['a fork waiting for its label says so before paths', { pr: FORK, touchesPaths: false }, 'none', /adds the "preview" label/],
];

describe('decidePreview', () => {
  for (const [name, c, expected, reason] of cases) {
    test(name, () => {
      const decision = decide(c);
      assert.equal(summary(decision), expected, JSON.stringify(decision));
      if (reason !== undefined) assert.match('reason' in decision ? decision.reason : '', reason);
    });
  }

  test('every refusal and removal carries a reason', () => {
    for (const [, c] of cases) {
      const decision = decide(c);
      if (decision.kind !== 'deploy') assert.ok(decision.reason.length > 10, JSON.stringify(decision));
    }
  });
});
