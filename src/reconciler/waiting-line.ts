import { envFolder, type EnvRef } from '../domain/environment.ts';
import type { SyncItem } from './reconcile-request.ts';

/**
 * Pull requests waiting for a free slot (an app's `maxPreviews`), first come first served. In memory
 * only: after a restart the resync finds them again.
 */
export interface WaitingLine {
  /** Puts the PR in its app's line (once) and returns its place, 1-based. */
  join(app: string, env: EnvRef, sync: SyncItem): number;
  leave(env: EnvRef): void;
  /** How many PRs of the app are ahead of this one (all of them when it is not in line). */
  ahead(app: string, env: EnvRef): number;
  /** The first waiting PR of the app, if any. */
  first(app: string): { env: EnvRef; sync: SyncItem } | undefined;
}

export function createWaitingLine(): WaitingLine {
  const lines = new Map<string, Map<string, { env: EnvRef; sync: SyncItem }>>();
  return {
    join(app, env, sync) {
      const line = lines.get(app) ?? new Map();
      lines.set(app, line);
      line.set(envFolder(env), { env, sync });
      return [...line.keys()].indexOf(envFolder(env)) + 1;
    },
    ahead(app, env) {
      const keys = [...(lines.get(app)?.keys() ?? [])];
      const at = keys.indexOf(envFolder(env));
      return at === -1 ? keys.length : at;
    },
    leave(env) {
      for (const line of lines.values()) line.delete(envFolder(env));
    },
    first: (app) => lines.get(app)?.values().next().value,
  };
}
