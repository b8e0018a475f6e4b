import { formatProblem, SERVICE_CONFIG_FILE, type Checked } from '../domain/config-problem.ts';
import type { AppRegistration, ServiceConfig } from '../domain/config-types.ts';
import { appFinder } from '../domain/find-app.ts';
import type { ConfigValidators } from '../domain/config-validators.ts';
import { loadServiceConfig } from '../domain/load-config.ts';
import type { GitOpsStore } from '../ports/gitops-store.ts';
import { TerminalError } from './errors.ts';

/** Reads `previewd.yaml` from the GitOps tree, parsing it again only when its text changed. */
export interface RegistryReader {
  /** The registry, or every problem with it (a missing file is one). */
  load(): Promise<Checked<ServiceConfig>>;
  /** The registry; a TerminalError when it is invalid (for the resync, which cannot go on without it). */
  read(): Promise<ServiceConfig>;
  /**
   * The app a repository belongs to under `config`, its globs compiled once per registry text: each
   * event asks, and compiling them per event (or per environment counted) was a new PR's largest cost.
   */
  finder(config: ServiceConfig): (owner: string, repo: string) => AppRegistration | null;
}

export function createRegistryReader(store: Pick<GitOpsStore, 'readFile'>, validators: ConfigValidators): RegistryReader {
  let last: { text: string; loaded: Checked<ServiceConfig>; find?: (owner: string, repo: string) => AppRegistration | null } | null = null;
  async function load(): Promise<Checked<ServiceConfig>> {
    const text = await store.readFile(SERVICE_CONFIG_FILE);
    if (text === null) {
      return { ok: false, problems: [{ file: SERVICE_CONFIG_FILE, path: '', message: `the GitOps repository has no ${SERVICE_CONFIG_FILE} at its root`, accepted: 'a registry at the root (previewd init makes a repository with one)' }] };
    }
    if (last?.text === text) return last.loaded;
    const loaded = loadServiceConfig(text, validators);
    last = { text, loaded };
    return loaded;
  }
  return {
    load,
    async read() {
      const loaded = await load();
      if (!loaded.ok) throw new TerminalError(`${SERVICE_CONFIG_FILE} in the GitOps repository is invalid; no preview changes until it is fixed:\n${loaded.problems.map(formatProblem).join('\n')}`);
      return loaded.value;
    },
    finder(config) {
      if (last?.loaded.ok && last.loaded.value === config) return (last.find ??= appFinder(config));
      return appFinder(config);
    },
  };
}
