import type { EnvRef } from './environment.ts';

export type SimulatedAction = 'opened' | 'synchronize' | 'closed' | 'reopened';

export interface SimulatedPullRequest extends EnvRef {
  action: SimulatedAction;
  sha: string;
  author: string;
  branch: string;
  merged?: boolean;
  now: Date;
}

/**
 * A `pull_request` webhook payload shaped like GitHub's own (the fields previewd and most bots read),
 * for `previewd simulate`: trying previewd without GitHub.
 */
export function simulatedPullRequest(input: SimulatedPullRequest): Record<string, unknown> {
  const full = `${input.owner}/${input.repo}`;
  const html = `https://github.com/${full}`;
  const at = input.now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const user = { login: input.author, id: 1, type: 'User', html_url: `https://github.com/${input.author}` };
  const owner = { login: input.owner, id: 2, type: 'Organization', html_url: `https://github.com/${input.owner}` };
  const repository = {
    id: 3, name: input.repo, full_name: full, private: false, owner, html_url: html, url: `https://api.github.com/repos/${full}`,
    default_branch: 'main', fork: false,
  };
  const closed = input.action === 'closed';
  return {
    action: input.action,
    number: input.pr,
    pull_request: {
      url: `https://api.github.com/repos/${full}/pulls/${input.pr}`,
      id: 1000 + input.pr, number: input.pr, state: closed ? 'closed' : 'open', locked: false,
      title: `Simulated pull request #${input.pr}`, user, body: 'Sent by previewd simulate.', labels: [], draft: false,
      html_url: `${html}/pull/${input.pr}`, created_at: at, updated_at: at, closed_at: closed ? at : null,
      merged_at: closed && input.merged ? at : null, merged: closed && input.merged === true,
      head: { label: `${input.owner}:${input.branch}`, ref: input.branch, sha: input.sha, user: owner, repo: repository },
      base: { label: `${input.owner}:main`, ref: 'main', sha: '0'.repeat(40), user: owner, repo: repository },
      author_association: 'MEMBER',
    },
    repository,
    organization: { login: input.owner, id: 2 },
    sender: user,
  };
}
