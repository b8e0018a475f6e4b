import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { createArgoCdCluster, type ArgoCdClusterOptions } from '../../../src/adapters/kubernetes/argocd-cluster.ts';
import type { ApplicationEvent, Cluster } from '../../../src/ports/cluster.ts';
import { createFakeKube, type FakeKube } from '../fake-kube.ts';
import type { ResourceType } from './resource-types.ts';

/** The Argo CD cluster adapter wired to a fresh fake API server, with what it reported. */
export interface ClusterHarness {
  fake: FakeKube;
  cluster: Cluster;
  /** Filled once `cluster.start` is given `(e) => h.events.push(e)`. */
  events: ApplicationEvent[];
  warnings: Array<Record<string, unknown>>;
  /** Every retry delay the adapter scheduled (the 0 of an immediate resume and long watch timers left out). */
  delays: number[];
  /** Resolves when `predicate` holds, polling; fails the test after `timeoutMs`. */
  until(what: string, predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface ClusterHarnessOptions extends Partial<ArgoCdClusterOptions> {
  types?: ResourceType[];
  /** Runs on the fake before the adapter exists. */
  setup?: (fake: FakeKube) => void;
  /** The token the fake requires, and (if different) the one the adapter's kubeconfig carries. */
  token?: string;
  clientToken?: string;
}

/** `upsert shop-pr-1-acme Healthy` or `delete shop-pr-1-acme`, for assertions and messages. */
export function eventSummary(event: ApplicationEvent): string {
  return event.type === 'delete' ? `delete ${event.name}` : `upsert ${event.app.metadata.name} ${event.app.status?.health?.status ?? '-'}`;
}

/**
 * Starts a fake and an adapter on it with fast, deterministic backoff (40 ms doubling to 200 ms,
 * random() = 1 so each wait is its bound); the adapter is not started.
 */
export async function startClusterHarness(options: ClusterHarnessOptions = {}): Promise<ClusterHarness> {
  const { types, setup, token, clientToken, ...overrides } = options;
  const fake = await createFakeKube({ ...(types && { types }), ...(token !== undefined && { token }) });
  setup?.(fake);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(token === undefined ? fake.kubeconfig() : fake.kubeconfig().replace(`token: ${token}`, `token: ${clientToken ?? token}`));
  const events: ApplicationEvent[] = [];
  const warnings: Array<Record<string, unknown>> = [];
  const delays: number[] = [];
  const cluster = createArgoCdCluster({
    kubeConfig,
    namespace: fake.namespace,
    applicationSet: 'previews',
    log: { info: () => {}, warn: (obj) => void warnings.push(obj as Record<string, unknown>) },
    backoff: { baseMs: 40, maxMs: 200 },
    random: () => 1,
    setTimeout: (callback, ms) => {
      if (ms > 0 && ms < 1000) delays.push(ms);
      return setTimeout(callback, ms);
    },
    ...overrides,
  });
  return {
    fake, cluster, events, warnings, delays,
    async until(what, predicate, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; events: ${JSON.stringify(events.map(eventSummary))}; warnings: ${JSON.stringify(warnings)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async close() {
      await cluster.stop();
      await fake.close();
    },
  };
}
