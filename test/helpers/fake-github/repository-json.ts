import { userJson, type FakeEnv } from './answers.ts';
import { userOf, type FakeRepoState } from './state.ts';

/** What a repository object is made from: a repository of the fake, or a fork that only a pull request names. */
export interface RepositoryLike {
  id: number;
  owner: string;
  name: string;
  private: boolean;
  defaultBranch: string;
  archived?: boolean;
  fork?: boolean;
}

/** The owner's account type: an organization when the test said so (`fake.addOrg`). */
export function ownerType(env: FakeEnv, login: string): 'Organization' | 'User' {
  return env.state.orgs.has(login.toLowerCase()) ? 'Organization' : 'User';
}

/** A `repository` object as GitHub sends it (in pull requests' head and base, and installation lists). */
export function repositoryJson(env: FakeEnv, repo: RepositoryLike): Record<string, unknown> {
  const api = `${env.baseUrl}/repos/${repo.owner}/${repo.name}`;
  const html = `https://github.com/${repo.owner}/${repo.name}`;
  const at = '2026-01-01T00:00:00Z';
  return {
    id: repo.id, node_id: Buffer.from(`010:Repository${repo.id}`).toString('base64'), name: repo.name, full_name: `${repo.owner}/${repo.name}`,
    owner: userJson(env, userOf(env.state, repo.owner), ownerType(env, repo.owner)), private: repo.private, html_url: html,
    description: null, fork: repo.fork ?? false, url: api,
    archive_url: `${api}/{archive_format}{/ref}`, assignees_url: `${api}/assignees{/user}`, blobs_url: `${api}/git/blobs{/sha}`,
    branches_url: `${api}/branches{/branch}`, collaborators_url: `${api}/collaborators{/collaborator}`, comments_url: `${api}/comments{/number}`,
    commits_url: `${api}/commits{/sha}`, compare_url: `${api}/compare/{base}...{head}`, contents_url: `${api}/contents/{+path}`,
    contributors_url: `${api}/contributors`, deployments_url: `${api}/deployments`, downloads_url: `${api}/downloads`, events_url: `${api}/events`,
    forks_url: `${api}/forks`, git_commits_url: `${api}/git/commits{/sha}`, git_refs_url: `${api}/git/refs{/sha}`, git_tags_url: `${api}/git/tags{/sha}`,
    git_url: `git://github.com/${repo.owner}/${repo.name}.git`, issue_comment_url: `${api}/issues/comments{/number}`,
    issue_events_url: `${api}/issues/events{/number}`, issues_url: `${api}/issues{/number}`, keys_url: `${api}/keys{/key_id}`,
    labels_url: `${api}/labels{/name}`, languages_url: `${api}/languages`, merges_url: `${api}/merges`, milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`, pulls_url: `${api}/pulls{/number}`, releases_url: `${api}/releases{/id}`,
    ssh_url: `git@github.com:${repo.owner}/${repo.name}.git`, stargazers_url: `${api}/stargazers`, statuses_url: `${api}/statuses/{sha}`,
    subscribers_url: `${api}/subscribers`, subscription_url: `${api}/subscription`, tags_url: `${api}/tags`, teams_url: `${api}/teams`,
    trees_url: `${api}/git/trees{/sha}`, clone_url: `${html}.git`, mirror_url: null, hooks_url: `${api}/hooks`, svn_url: html,
    homepage: null, language: null, forks_count: 0, stargazers_count: 0, watchers_count: 0, size: 1, default_branch: repo.defaultBranch,
    open_issues_count: 0, is_template: false, topics: [], has_issues: true, has_projects: true, has_wiki: true, has_pages: false,
    has_downloads: true, has_discussions: false, archived: repo.archived ?? false, disabled: false, visibility: repo.private ? 'private' : 'public',
    pushed_at: at, created_at: at, updated_at: at, allow_forking: true, web_commit_signoff_required: false, license: null,
    forks: 0, open_issues: 0, watchers: 0,
  };
}

/** The `full-repository` object of `GET /repos/{owner}/{repo}`. */
export function fullRepositoryJson(env: FakeEnv, repo: FakeRepoState): Record<string, unknown> {
  return { ...repositoryJson(env, repo), network_count: 0, subscribers_count: 0 };
}
