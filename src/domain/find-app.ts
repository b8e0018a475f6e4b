import picomatch from 'picomatch';
import type { AppRegistration, ServiceConfig } from './config-types.ts';

/**
 * The app registered for `owner/repo`: the first entry of `apps` whose repo glob matches,
 * case-insensitively (GitHub names are), or null when none does.
 */
export function findApp(config: Pick<ServiceConfig, 'apps'>, owner: string, repo: string): AppRegistration | null {
  const fullName = `${owner}/${repo}`;
  for (const app of config.apps) {
    // dot: true so that `acme/*` also covers repositories such as `acme/.github`.
    if (picomatch.isMatch(fullName, app.repo, { nocase: true, dot: true })) return app;
  }
  return null;
}
