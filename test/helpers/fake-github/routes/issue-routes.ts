import { createHash } from 'node:crypto';
import { FakeAnswerError, paginate, repoOf, userJson, type FakeEnv, type FakeRequest, type FakeRouteTable } from '../answers.ts';
import { urlPath } from './repo-routes.ts';
import { userOf } from '../state.ts';

// GitHub lists at most 3000 files of a pull request.
const PULL_FILES_LIMIT = 3000;

function listPullFiles(req: FakeRequest, env: FakeEnv) {
  const repo = repoOf(req, env);
  const n = Number(req.params.pull_number);
  // A pull request set with `setPull` and no files changes nothing; an unknown number is a 404.
  const files = repo.pullFiles.get(n) ?? (repo.pulls.has(n) ? [] : undefined);
  if (!files) throw new FakeAnswerError(404, 'Not Found');
  const api = `${env.baseUrl}/repos/${repo.owner}/${repo.name}`;
  const all = files.slice(0, PULL_FILES_LIMIT).map((f) => {
    const sha = createHash('sha1').update(f.filename).digest('hex');
    const at = urlPath(f.filename);
    return {
      sha, filename: f.filename, status: f.status, additions: f.additions, deletions: f.deletions, changes: f.additions + f.deletions,
      blob_url: `https://github.com/${repo.owner}/${repo.name}/blob/${sha}/${at}`,
      raw_url: `https://github.com/${repo.owner}/${repo.name}/raw/${sha}/${at}`,
      contents_url: `${api}/contents/${at}?ref=${sha}`,
      ...(f.previous_filename ? { previous_filename: f.previous_filename } : {}),
    };
  });
  const page = paginate(all, req);
  return { status: 200, body: page.items, headers: page.headers };
}

function listEvents(req: FakeRequest, env: FakeEnv) {
  const repo = repoOf(req, env);
  const issue = Number(req.params.issue_number);
  const api = `${env.baseUrl}/repos/${repo.owner}/${repo.name}`;
  const events = (repo.issueEvents.get(issue) ?? []).map((e) => ({
    id: e.id, node_id: Buffer.from(`LE_${e.id}`).toString('base64'), url: `${api}/issues/events/${e.id}`,
    actor: userJson(env, userOf(env.state, e.actor)), event: e.event, commit_id: null, commit_url: null,
    created_at: e.createdAt, performed_via_github_app: null, label: e.label,
  }));
  const page = paginate(events, req);
  return { status: 200, body: page.items, headers: page.headers };
}

/** Pull request files and issue events (comments are in `commentRoutes`). */
export function issueRoutes(): FakeRouteTable {
  return { 'pulls/list-files': listPullFiles, 'issues/list-events': listEvents };
}
