import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadKubeConfig } from '../../src/adapters/kubernetes/load-kube-config.ts';
import { ClusterError } from '../../src/ports/cluster.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kubeconfig-'));
});
after(() => rm(dir, { recursive: true, force: true }));

function config(cluster: string, server: string, currentContext = true): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    `clusters:\n- name: ${cluster}\n  cluster:\n    server: ${server}`,
    `users:\n- name: ${cluster}-user\n  user:\n    token: t`,
    `contexts:\n- name: ${cluster}\n  context:\n    cluster: ${cluster}\n    user: ${cluster}-user`,
    currentContext ? `current-context: ${cluster}` : '',
  ].join('\n');
}

describe('loadKubeConfig', () => {
  it('is null without KUBECONFIG and outside a cluster: health read-back is off', () => {
    assert.equal(loadKubeConfig({ inCluster: false }), null);
  });

  it('reads KUBECONFIG, merging several files in order as kubectl does', async () => {
    const first = path.join(dir, 'first');
    const second = path.join(dir, 'second');
    await writeFile(first, config('one', 'https://one.example:6443'));
    await writeFile(second, config('two', 'https://two.example:6443'));
    assert.equal(loadKubeConfig({ kubeconfig: first, inCluster: true })?.getCurrentCluster()?.server, 'https://one.example:6443', 'KUBECONFIG wins over in-cluster');
    const merged = loadKubeConfig({ kubeconfig: `${first}${path.delimiter}${second}`, inCluster: false });
    assert.deepEqual(merged?.getClusters().map((c) => c.name), ['one', 'two']);
    assert.equal(merged?.getCurrentCluster()?.name, 'one');
  });

  it('refuses a missing file or one without a current context, naming KUBECONFIG, as not transient', async () => {
    const missing = path.join(dir, 'missing');
    assert.throws(() => loadKubeConfig({ kubeconfig: missing, inCluster: false }), (error: unknown) =>
      error instanceof ClusterError && !error.transient && error.message.startsWith(`KUBECONFIG (${missing}) cannot be read`));
    const noContext = path.join(dir, 'no-context');
    await writeFile(noContext, config('one', 'https://one.example:6443', false));
    assert.throws(() => loadKubeConfig({ kubeconfig: noContext, inCluster: false }), /has no current context with a cluster/);
  });
});
