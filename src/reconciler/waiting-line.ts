import { envFolder, type EnvRef } from '../domain/environment.ts';
import { withIds, type SyncItem } from './reconcile-request.ts';

/**
 * Pull requests waiting for a free slot (an app's `maxPreviews`), first come first served. In memory
 * only, but a waiting item's inbox entries are not retired while it waits: after a restart the replay
 * puts them back in line in their order (and the resync finds the PRs again when GitHub is on).
 */
export interface WaitingLine {
  /**
   * Puts the PR in its app's line (once) and returns its place, 1-based. A PR already in line keeps its
   * place; the newer item takes the older's, answering for its inbox entries too.
   */
  join(app: string, env: EnvRef, sync: SyncItem): number;
  /** Takes the PR out of every line; returns what it waited with, if it was in one. */
  leave(env: EnvRef): SyncItem | undefined;
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
      line.set(envFolder(env), { env, sync: withIds(sync, line.get(envFolder(env))?.sync.ids) });
      return [...line.keys()].indexOf(envFolder(env)) + 1;
    },
    ahead(app, env) {
      const keys = [...(lines.get(app)?.keys() ?? [])];
      const at = keys.indexOf(envFolder(env));
      return at === -1 ? keys.length : at;
    },
    leave(env) {
      let left: SyncItem | undefined;
      for (const line of lines.values()) {
        left ??= line.get(envFolder(env))?.sync;
        line.delete(envFolder(env));
      }
      return left;
    },
    first: (app) => lines.get(app)?.values().next().value,
  };
}
