// The Argo CD cluster adapter against a real kube-apiserver v1.20.2 + etcd (scripts/kube-apiserver.sh),
// authenticated as previewd's own ServiceAccount under argocd/rbac.yaml: list, watch, every status an
// Application goes through (JSON patches, as Argo CD writes them), the refresh patches and their field
// manager, a 410 from an etcd compaction, and the API server killed for 20 s.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { createArgoCdCluster, FIELD_MANAGER, type ArgoCdClusterOptions } from '../../src/adapters/kubernetes/argocd-cluster.ts';
import { ClusterError, type ApplicationEvent, type Cluster } from '../../src/ports/cluster.ts';
import { eventSummary as summary } from '../helpers/fake-kube/cluster-harness.ts';
import { loadArgoTestdata, previewApplication, type ArgoTestObject } from '../helpers/fake-kube.ts';
import { startRealKube, type RealKube } from '../helpers/real-kube.ts';
import { argoWriter, type ArgoWriter } from '../helpers/real-kube/argo-writer.ts';

const started = await startRealKube();
const skip = started.ok ? false : started.skip;
const kube = started.ok ? started.kube : (undefined as unknown as RealKube);

let real: ArgoTestObject;
let argo: ArgoWriter;
let dir: string;
before(async () => {
  if (!started.ok) return;
  real = (await loadArgoTestdata())['application-from-applicationset'];
  argo = argoWriter(kube);
  dir = await mkdtemp(path.join(tmpdir(), 'previewd-real-cluster-'));
});
const running: Cluster[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.stop()));
});
after(async () => {
  if (!started.ok) return;
  await kube.close();
  await rm(dir, { recursive: true, force: true });
});

const status = (health: string, sync = 'Synced', phase = 'Succeeded'): Record<string, unknown> => ({
  ...structuredClone(real.status ?? {}),
  health: { status: health },
  sync: { status: sync, revision: '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d' },
  // The CRD requires `operation` in an operationState (a fake once wrote statuses without it).
  operationState: {
    operation: { sync: { revision: '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d' }, initiatedBy: { automated: true } },
    phase, message: phase, startedAt: new Date().toISOString(), syncResult: { revision: '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d' },
  },
});
const app = (id: string) => previewApplication(real, { id, status: null });

interface Adapter {
  cluster: Cluster;
  events: ApplicationEvent[];
  infos: string[];
  warnings: Array<Record<string, unknown>>;
  delays: number[];
  until(what: string, predicate: () => boolean, timeoutMs?: number): Promise<void>;
}

/** The adapter as previewd runs it, under previewd's ServiceAccount; random() = 1 so each wait is its bound. */
function adapter(overrides: Partial<ArgoCdClusterOptions> = {}, user: 'previewd' | 'admin' = 'previewd'): Adapter {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(kube.kubeconfig(user));
  const events: ApplicationEvent[] = [];
  const infos: string[] = [];
  const warnings: Array<Record<string, unknown>> = [];
  const delays: number[] = [];
  const cluster = createArgoCdCluster({
    kubeConfig, namespace: 'argocd', applicationSet: 'previews',
    log: { info: (_obj, msg) => void infos.push(msg), warn: (obj) => void warnings.push(obj as Record<string, unknown>) },
    random: () => 1,
    setTimeout: (callback, ms) => {
      if (ms > 0 && ms < 60_000) delays.push(ms);
      return setTimeout(callback, ms);
    },
    ...overrides,
  });
  running.push(cluster);
  return {
    cluster, events, infos, warnings, delays,
    async until(what, predicate, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; events: ${JSON.stringify(events.map(summary))}; warnings: ${JSON.stringify(warnings)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}

describe('the cluster adapter against a real API server', { skip }, () => {
  it('lists and watches the preview Applications through every state Argo CD writes, and nothing unlabelled', async () => {
    await argo.create(app('shop-pr-1-acme'));
    await argo.create({ ...app('not-ours'), metadata: { name: 'not-ours', labels: { team: 'x' } } });
    const a = adapter();
    a.cluster.start((event) => a.events.push(event));
    await a.until('synced', () => a.cluster.synced());
    assert.deepEqual(a.events.map(summary), ['upsert shop-pr-1-acme -']);
    // What the application controller writes, one JSON patch of .status at a time.
    const states: Array<[string, string, string]> = [['Missing', 'OutOfSync', 'Running'], ['Progressing', 'Synced', 'Running'], ['Healthy', 'Synced', 'Succeeded'], ['Degraded', 'Synced', 'Failed'], ['Suspended', 'Synced', 'Succeeded'], ['Unknown', 'Unknown', 'Error']];
    for (const [health, sync, phase] of states) await argo.setStatus('shop-pr-1-acme', status(health, sync, phase));
    await argo.remove('shop-pr-1-acme');
    await a.until('every change', () => a.events.at(-1)?.type === 'delete');
    assert.deepEqual(a.events.map(summary), [
      'upsert shop-pr-1-acme -',
      ...states.map(([health]) => `upsert shop-pr-1-acme ${health}`),
      'delete shop-pr-1-acme',
    ]);
    assert.equal(a.events.some((e) => e.type === 'upsert' && e.app.metadata.name === 'not-ours'), false);
    await a.cluster.stop();
    await argo.remove('not-ours');
  });

  it('patches the refresh annotations as field manager "previewd", and RBAC refuses what argocd/rbac.yaml does not grant', async () => {
    await argo.create(app('api-pr-2-acme'));
    const a = adapter();
    await a.cluster.refreshApplicationSet();
    assert.equal(await a.cluster.refreshApplication('api-pr-2-acme'), true);
    assert.equal(await a.cluster.refreshApplication('gone'), false);
    const appSet = (await kube.request('GET', '/apis/argoproj.io/v1alpha1/namespaces/argocd/applicationsets/previews')).body as { metadata: { annotations?: Record<string, string>; managedFields?: Array<{ manager?: string }> } };
    assert.equal(appSet.metadata.annotations?.['argocd.argoproj.io/application-set-refresh'], 'true');
    const application = await argo.get('api-pr-2-acme');
    assert.equal((application?.metadata.annotations as Record<string, string> | undefined)?.['argocd.argoproj.io/refresh'], 'normal');
    // Who changed what, as `kubectl get -o yaml --show-managed-fields` shows it: previewd, not node-fetch.
    for (const object of [appSet, application]) {
      const managers = (object?.metadata.managedFields ?? []).map((m) => m.manager);
      assert.ok(managers.includes(FIELD_MANAGER), `managedFields name previewd: ${JSON.stringify(managers)}`);
      assert.ok(!managers.includes('node-fetch'), `no node-fetch manager: ${JSON.stringify(managers)}`);
    }
    // rbac.yaml grants the ApplicationSet by name: another one is refused, with advice that fits.
    const other = createArgoCdCluster({ kubeConfig: (() => { const k = new KubeConfig(); k.loadFromString(kube.kubeconfig('previewd')); return k; })(), namespace: 'argocd', applicationSet: 'other', log: { info() {}, warn() {} } });
    await assert.rejects(other.refreshApplicationSet(), (error: unknown) => {
      assert.ok(error instanceof ClusterError);
      assert.equal(error.status, 403);
      assert.equal(error.transient, false);
      assert.match(error.message, /cannot patch resource "applicationsets".*Apply argocd\/rbac\.yaml/s);
      return true;
    });
    await argo.remove('api-pr-2-acme');
  });

  // Both tests below need etcd's compaction to reach the watch: one restart without the watch cache for
  // the two of them (each start of the API server costs seconds of CPU), and one back to the default after.
  describe('with --watch-cache=false', () => {
    before(async () => {
      await kube.stopServer();
      await kube.startServer({ watchCache: false });
    });
    after(async () => {
      await kube.stopServer();
      await kube.startServer();
    });

    it('relists on the 410 an etcd compaction causes (--watch-cache=false), announcing the current set again', async () => {
      await argo.create(app('a'));
      await argo.create(app('b'));
      // The server ends each watch after 2 s; the adapter then watches again from its resourceVersion.
      const a = adapter({ watchTimeoutSeconds: 2, backoff: { baseMs: 100, maxMs: 400 } });
      a.cluster.start((event) => a.events.push(event));
      await a.until('synced', () => a.cluster.synced());
      const listedOnce = a.events.length;
      // A change the adapter does not see (not labelled) moves etcd past its resourceVersion; compact there.
      // Two writes: a watch from rv starts at rv + 1, which a compaction at rv + 1 still keeps.
      await argo.create({ ...app('elsewhere'), metadata: { name: 'elsewhere', labels: { team: 'x' } } });
      await argo.setStatus('elsewhere', status('Healthy'));
      await kube.compact();
      await a.until('the relist', () => a.infos.includes('the Argo CD watch expired (410); relisting') && a.events.length >= listedOnce + 2, 30_000);
      assert.deepEqual(a.events.slice(listedOnce, listedOnce + 2).map(summary).sort(), ['upsert a -', 'upsert b -'], 'the relist announces the current set again');
      await a.until('synced again', () => a.cluster.synced());
      await argo.setStatus('b', status('Healthy'));
      await a.until('the next change', () => a.cluster.get('b')?.status?.health?.status === 'Healthy');
      await a.cluster.stop();
      for (const name of ['a', 'b', 'elsewhere']) await argo.remove(name);
    });

    it('lists again when a watch from exactly the compacted revision gets etcd\'s 500 "PrevKv=nil" each time (--watch-cache=false)', async () => {
      await argo.create(app('p'));
      await argo.create({ ...app('elsewhere-p'), metadata: { name: 'elsewhere-p', labels: { team: 'x' } } });
      const a = adapter({ watchTimeoutSeconds: 2, backoff: { baseMs: 100, maxMs: 400 } });
      a.cluster.start((event) => a.events.push(event));
      await a.until('synced', () => a.cluster.synced());
      // One change the adapter does not see moves etcd to rv + 1; compacted there, the next watch from rv
      // starts at exactly the compacted revision, whose previous value etcd no longer has.
      await argo.setStatus('elsewhere-p', status('Healthy'));
      await kube.compact();
      await a.until('the server error', () => a.warnings.some((w) => /PrevKv=nil/.test(String(w.err))), 30_000);
      await argo.setStatus('p', status('Degraded'));
      await a.until('the change after it, through a new list', () => a.cluster.get('p')?.status?.health?.status === 'Degraded', 30_000);
      await a.until('synced again', () => a.cluster.synced());
      await a.cluster.stop();
      for (const name of ['p', 'elsewhere-p']) await argo.remove(name);
    });
  });

  it('survives the API server killed for 20 s: unsynced during the outage, short retries, no configuration advice, the change after it seen', async () => {
    await argo.create(app('c'));
    const a = adapter();
    a.cluster.start((event) => a.events.push(event));
    await a.until('synced', () => a.cluster.synced());
    await kube.stopServer();
    await a.until('unsynced once the watch failed', () => !a.cluster.synced());
    await new Promise((resolve) => setTimeout(resolve, 20_000));
    assert.equal(a.cluster.synced(), false, 'still unsynced: /readyz says not ready');
    const delaysDuringOutage = [...a.delays];
    await kube.startServer();
    const back = Date.now();
    await argo.setStatus('c', status('Healthy'));
    await a.until('the change after the outage', () => a.cluster.get('c')?.status?.health?.status === 'Healthy', 60_000);
    const seenAfterMs = Date.now() - back;
    await a.until('synced again', () => a.cluster.synced());
    // Retries after a dropped connection stay short (0.5 s doubling to 4 s), so previewd sees the first
    // change within seconds of the server's return; before, they grew to 30 s.
    assert.ok(delaysDuringOutage.length >= 5, `retried during the outage: ${JSON.stringify(delaysDuringOutage)}`);
    assert.ok(Math.max(...a.delays) <= 4000, `no retry waits longer than 4 s: ${JSON.stringify(a.delays)}`);
    const advice = a.warnings.map((w) => String(w.err)).filter((m) => /Apply argocd\/rbac\.yaml|Check ARGOCD_NAMESPACE/.test(m));
    assert.deepEqual(advice, [], 'no configuration advice while the server was away or starting');
    console.log(`first change seen ${seenAfterMs} ms after the API server was ready again`);
    await a.cluster.stop();
    await argo.remove('c');
  });

  it('stops at once with the watch open', async () => {
    const a = adapter();
    a.cluster.start((event) => a.events.push(event));
    await a.until('synced', () => a.cluster.synced());
    await a.cluster.stop();
    await new Promise((resolve) => setTimeout(resolve, 50));
    // No socket or timer of the watch keeps the process alive.
    const handles = process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'TLSWrap');
    assert.deepEqual(handles, [], 'nothing of the watch left behind');
  });
});
