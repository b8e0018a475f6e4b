import { formatProblem, SERVICE_CONFIG_FILE } from '../domain/config-problem.ts';
import type { ServiceConfig } from '../domain/config-types.ts';
import type { ConfigValidators } from '../domain/config-validators.ts';
import { loadServiceConfig } from '../domain/load-config.ts';
import type { GitOpsStore } from '../ports/gitops-store.ts';
import { TerminalError } from './errors.ts';

/** Reads `previewd.yaml` from the GitOps tree, parsing it again only when its text changed. */
export interface RegistryReader {
  read(): Promise<ServiceConfig>;
}

export function createRegistryReader(store: Pick<GitOpsStore, 'readFile'>, validators: ConfigValidators): RegistryReader {
  let last: { text: string; config: ServiceConfig } | null = null;
  return {
    async read() {
      const text = await store.readFile(SERVICE_CONFIG_FILE);
      if (text === null) throw new TerminalError(`the GitOps repository has no ${SERVICE_CONFIG_FILE} at its root: create one (previewd init makes a repository with it)`);
      if (last?.text === text) return last.config;
      const loaded = loadServiceConfig(text, validators);
      if (!loaded.ok) throw new TerminalError(`${SERVICE_CONFIG_FILE} in the GitOps repository is invalid; no preview changes until it is fixed:\n${loaded.problems.map(formatProblem).join('\n')}`);
      last = { text, config: loaded.value };
      return loaded.value;
    },
  };
}
