import { parseEnvFolder, type EnvRef } from '../domain/environment.ts';
import type { ApplicationEvent, Cluster } from '../ports/cluster.ts';

/** Who wants to hear that an environment may have changed (the dashboard's live updates). */
export interface ChangeFeed {
  publish(env: EnvRef): void;
  subscribe(listener: (env: EnvRef) => void): () => void;
}

/** A fan-out of "this environment may have changed"; a listener that throws never stops the others. */
export function createChangeFeed(): ChangeFeed {
  const listeners = new Set<(env: EnvRef) => void>();
  return {
    publish(env) {
      for (const listener of [...listeners]) {
        try {
          listener(env);
        } catch {
          // A listener's failure is its own (a closed stream); the reconciler that published must not see it.
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

/**
 * The cluster, with every Application event also published to the feed (as the environment of its
 * source path; a deletion by the name it last had). The watch itself is unchanged.
 */
export function tapApplications(cluster: Cluster, feed: ChangeFeed): Cluster {
  const envs = new Map<string, EnvRef>();
  return {
    stop: () => cluster.stop(),
    synced: () => cluster.synced(),
    get: (name) => cluster.get(name),
    refreshApplicationSet: () => cluster.refreshApplicationSet(),
    refreshApplication: (name) => cluster.refreshApplication(name),
    start(onEvent) {
      cluster.start((event: ApplicationEvent) => {
        onEvent(event);
        const name = event.type === 'delete' ? event.name : event.app.metadata.name;
        const env = event.type === 'upsert' ? parseEnvFolder(event.app.spec?.source?.path ?? '') : envs.get(name);
        if (!env) return;
        if (event.type === 'upsert') envs.set(name, env);
        else envs.delete(name);
        feed.publish(env);
      });
    },
  };
}
