import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { sign } from '@octokit/webhooks-methods';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- payloads are arbitrary JSON

// The examples' index files, parsed once per process: they are megabytes, and a burst test builds hundreds
// of payloads (parsed per call, 250 payloads took over a minute on a loaded machine). Never handed out:
// callers get copies.
const parsed = new Map<string, Array<{ name: string; examples: Json[] }>>();

function definitionsOf(file: string): Array<{ name: string; examples: Json[] }> {
  let definitions = parsed.get(file);
  if (!definitions) {
    definitions = JSON.parse(readFileSync(file, 'utf8')) as Array<{ name: string; examples: Json[] }>;
    parsed.set(file, definitions);
  }
  return definitions;
}

/** Every example of one event, in every GitHub flavour that @octokit/webhooks-examples ships (copies). */
export function examplesOf(event: string): Array<{ source: string; payload: Json }> {
  return recorded(event).map(({ source, payload }) => ({ source, payload: structuredClone(payload) }));
}

// The parsed examples themselves: read only, each caller clones the one it changes.
function recorded(event: string): Array<{ source: string; payload: Json }> {
  const root = dirname(createRequire(import.meta.url).resolve('@octokit/webhooks-examples/package.json'));
  const out: Array<{ source: string; payload: Json }> = [];
  for (const flavour of readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)) {
    const examples = definitionsOf(join(root, flavour, 'index.json')).find((d) => d.name === event)?.examples ?? [];
    examples.forEach((payload, i) => out.push({ source: `${flavour}#${i} (${String(payload.action)})`, payload }));
  }
  return out;
}

export interface PullRequestShape {
  owner: string;
  repo: string;
  pr: number;
  sha: string;
  action?: string;
  branch?: string;
  author?: string;
  sender?: string;
  /** The head repository's owner when it is a fork. */
  forkOwner?: string;
  labels?: string[];
  draft?: boolean;
  merged?: boolean;
  installationId?: number;
}

/** A recorded GitHub `pull_request.opened` payload, moved onto the given repository and PR. */
export function pullRequestPayload(shape: PullRequestShape): Json {
  const base = recorded('pull_request').find((e) => e.source.startsWith('api.github.com') && e.payload.action === 'opened' && e.payload.installation);
  if (!base) throw new Error('@octokit/webhooks-examples has no pull_request.opened example with an installation');
  const p = structuredClone(base.payload);
  const fullName = `${shape.owner}/${shape.repo}`;
  const action = shape.action ?? 'opened';
  const closed = action === 'closed';
  p.action = action;
  p.number = shape.pr;
  Object.assign(p.repository, { name: shape.repo, full_name: fullName, html_url: `https://github.com/${fullName}` });
  p.repository.owner.login = shape.owner;
  const pr = p.pull_request;
  Object.assign(pr, { number: shape.pr, state: closed ? 'closed' : 'open', draft: shape.draft ?? false, merged: shape.merged ?? false });
  pr.user.login = shape.author ?? 'octocat';
  pr.labels = (shape.labels ?? []).map((name, i) => ({ ...(pr.labels?.[0] ?? {}), id: i + 1, name }));
  pr.head.sha = shape.sha;
  pr.head.ref = shape.branch ?? 'feature';
  pr.head.repo = { ...pr.head.repo, name: shape.repo, full_name: `${shape.forkOwner ?? shape.owner}/${shape.repo}` };
  pr.base.repo = { ...pr.base.repo, name: shape.repo, full_name: fullName };
  p.sender.login = shape.sender ?? shape.author ?? 'octocat';
  if (shape.installationId !== undefined) p.installation.id = shape.installationId;
  return p;
}

/** The headers GitHub sends with a delivery, signed with `secret` over exactly `body`. */
export async function githubHeaders(secret: string, body: string, event: string, delivery: string): Promise<Record<string, string>> {
  return {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/previewd-test',
    'x-github-event': event,
    'x-github-delivery': delivery,
    'x-hub-signature-256': await sign(secret, body),
  };
}

export interface CommentShape {
  owner: string;
  repo: string;
  pr: number;
  body: string;
  author: string;
  /** GitHub's author_association: OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, NONE… */
  association: string;
  commentId?: number;
}

/** A recorded GitHub `issue_comment.created` payload on a pull request, moved onto the given one. */
export function issueCommentPayload(shape: CommentShape): Json {
  const base = recorded('issue_comment').find((e) => e.source.startsWith('api.github.com') && e.payload.action === 'created');
  if (!base) throw new Error('@octokit/webhooks-examples has no issue_comment.created example');
  const p = structuredClone(base.payload);
  const fullName = `${shape.owner}/${shape.repo}`;
  Object.assign(p.repository, { name: shape.repo, full_name: fullName, html_url: `https://github.com/${fullName}` });
  p.repository.owner.login = shape.owner;
  p.issue.number = shape.pr;
  p.issue.pull_request = { url: `https://api.github.com/repos/${fullName}/pulls/${shape.pr}`, html_url: `https://github.com/${fullName}/pull/${shape.pr}` };
  p.comment.id = shape.commentId ?? 4200 + shape.pr;
  p.comment.body = shape.body;
  p.comment.user.login = shape.author;
  p.comment.author_association = shape.association;
  p.sender.login = shape.author;
  return p;
}

export interface CheckRunShape {
  owner: string;
  repo: string;
  sha: string;
  name: string;
  conclusion: string;
  /** The PR GitHub lists with the run (none for a fork's). */
  pr?: number;
  htmlUrl?: string;
}

/** A recorded `check_run.completed` payload, moved onto the given repository, sha and run. */
export function checkRunPayload(shape: CheckRunShape): Json {
  const base = recorded('check_run').find((e) => e.source.startsWith('api.github.com') && e.payload.action === 'completed');
  if (!base) throw new Error('@octokit/webhooks-examples has no check_run.completed example');
  const p = structuredClone(base.payload);
  moveRepository(p, shape.owner, shape.repo);
  const run = p.check_run;
  Object.assign(run, { head_sha: shape.sha, name: shape.name, status: 'completed', conclusion: shape.conclusion, ...(shape.htmlUrl ? { html_url: shape.htmlUrl } : {}) });
  const listed = run.pull_requests?.[0];
  run.pull_requests = shape.pr === undefined || !listed ? [] : [{ ...listed, number: shape.pr, head: { ...listed.head, sha: shape.sha } }];
  return p;
}

/** A recorded `status` payload (a CI system's commit status), moved onto the given repository, sha and context. */
export function statusPayload(shape: { owner: string; repo: string; sha: string; context: string; state: 'pending' | 'success' | 'failure' | 'error' }): Json {
  const base = recorded('status').find((e) => e.source.startsWith('api.github.com'));
  if (!base) throw new Error('@octokit/webhooks-examples has no status example');
  const p = structuredClone(base.payload);
  moveRepository(p, shape.owner, shape.repo);
  Object.assign(p, { sha: shape.sha, context: shape.context, state: shape.state });
  p.commit.sha = shape.sha;
  return p;
}

function moveRepository(p: Json, owner: string, repo: string): void {
  const fullName = `${owner}/${repo}`;
  Object.assign(p.repository, { name: repo, full_name: fullName, html_url: `https://github.com/${fullName}` });
  p.repository.owner.login = owner;
}
