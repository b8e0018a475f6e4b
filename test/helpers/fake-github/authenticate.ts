import type { IncomingHttpHeaders } from 'node:http';
import { FakeAnswerError, type FakeIdentity } from './answers.ts';
import { verifyAppJwt, type DecodedJwt } from './app-jwt.ts';
import type { FakeGitHubState } from './state.ts';

/** Routes that only an App's JWT may call (the same set @octokit/auth-app signs a JWT for). */
export function isAppRoute(template: string): boolean {
  return template === '/app' || template.startsWith('/app/') || template.endsWith('/installation');
}

/**
 * Who the `authorization` header says the caller is, as GitHub decides it; throws a 401 answer with
 * GitHub's message when it says nobody.
 */
export function authenticate(state: FakeGitHubState, headers: IncomingHttpHeaders, template: string, now: Date): { identity: FakeIdentity; jwt?: DecodedJwt } {
  const header = headers.authorization ?? '';
  const [scheme = '', credential = ''] = header.split(/\s+/, 2);
  const lower = scheme.toLowerCase();
  if (isAppRoute(template)) {
    if (lower !== 'bearer') throw new FakeAnswerError(401, 'A JSON web token could not be decoded');
    const checked = verifyAppJwt(credential, state.apps, Math.floor(now.getTime() / 1000));
    if (!checked.ok) throw new FakeAnswerError(401, checked.message);
    return { identity: { kind: 'app', appId: checked.app.appId }, jwt: checked.jwt };
  }
  if (!header) throw new FakeAnswerError(401, 'Requires authentication');
  if (lower !== 'token' && lower !== 'bearer') throw new FakeAnswerError(401, 'Bad credentials');
  const installation = state.installationTokens.get(credential);
  if (installation && installation.expiresAt > now.getTime()) {
    return { identity: { kind: 'installation', token: credential, installationId: installation.installationId } };
  }
  if (state.tokens.has(credential)) return { identity: { kind: 'token', token: credential } };
  throw new FakeAnswerError(401, 'Bad credentials');
}
