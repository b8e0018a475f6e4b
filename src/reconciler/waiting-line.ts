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
    leave(env) {
      for (const line of lines.values()) line.delete(envFolder(env));
    },
    first: (app) => lines.get(app)?.values().next().value,
  };
}
