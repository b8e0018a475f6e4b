import { createHash } from 'node:crypto';
import { FakeAnswerError, repoOf, userJson, type FakeEnv, type FakeRequest, type FakeRouteTable } from '../answers.ts';
import { userOf, type FakeRepoState } from '../state.ts';

// Above this the contents API sends no content and `encoding: none` (its documented 1 MB limit).
const CONTENTS_LIMIT = 1024 * 1024;

function blobSha(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

// GitHub wraps the base64 of `content` at 60 characters, each line ending in \n.
function wrappedBase64(bytes: Buffer): string {
  const flat = bytes.toString('base64');
  return flat.replace(/.{1,60}/g, (line) => `${line}\n`);
}

/** A repository path inside a URL: each segment percent-encoded, the slashes kept. */
export function urlPath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function entryJson(env: FakeEnv, repo: FakeRepoState, ref: string, path: string, type: 'file' | 'dir', bytes: Buffer | null) {
  const api = `${env.baseUrl}/repos/${repo.owner}/${repo.name}`;
  const sha = bytes ? blobSha(bytes) : createHash('sha1').update(`tree ${path}`).digest('hex');
  const at = `${urlPath(ref)}/${urlPath(path)}`;
  const self = `${api}/contents/${urlPath(path)}?ref=${encodeURIComponent(ref)}`;
  const html = `https://github.com/${repo.owner}/${repo.name}/${type === 'file' ? 'blob' : 'tree'}/${at}`;
  const git = `${api}/git/${type === 'file' ? 'blobs' : 'trees'}/${sha}`;
  return {
    type, size: bytes?.length ?? 0, name: path.split('/').pop() ?? path, path, sha, url: self, git_url: git, html_url: html,
    download_url: type === 'file' ? `https://raw.githubusercontent.com/${repo.owner}/${repo.name}/${at}` : null,
    _links: { self, git, html },
  };
}

function getContent(req: FakeRequest, env: FakeEnv) {
  const repo = repoOf(req, env);
  const ref = typeof req.query.ref === 'string' && req.query.ref !== '' ? req.query.ref : repo.defaultBranch;
  const tree = repo.files.get(ref);
  if (!tree) throw new FakeAnswerError(404, `No commit found for the ref ${ref}`);
  const path = (req.params.path ?? '').replace(/^\/+|\/+$/g, '');
  const bytes = tree.get(path);
  if (bytes) {
    const big = bytes.length > CONTENTS_LIMIT;
    const body = { ...entryJson(env, repo, ref, path, 'file', bytes), encoding: big ? 'none' : 'base64', content: big ? '' : wrappedBase64(bytes) };
    return { status: 200, body };
  }
  const children = new Map<string, 'file' | 'dir'>();
  for (const file of tree.keys()) {
    if (!file.startsWith(`${path}/`)) continue;
    const [child, ...rest] = file.slice(path.length + 1).split('/');
    children.set(`${path}/${child}`, rest.length ? 'dir' : 'file');
  }
  if (children.size === 0) throw new FakeAnswerError(404, 'Not Found');
  const body = [...children].sort().map(([p, type]) => entryJson(env, repo, ref, p, type, type === 'file' ? (tree.get(p) ?? null) : null));
  return { status: 200, body };
}

const LEGACY: Record<string, string> = { admin: 'admin', maintain: 'write', write: 'write', triage: 'read', read: 'read', none: 'none' };

function getPermission(req: FakeRequest, env: FakeEnv) {
  const repo = repoOf(req, env);
  const login = req.params.username ?? '';
  const role = repo.roles.get(login.toLowerCase());
  // A login nobody registered is a user that does not exist: GitHub answers 404.
  if (!role && !env.state.users.has(login.toLowerCase())) throw new FakeAnswerError(404, `${login} is not a user`);
  const roleName = role ?? (repo.private ? 'none' : 'read');
  const user = userJson(env, userOf(env.state, login));
  const permissions = { pull: roleName !== 'none', triage: ['admin', 'maintain', 'write', 'triage'].includes(roleName), push: ['admin', 'maintain', 'write'].includes(roleName), maintain: ['admin', 'maintain'].includes(roleName), admin: roleName === 'admin' };
  return { status: 200, body: { permission: LEGACY[roleName], role_name: roleName, user: { ...user, permissions, role_name: roleName } } };
}

/** Repository contents and collaborator permissions. */
export function repoRoutes(): FakeRouteTable {
  return { 'repos/get-content': getContent, 'repos/get-collaborator-permission-level': getPermission };
}
