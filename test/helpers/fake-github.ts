import { createPublicKey, type KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeRouteTable } from './fake-github/answers.ts';
import type { Fault, PendingFault } from './fake-github/faults.ts';
import { loadGitHubSpec, type GitHubSpec } from './fake-github/github-spec.ts';
import { handleRequest, type FakeCore, type RecordedRequest, type Violation } from './fake-github/handle-request.ts';
import { createRateLimitBook } from './fake-github/rate-limit.ts';
import { appRoutes } from './fake-github/routes/app-routes.ts';
import { checkRoutes } from './fake-github/routes/check-routes.ts';
import { repoHandle, type FakeRepo } from './fake-github/repo-handle.ts';
import { commentRoutes } from './fake-github/routes/comment-routes.ts';
import { deploymentRoutes } from './fake-github/routes/deployment-routes.ts';
import { issueRoutes } from './fake-github/routes/issue-routes.ts';
import { ownerRoutes } from './fake-github/routes/owner-routes.ts';
import { pullRoutes } from './fake-github/routes/pull-routes.ts';
import { repoRoutes } from './fake-github/routes/repo-routes.ts';
import { statusRoutes } from './fake-github/routes/status-routes.ts';
import { createState, ensureRepo, type FakeGitHubState } from './fake-github/state.ts';

export { githubSpecPath, loadGitHubSpec, type GitHubSpec } from './fake-github/github-spec.ts';
export { lostAnswer, primaryRateLimit, secondaryRateLimit, serverError, type Fault } from './fake-github/faults.ts';
export type { RecordedRequest, Violation } from './fake-github/handle-request.ts';
export type { CheckRunInput, CiStatusInput, FakeRepo, PullFileInput } from './fake-github/repo-handle.ts';
export type { FakePull, FakePullInput } from './fake-github/pull-state.ts';
export type { FakeCheckRun, FakeCommitStatus, FakeDeployment, FakeDeploymentStatus, FakeIssueComment, FakeReaction } from './fake-github/state.ts';

/** A GitHub REST server on 127.0.0.1 that refuses, and records, every request GitHub would refuse. */
export interface FakeGitHub {
  /** The API root to give Octokit as `baseUrl`. */
  readonly url: string;
  readonly state: FakeGitHubState;
  readonly requests: RecordedRequest[];
  readonly violations: Violation[];
  /** Throws, listing them, if any request was not one GitHub accepts (or the fake answered off-spec). */
  assertNoViolations(): void;
  /** Answers the next `times` requests that match with `fault` (see `faultMatches` for the pattern; a RegExp may match the query too). */
  failNext(method: string, pattern: string | RegExp, fault: Fault): void;
  /** The repository, made on first mention (private by default; `archived` repositories are still listed). */
  repo(fullName: string, options?: { defaultBranch?: string; private?: boolean; archived?: boolean }): FakeRepo;
  /** Makes `login` an organization: `/orgs/{org}/...` answers for it (any other account is a user). */
  addOrg(login: string): void;
  /**
   * Rate-limit points spent so far over every identity: one per authenticated request, none for a 304.
   * Each answer also carries `x-ratelimit-limit/remaining/used/reset` for its identity's hourly window.
   */
  rateLimitUsed(): number;
  /** A personal token the fake accepts. */
  addToken(token: string): void;
  /** A GitHub App with its public key (or the private key, whose public half is used) and installations. */
  addApp(app: { appId: number; key: KeyObject | string; slug?: string; installations?: Record<number, string> }): void;
  /** Requests for one operation (`repos/get-content`). */
  requestsFor(operationId: string): RecordedRequest[];
  /** Requests a `lostAnswer()` fault let GitHub carry out and then never answered. */
  readonly lost: RecordedRequest[];
  close(): Promise<void>;
}

export interface FakeGitHubOptions {
  /** A loaded description to share between fakes (loading takes a quarter of a second). */
  spec?: GitHubSpec;
  /** Extra or replacement handlers, by operationId. */
  routes?: FakeRouteTable;
  now?: () => Date;
}

/** Starts the fake on a random loopback port. */
export async function createFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  let baseUrl = '';
  const core: FakeCore = {
    spec: options.spec ?? loadGitHubSpec(),
    routes: { ...repoRoutes(), ...issueRoutes(), ...pullRoutes(), ...ownerRoutes(), ...commentRoutes(), ...appRoutes(), ...statusRoutes(), ...checkRoutes(), ...deploymentRoutes(), ...options.routes },
    state: createState(),
    faults: [] as PendingFault[],
    requests: [],
    violations: [],
    lost: [],
    rateLimits: createRateLimitBook(),
    baseUrl: () => baseUrl,
    now: options.now ?? (() => new Date()),
  };
  const server = createServer((req, res) => {
    handleRequest(core, req, res).catch((error: unknown) => {
      core.violations.push({ method: req.method ?? '', path: req.url ?? '', kind: 'crash', status: 500, problems: [String(error)] });
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: baseUrl,
    state: core.state,
    requests: core.requests,
    violations: core.violations,
    assertNoViolations() {
      if (core.violations.length === 0) return;
      const lines = core.violations.map((v) => `${v.method} ${v.path} → ${v.status} [${v.kind}]: ${v.problems.join('; ')}`);
      throw new Error(`the fake GitHub saw ${core.violations.length} request(s) GitHub would not accept:\n${lines.join('\n')}`);
    },
    failNext(method, pattern, fault) {
      core.faults.push({ method, pattern, fault, remaining: fault.times ?? 1 });
    },
    repo: (fullName, repoOptions) => repoHandle(core.state, ensureRepo(core.state, fullName, repoOptions)),
    addOrg: (login) => void core.state.orgs.add(login.toLowerCase()),
    rateLimitUsed: () => core.rateLimits.spent,
    addToken: (token) => void core.state.tokens.add(token),
    addApp(app) {
      const publicKey = typeof app.key === 'string' ? createPublicKey(app.key) : app.key.type === 'private' ? createPublicKey(app.key) : app.key;
      const installations = new Map(Object.entries(app.installations ?? {}).map(([id, account]) => [Number(id), account]));
      core.state.apps.set(app.appId, { appId: app.appId, slug: app.slug ?? `app-${app.appId}`, publicKey, installations });
    },
    requestsFor: (operationId) => core.requests.filter((r) => r.operationId === operationId),
    lost: core.lost,
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}
