import { createOctokitForge, type OctokitForge } from '../adapters/github/octokit-forge.ts';
import type { GitHubSettings } from '../domain/load-settings.ts';
import type { GitHubLog } from '../adapters/github/create-octokit.ts';
import type { Metrics } from '../ports/metrics.ts';

/** The GitHub forge the settings ask for, or null when reporting is off (no credentials). */
export function createForge(github: GitHubSettings, log: GitHubLog, metrics?: Metrics): OctokitForge | null {
  if (github.kind === 'off') return null;
  const auth = github.kind === 'token'
    ? { kind: 'token' as const, token: github.token }
    : { kind: 'app' as const, appId: github.appId, privateKey: github.privateKey };
  const throttle = github.writeIntervalMs === undefined ? {} : { throttle: { writeIntervalMs: github.writeIntervalMs } };
  return createOctokitForge({ baseUrl: github.apiUrl, auth, log, ...throttle, ...(metrics ? { metrics } : {}) });
}
