import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { errorBody, FakeAnswerError, type FakeAnswer, type FakeIdentity, type FakeRouteTable } from './answers.ts';
import type { DecodedJwt } from './app-jwt.ts';
import { authenticate } from './authenticate.ts';
import { conditionalAnswer } from './conditional.ts';
import { faultMatches, type PendingFault } from './faults.ts';
import type { GitHubSpec } from './github-spec.ts';
import { bookRequest, type RateLimitBook } from './rate-limit.ts';
import type { FakeGitHubState } from './state.ts';

/** Why a request (or the fake's own answer) is not what GitHub accepts (or sends). */
export type ViolationKind = 'header' | 'route' | 'method' | 'params' | 'query' | 'json' | 'body' | 'unimplemented' | 'crash' | 'response';

export interface Violation {
  method: string;
  path: string;
  kind: ViolationKind;
  status: number;
  problems: string[];
}

/** Every request the fake saw, with what it answered. */
export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  operationId?: string;
  template?: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  status: number;
  identity?: FakeIdentity;
  /** The decoded App JWT, on App routes. */
  jwt?: DecodedJwt;
  /** When it arrived (ms since the epoch). */
  at: number;
}

/** What the request pipeline works on; owned by one fake. */
export interface FakeCore {
  spec: GitHubSpec;
  routes: FakeRouteTable;
  state: FakeGitHubState;
  faults: PendingFault[];
  requests: RecordedRequest[];
  violations: Violation[];
  /** Requests carried out whose answers a `loseAnswer` fault kept, with the status GitHub gave them. */
  lost: RecordedRequest[];
  rateLimits: RateLimitBook;
  baseUrl(): string;
  now(): Date;
}

class Refused extends FakeAnswerError {
  constructor(
    readonly kind: ViolationKind,
    status: number,
    message: string,
    readonly problems: string[],
  ) {
    super(status, message);
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, answer: FakeAnswer, rateLimit: Record<string, string>): void {
  res.writeHead(answer.status, {
    'content-type': 'application/json; charset=utf-8', 'x-github-request-id': randomUUID().toUpperCase(),
    'x-github-api-version-selected': '2022-11-28', ...rateLimit, ...answer.headers,
  });
  res.end(answer.status === 204 || answer.status === 304 || answer.body === undefined ? undefined : JSON.stringify(answer.body));
}

// Routing and validation: throws Refused for anything GitHub would turn away.
function admit(core: FakeCore, method: string, url: URL, headers: IncomingHttpHeaders, text: string, record: RecordedRequest) {
  if (!headers['user-agent']) {
    throw new Refused('header', 403, 'Request forbidden by administrative rules. Please make sure your request has a User-Agent header.', ['no User-Agent header']);
  }
  const match = core.spec.router.match(method, url.pathname);
  if (match.kind === 'unknown') throw new Refused('route', 404, 'Not Found', [`no operation matches ${method} ${url.pathname}`]);
  if (match.kind === 'wrong-method') {
    throw new Refused('method', 404, 'Not Found', [`${match.template} takes ${match.allowed.join(', ')}, not ${method}`]);
  }
  const { operation, params } = match;
  record.operationId = operation.operationId;
  record.template = operation.template;
  const validator = core.spec.validatorFor(operation);
  const pathProblems = validator.params(params);
  if (pathProblems.length) throw new Refused('params', 404, 'Not Found', pathProblems);
  const query = validator.query(url.searchParams);
  if (query.problems.length) throw new Refused('query', 422, 'Validation Failed', query.problems);
  let body: unknown;
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      throw new Refused('json', 400, 'Problems parsing JSON', ['the body is not JSON']);
    }
  }
  record.body = body;
  const bodyProblems = validator.body(body);
  if (bodyProblems.length) throw new Refused('body', 422, `Invalid request.\n\n${bodyProblems.join('\n')}`, bodyProblems);
  return { operation, params, query: query.values, body, validator };
}

/** Serves one request: validate, then a scripted fault, then authentication, then the handler. */
export async function handleRequest(core: FakeCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const url = new URL(req.url ?? '/', core.baseUrl());
  const text = (await readBody(req)).toString('utf8');
  const now = core.now();
  const record: RecordedRequest = { method, path: `${url.pathname}${url.search}`, headers: req.headers, body: text || undefined, status: 0, at: Date.now() };
  core.requests.push(record);
  const answer = (a: FakeAnswer) => {
    record.status = a.status;
    send(res, a, bookRequest(core.rateLimits, record.identity, a.status, now));
  };
  let admitted: ReturnType<typeof admit>;
  try {
    admitted = admit(core, method, url, req.headers, text, record);
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    core.violations.push({ method, path: record.path, kind: error.kind, status: error.status, problems: error.problems });
    return answer({ status: error.status, body: errorBody(error.status, error.message) });
  }
  const { operation, validator } = admitted;
  const fault = core.faults.find((f) => faultMatches(f, method, operation.template, url.pathname, record.path));
  if (fault) {
    fault.remaining -= 1;
    if (fault.remaining <= 0) core.faults.splice(core.faults.indexOf(fault), 1);
  }
  if (fault && !fault.fault.loseAnswer) {
    if (fault.fault.hang) {
      record.status = -1;
      return;
    }
    if (fault.fault.reset) {
      record.status = -1;
      req.socket.destroy();
      return;
    }
    return answer({ status: fault.fault.status, body: fault.fault.body ?? errorBody(fault.fault.status, 'Fault'), headers: fault.fault.headers ?? {} });
  }
  let result: FakeAnswer;
  try {
    const who = authenticate(core.state, req.headers, operation.template, now);
    record.identity = who.identity;
    if (who.jwt) record.jwt = who.jwt;
    const handler = core.routes[operation.operationId];
    if (!handler) throw new Refused('unimplemented', 501, `the fake does not implement ${operation.operationId}`, [`no handler for ${operation.operationId}`]);
    result = handler({ method, url, operationId: operation.operationId, template: operation.template, params: admitted.params, query: admitted.query, body: admitted.body, headers: req.headers, identity: who.identity }, { state: core.state, baseUrl: core.baseUrl(), now: core.now });
  } catch (error) {
    if (error instanceof Refused) core.violations.push({ method, path: record.path, kind: error.kind, status: error.status, problems: error.problems });
    if (error instanceof FakeAnswerError) result = { status: error.status, body: errorBody(error.status, error.message, error.extra) };
    else {
      const problem = error instanceof Error ? (error.stack ?? error.message) : String(error);
      core.violations.push({ method, path: record.path, kind: 'crash', status: 500, problems: [problem] });
      result = { status: 500, body: errorBody(500, 'Internal Server Error') };
    }
  }
  const shape = validator.response(result.status, result.body);
  if (shape.length) core.violations.push({ method, path: record.path, kind: 'response', status: result.status, problems: shape.slice(0, 20) });
  if (fault?.fault.loseAnswer) {
    // Done, and the answer never leaves: the status says what GitHub did, -1 that nobody heard it.
    record.status = -1;
    core.lost.push({ ...record, status: result.status });
    return;
  }
  // Checked as the 200 it would be; then a matching If-None-Match makes it a 304.
  answer(record.identity === undefined ? result : conditionalAnswer(method, req.headers, record.identity, result));
}
