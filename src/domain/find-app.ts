import picomatch from 'picomatch';
import type { AppRegistration, ServiceConfig } from './config-types.ts';

/**
 * The app registered for `owner/repo`: the first entry of `apps` whose repo glob matches,
 * case-insensitively (GitHub names are), or null when none does.
 */
export function findApp(config: Pick<ServiceConfig, 'apps'>, owner: string, repo: string): AppRegistration | null {
  return appFinder(config)(owner, repo);
}

/**
 * `findApp` for many repositories of one registry: each glob is compiled once and each repository's
 * answer remembered, so that counting an app's environments does not compile a glob per environment.
 */
export function appFinder(config: Pick<ServiceConfig, 'apps'>): (owner: string, repo: string) => AppRegistration | null {
  // dot: true so that `acme/*` also covers repositories such as `acme/.github`.
  const matchers = config.apps.map((app) => ({ app, matches: picomatch(app.repo, { nocase: true, dot: true }) }));
  const answers = new Map<string, AppRegistration | null>();
  return (owner, repo) => {
    const fullName = `${owner}/${repo}`;
    const known = answers.get(fullName);
    if (known !== undefined) return known;
    const found = matchers.find((m) => m.matches(fullName))?.app ?? null;
    answers.set(fullName, found);
    return found;
  };
}
