import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { SECRET, startServiceFixture, type ServiceFixture } from '../helpers/service-fixture.ts';
import { issueCommentPayload, pullRequestPayload, type Json } from '../helpers/webhook-examples.ts';

// A fixed seed so that a failure replays; fast-check prints it with the shrunk counterexample.
const RUNS = { seed: 7_2026_11, numRuns: 250 } as const;
const sha = 'f'.repeat(40);

/** Every field previewd reads from a pull_request payload, as a path into it. */
const PR_FIELDS = [
  'action', 'sender', 'sender.login', 'installation', 'installation.id', 'label', 'repository', 'repository.name',
  'repository.owner', 'repository.owner.login', 'repository.html_url', 'pull_request', 'pull_request.number', 'pull_request.state',
  'pull_request.merged', 'pull_request.draft', 'pull_request.head', 'pull_request.head.sha', 'pull_request.head.ref',
  'pull_request.head.repo', 'pull_request.head.repo.full_name', 'pull_request.base', 'pull_request.base.repo',
  'pull_request.base.repo.full_name', 'pull_request.user', 'pull_request.user.login', 'pull_request.labels',
] as const;
/** The same for an issue_comment payload. */
const COMMENT_FIELDS = ['action', 'issue', 'issue.number', 'issue.pull_request', 'comment', 'comment.id', 'comment.body', 'comment.user',
  'comment.user.login', 'comment.author_association', 'repository', 'repository.name', 'repository.owner.login', 'repository.html_url'] as const;
// GitHub sends null here on purpose (mergeability being computed; a deleted fork): null is a right value there.
const NULL_ALLOWED = new Set(['pull_request.merged', 'pull_request.head.repo']);
const deep = (depth: number): unknown => Array.from({ length: depth }).reduce<unknown>((inner) => ({ a: [inner] }), 1);

/**
 * A value of the wrong type for any known field, or text far beyond what GitHub sends (never short text
 * or a boolean: those may be right values for some fields). Deep nesting: `{a:[{a:[…]}]}`.
 */
const wrongValue = fc.oneof(
  fc.constant(null),
  // Numbers that are no pull request or comment number: 0, negatives, fractions, beyond 2^53.
  fc.integer({ max: 0 }), fc.double().filter((d) => !Number.isInteger(d)), fc.constant(2 ** 60),
  fc.array(fc.oneof(fc.integer(), fc.string(), fc.constant(null)), { minLength: 1, maxLength: 5 }),
  fc.constant({}), fc.dictionary(fc.string(), fc.integer(), { minKeys: 1, maxKeys: 3 }),
  fc.integer({ min: 3000, max: 200_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 50, max: 2000 }).map(deep),
);

function setPath(payload: Json, path: string, value: unknown): Json {
  const keys = path.split('.');
  let node: Json = payload;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Json;
  }
  node[keys.at(-1) ?? ''] = value;
  return payload;
}

function isRightType(path: string, value: unknown): boolean {
  // issue.pull_request only marks the issue as a pull request: any object there is right.
  if (path === 'issue.pull_request') return typeof value === 'object' && value !== null && !Array.isArray(value);
  return value === null && NULL_ALLOWED.has(path);
}

// Signed here rather than with @octokit/webhooks-methods, whose sign() refuses an empty body.
function signature(body: string): string {
  return `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
}

interface Answer { status: number; body: string }

/** One POST over a raw socket: huge headers make undici's fetch give up, Node's server answers 431. */
function post(url: string, headers: Record<string, string>, body: Buffer | string): Promise<Answer | { error: string }> {
  return new Promise((resolve) => {
    const req = request(`${url}/webhooks/github`, { method: 'POST', headers, timeout: 10_000 }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', (err) => resolve({ error: String(err) }));
    });
    req.on('error', (err) => resolve({ error: String(err) }));
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.end(body);
  });
}

describe('fuzz: the webhook endpoint answers 4xx or 200/202 with a reason, never 5xx, never a crash, never a commit', () => {
  let f: ServiceFixture;
  let head = '';
  let counter = 0;
  before(async () => {
    f = await startServiceFixture();
    head = await f.remote.remoteHead();
  });
  after(() => f.close());

  const delivery = () => `fuzz-${++counter}`;

  async function signed(event: string, body: Buffer | string, contentType = 'application/json'): Promise<Answer> {
    // What the server verifies: the body read as UTF-8 (invalid bytes become U+FFFD on both sides).
    const text = Buffer.isBuffer(body) ? body.toString('utf8') : body;
    const headers = { 'content-type': contentType, 'x-github-event': event, 'x-github-delivery': delivery(), 'x-hub-signature-256': signature(text) };
    const answer = await post(f.url, headers, body);
    if ('error' in answer) throw new Error(`no answer: ${answer.error}`);
    return answer;
  }

  /** The answer is a client error, or an accepted-false with a reason (ping: 200). */
  function assertRefused(answer: Answer, what: string, allowAccepted = false): void {
    assert.ok(answer.status < 500, `${what}: ${answer.status} ${answer.body.slice(0, 300)}`);
    if (answer.status === 202) {
      const outcome = JSON.parse(answer.body) as { accepted: boolean; reason?: string };
      if (!allowAccepted) assert.equal(outcome.accepted, false, `${what} was accepted: ${answer.body.slice(0, 300)}`);
      if (!outcome.accepted) assert.ok(typeof outcome.reason === 'string' && outcome.reason !== '', `${what}: a refusal says why`);
    } else if (answer.status !== 200) {
      assert.ok(answer.status >= 400, `${what}: ${answer.status}`);
    }
  }

  test('random bytes, signed or not, under any event name and content type', async () => {
    await fc.assert(fc.asyncProperty(
      fc.uint8Array({ maxLength: 2048 }), fc.boolean(), fc.oneof(fc.constantFrom('pull_request', 'issue_comment', 'ping', 'push'), fc.stringMatching(/^[a-z_]{1,20}$/)),
      fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/octet-stream'),
      async (bytes, withSignature, event, contentType) => {
        const body = Buffer.from(bytes);
        if (withSignature) {
          assertRefused(await signed(event, body, contentType), 'signed random bytes', event !== 'pull_request' && event !== 'issue_comment');
          return;
        }
        const answer = await post(f.url, { 'content-type': contentType, 'x-github-event': event, 'x-github-delivery': delivery(), 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` }, body);
        assert.ok(!('error' in answer) && answer.status === 401, JSON.stringify(answer));
      },
    ), RUNS);
  });

  test('valid signatures over garbage: truncated payloads, random JSON, a form body without its field', async () => {
    const real = JSON.stringify(pullRequestPayload({ owner: 'demo', repo: 'app', pr: 7, sha }));
    await fc.assert(fc.asyncProperty(
      fc.oneof(
        fc.nat(real.length - 1).map((n) => real.slice(0, n)),
        fc.json(),
        fc.jsonValue().map((v) => JSON.stringify(v)),
        fc.string().map((s) => `payload=${encodeURIComponent(s)}`),
      ),
      fc.constantFrom('pull_request', 'issue_comment'),
      async (body, event) => assertRefused(await signed(event, body), `garbage for ${event}`),
    ), RUNS);
  });

  test('a real pull_request payload with a wrong type in a field previewd reads', async () => {
    const base = pullRequestPayload({ owner: 'demo', repo: 'app', pr: 8, sha, author: 'alice' });
    await fc.assert(fc.asyncProperty(fc.constantFrom(...PR_FIELDS), wrongValue, async (path, value) => {
      fc.pre(!isRightType(path, value));
      const payload = setPath(structuredClone(base), path, value);
      assertRefused(await signed('pull_request', JSON.stringify(payload)), `pull_request with ${path} = ${JSON.stringify(value)?.slice(0, 80)}`);
    }), RUNS);
  });

  test('a real issue_comment payload (a /preview command) with a wrong type in a field previewd reads', async () => {
    const base = issueCommentPayload({ owner: 'demo', repo: 'app', pr: 9, body: '/preview destroy', author: 'alice', association: 'OWNER' });
    await fc.assert(fc.asyncProperty(fc.constantFrom(...COMMENT_FIELDS), wrongValue, async (path, value) => {
      fc.pre(!isRightType(path, value));
      const payload = setPath(structuredClone(base), path, value);
      assertRefused(await signed('issue_comment', JSON.stringify(payload)), `issue_comment with ${path} = ${JSON.stringify(value)?.slice(0, 80)}`);
    }), { ...RUNS, numRuns: 150 });
  });

  test('huge headers: refused (431) or answered, and the server goes on', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 8 * 1024, max: 256 * 1024 }), fc.integer({ min: 1, max: 200 }), async (size, count) => {
      const headers: Record<string, string> = { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': delivery(), 'x-hub-signature-256': 'x'.repeat(size) };
      for (let i = 0; i < count; i++) headers[`x-fuzz-${i}`] = 'y'.repeat(Math.floor(size / count));
      const answer = await post(f.url, headers, '{}');
      // The server may also drop the connection after a 431 before the client reads it: a refusal too.
      if ('error' in answer) return;
      assert.ok(answer.status >= 400 && answer.status < 500, `huge headers: ${answer.status}`);
    }), { ...RUNS, numRuns: 40 });
  });

  test('afterwards: /healthz answers, nothing was queued, the remote did not move', async () => {
    const health = await fetch(`${f.url}/healthz`);
    assert.equal(health.status, 200);
    await f.reconciler.idle();
    assert.equal(await f.remote.remoteHead(), head, 'no commit came of any fuzzed delivery');
    const errors = f.logs.filter((l) => typeof l.level === 'number' && l.level >= 50);
    assert.deepEqual(errors.map((l) => l.msg), [], 'no error logged');
  });
});
