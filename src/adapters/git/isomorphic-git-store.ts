import { git } from './git.ts';
import { buildCommitMessage, type CommitMeta } from '../../domain/commit-message.ts';
import { backoffDelay, type BackoffPolicy } from '../../domain/backoff.ts';
import { envFolder, type EnvRef } from '../../domain/environment.ts';
import type { ChangeSet, CommitResult, EnvConflict, GitOpsStore, PublishedCommit, PublishResult } from '../../ports/gitops-store.ts';
import { editsForEnv } from './change-paths.ts';
import { envOfMessage, unpublishedChain } from './chain.ts';
import { containsCommit } from './contains-commit.ts';
import { createDeliveryIndex } from './delivery-index.ts';
import { PublishContentionError, StoreStateError } from './errors.ts';
import { firstParentSteps, folderHistory } from './history.ts';
import { landedPrefix } from './landed-prefix.ts';
import { countEnvironments, listEnvironments } from './list-environments.ts';
import { newObjects } from './new-objects.ts';
import { openRepository, type GitOpsLocation } from './open-repository.ts';
import { readRef, writeRef } from './refs.ts';
import { replay } from './replay.ts';
import { rollbackEdit } from './rollback-edit.ts';
import { rollbackTarget } from './rollback-target.ts';
import { commitEnvironments } from './commit-environments.ts';
import { packLooseObjects } from './pack-loose-objects.ts';
import { createSerial } from './serial.ts';
import { commitTree, entryAt, folderAt, readFolderFiles } from './tree-read.ts';
import { editTree, type TreeEdit } from './tree-edit.ts';

export interface StoreLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface IsomorphicGitStoreOptions {
  location: GitOpsLocation;
  branch: string;
  author: { name: string; email: string };
  /** Push attempts before giving up for now (each after a fetch and replay), and their backoff. */
  retry?: { attempts: number } & BackoffPolicy;
  now?: () => Date;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  log?: StoreLogger;
  /**
   * For readers beside a running service (the CLI): reads the published branch as it is (fetched
   * first, for a remote), writes no ref, and refuses commits.
   */
  readOnly?: boolean;
  /**
   * Names previewd's private refs (default `previewd`: `refs/previewd/<branch>`). A writer beside the
   * service in the same local repository (the CLI) takes its own, e.g. `previewd-cli`.
   */
  refNamespace?: string;
  /**
   * For one-shot writers (`previewd rollback`): start from the published branch, dropping any commit an
   * earlier run made and could not publish, instead of replaying it on top.
   */
  discardUnpublished?: boolean;
  /**
   * Packs the clone's loose objects after this many commits were published since the last packing
   * (default 1,000, about 8,000 objects; a 500-PR burst does not pack in its middle): without it the
   * clone keeps a file per object it ever wrote.
   */
  packEvery?: number;
}

/** The GitOps store on isomorphic-git: commits without a working tree, publishes only new objects. */
export interface IsomorphicGitStore extends GitOpsStore {
  /** Fetches the target branch and replays unpublished commits onto it (conflicts as in publish). */
  refresh(): Promise<{ conflicts: EnvConflict[] }>;
  readonly gitdir: string;
}

function refuse(): never {
  throw new StoreStateError('this GitOps store was opened read-only');
}

// The published branch's tip, read through the same code as the writable store.
function readOnlyView(store: IsomorphicGitStore, published: string | null): IsomorphicGitStore {
  return {
    ...store,
    commit: async () => refuse(),
    revert: async () => refuse(),
    publish: async () => refuse(),
    refresh: async () => refuse(),
    fetch: async () => refuse(),
    rollbackTarget: (env, target, opts) => store.rollbackTarget(env, target, opts),
    commitEnvironments: (target) => store.commitEnvironments(target),
    listEnvironments: () => store.listEnvironments(published),
    countEnvironments: (inRepo) => store.countEnvironments(inRepo, published),
    readEnvironment: (env, at) => store.readEnvironment(env, at ?? published ?? undefined),
    readFile: (path, at) => store.readFile(path, at ?? published ?? undefined),
    history: (env, opts) => store.history(env, { ...opts, from: published }),
    head: async () => published,
    pendingCount: async () => 0,
  };
}

// How far back the first question about a delivery looks: as far as the reconciler reads a folder's history.
const DELIVERY_LOOKBACK = 2000;

function nothing(): PublishResult {
  return { published: [], conflicts: [], retries: 0 };
}

export async function openIsomorphicGitStore(options: IsomorphicGitStoreOptions): Promise<IsomorphicGitStore> {
  const repo = await openRepository(options.location, options.branch, options.refNamespace);
  const { ctx, transport } = repo;
  const now = options.now ?? (() => new Date());
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const retry = options.retry ?? { attempts: 8, baseMs: 50, maxMs: 2000 };
  const packEvery = options.packEvery ?? 1000;
  // Two locks, always taken in this order: `pushing` for what talks to the remote and moves the base
  // (a push, a fetch and the replay after it), `serial` for every change to the local refs. A commit
  // needs only `serial`, so it never waits for the network.
  const pushing = createSerial();
  const serial = createSerial();
  // The newest local commit and the remote tip it is built on. Readers use `tip` without waiting;
  // objects are immutable, so a reader holding an old id still reads a consistent tree.
  let tip: string | null = options.discardUnpublished ? null : await readRef(ctx, repo.localRef);
  let base: string | null = options.discardUnpublished ? null : await readRef(ctx, repo.baseRef);
  let queuedPublish: Promise<PublishResult> | null = null;
  const deliveries = createDeliveryIndex(ctx, DELIVERY_LOOKBACK);
  // previewd's commits found on the remote after a fetch (their push's answer was lost): reported as
  // published by the next publish, whoever did the fetch.
  let landed: PublishedCommit[] = [];

  async function setState(nextTip: string | null, nextBase: string | null): Promise<void> {
    if (nextTip !== null) await writeRef(ctx, repo.localRef, nextTip);
    if (nextBase !== null) await writeRef(ctx, repo.baseRef, nextBase);
    tip = nextTip;
    base = nextBase;
  }

  async function commitEdits(env: EnvRef, edits: TreeEdit[], meta: CommitMeta, basedOn?: string | null): Promise<CommitResult> {
    const parentTree = await commitTree(ctx, tip);
    if (basedOn !== undefined && basedOn !== tip) {
      const folder = envFolder(env);
      if ((await folderAt(ctx, await commitTree(ctx, basedOn), folder)) !== (await folderAt(ctx, parentTree, folder))) return { status: 'moved', env };
    }
    const tree = await editTree(ctx, parentTree, edits);
    if (tree === parentTree) return { status: 'unchanged', env };
    if (tree === null) throw new StoreStateError('refusing to commit an empty repository tree');
    const seconds = Math.floor(now().getTime() / 1000);
    const who = { ...options.author, timestamp: seconds, timezoneOffset: 0 };
    const commit = await git.writeCommit({
      fs: ctx.fs, gitdir: ctx.gitdir,
      commit: { message: buildCommitMessage(env, meta), tree, parent: tip === null ? [] : [tip], author: who, committer: who },
    });
    deliveries.made(commit, tip, meta.delivery);
    await setState(commit, base);
    return { status: 'committed', commit, env };
  }

  // Fetches, then rebuilds previewd's unpublished commits on the fetched tip. `origin` maps current
  // commit ids back to the ids commit() returned, across repeated replays. Commits of previewd's the
  // remote already has (by id, or by the folder's content) are published, never someone else's edit.
  async function catchUp(origin: Map<string, string>): Promise<EnvConflict[]> {
    const fetched = await transport.fetch();
    if (fetched === null) throw new StoreStateError(`the GitOps remote ${repo.describe} has no branch ${options.branch}: create it (previewd init) and push it first`);
    if (fetched === base) return [];
    if (tip === base || tip === null) {
      await setState(fetched, fetched);
      return [];
    }
    let chain = await unpublishedChain(ctx, tip, base);
    let from = base;
    const prefix = await landedPrefix(ctx, chain, base, fetched);
    if (prefix > 0) {
      for (const oid of chain.slice(0, prefix)) await noteLanded(oid, oid, origin);
      from = chain[prefix - 1] as string;
      chain = chain.slice(prefix);
      options.log?.info({ commits: prefix, remoteTip: fetched }, 'previewd\'s own commits were already on the GitOps remote (a push whose answer was lost): published');
    }
    if (chain.length === 0 || from === fetched) {
      await setState(tip, fetched);
      return [];
    }
    const result = await replay(ctx, chain, from, fetched, now());
    for (const [old, to] of result.moved) origin.set(to, origin.get(old) ?? old);
    for (const own of result.landed) landed.push({ env: own.env, local: origin.get(own.oid) ?? own.oid, commit: fetched, subject: own.subject });
    await setState(result.tip, fetched);
    const conflicts = [...result.dropped.values()].map(({ env, commits }) => ({
      env, dropped: commits.map((c) => origin.get(c) ?? c), remoteTip: fetched,
    }));
    for (const c of conflicts) options.log?.warn({ env: envFolder(c.env), dropped: c.dropped, remoteTip: fetched }, 'someone else changed an environment folder: their version stands');
    return conflicts;
  }

  async function noteLanded(oid: string, onRemote: string, origin: Map<string, string>): Promise<void> {
    const { commit } = await git.readCommit({ fs: ctx.fs, gitdir: ctx.gitdir, cache: ctx.cache, oid });
    const env = envOfMessage(commit.message);
    if (env) landed.push({ env, local: origin.get(oid) ?? oid, commit: onRemote, subject: commit.message.split('\n')[0] ?? '' });
  }

  // What was found landed since the last publish, handed to this one's result.
  function withLanded(result: PublishResult): PublishResult {
    if (landed.length > 0) result.published.unshift(...landed);
    landed = [];
    return result;
  }

  let publishedSincePack = 0;
  let packing: Promise<void> | null = null;
  // In the background, one at a time, holding no lock: pushes and commits go on meanwhile, which
  // packLooseObjects allows (a pack is installed before any loose file it holds is removed). A packing
  // that fails costs only disk space: the publish it follows has succeeded all the same.
  function packWhenDue(published: number): void {
    publishedSincePack += published;
    if (publishedSincePack < packEvery || packing) return;
    publishedSincePack = 0;
    packing = packLooseObjects(ctx)
      .then((packed) => options.log?.info({ objects: packed }, 'packed the clone\'s loose objects'))
      .catch((err: unknown) => options.log?.warn({ err }, 'could not pack the clone\'s loose objects; they stay loose until the next try'))
      .finally(() => {
        packing = null;
      });
  }

  async function publishNow(): Promise<PublishResult> {
    const result = nothing();
    const origin = new Map<string, string>();
    for (let attempt = 0; attempt < retry.attempts; attempt++) {
      // What to push is taken under the writers' lock; the push goes out without it, so commits keep
      // landing meanwhile. They descend from what is pushed (nothing else moves the tip while the push
      // lock is held) and go with the next push.
      const pending = await serial.run(async () => (tip === null || tip === base ? null : { from: base, to: tip, chain: await unpublishedChain(ctx, tip, base) }));
      if (pending === null) return withLanded(result);
      const { from, to, chain } = pending;
      const outcome = await transport.push(from, to, () => newObjects(ctx, chain));
      if (outcome === 'ok') {
        await serial.run(() => setState(tip, to));
        packWhenDue(chain.length);
        for (const oid of chain) {
          const { commit } = await git.readCommit({ fs: ctx.fs, gitdir: ctx.gitdir, cache: ctx.cache, oid });
          const env = envOfMessage(commit.message);
          if (env) result.published.push({ env, local: origin.get(oid) ?? oid, commit: oid, subject: commit.message.split('\n')[0] ?? '' });
        }
        return withLanded(result);
      }
      result.retries++;
      // Back off before fetching, not after: the push that follows a fetch must go out at once, or a
      // busy remote moves again in between and previewd loses every race.
      await sleep(backoffDelay(retry, attempt, random));
      result.conflicts.push(...(await serial.run(() => catchUp(origin))));
    }
    throw new PublishContentionError(`the GitOps branch ${options.branch} kept moving: ${retry.attempts} pushes met a newer tip; the commits are kept and will be pushed on the next attempt`);
  }

  const store: IsomorphicGitStore = {
    gitdir: ctx.gitdir,
    commit: (change: ChangeSet) => serial.run(() => commitEdits(change.env, editsForEnv(change.env, change.changes), change.meta, change.basedOn)),
    revert: (env, target, meta) =>
      serial.run(async () => {
        const { oid, edit, sha } = await rollbackEdit(ctx, env, target, tip, options.branch);
        const restored = meta.sha ?? sha;
        return commitEdits(env, [edit], { ...meta, ...(restored ? { sha: restored } : {}), action: 'rollback', target: oid });
      }),
    publish() {
      if (queuedPublish) return queuedPublish;
      const queued = pushing.run(() => {
        queuedPublish = null;
        return publishNow();
      });
      queuedPublish = queued;
      return queued;
    },
    refresh: () => pushing.run(() => serial.run(async () => ({ conflicts: await catchUp(new Map()) }))),
    fetch: () => store.refresh(),
    rollbackTarget: (env, target, opts) => rollbackTarget(ctx, env, target, tip, options.branch, opts?.before === true),
    commitEnvironments: (target) => commitEnvironments(ctx, target, tip, options.branch),
    listEnvironments: async (at) => listEnvironments(ctx, await commitTree(ctx, at === undefined ? tip : at)),
    countEnvironments: async (inRepo, at) => countEnvironments(ctx, await commitTree(ctx, at === undefined ? tip : at), inRepo),
    async readEnvironment(env, at) {
      const folder = await folderAt(ctx, await commitTree(ctx, at ?? tip), envFolder(env));
      return folder === null ? null : readFolderFiles(ctx, folder);
    },
    async readFile(path, at) {
      // Through the tree cache: the resync reads every environment's preview.json each round.
      const entry = await entryAt(ctx, await commitTree(ctx, at ?? tip), path);
      if (entry?.type !== 'blob') return null;
      const { blob } = await git.readBlob({ fs: ctx.fs, gitdir: ctx.gitdir, cache: ctx.cache, oid: entry.oid });
      return Buffer.from(blob).toString('utf8');
    },
    history: (env, opts) => folderHistory(ctx, opts?.from === undefined ? tip : opts.from, envFolder(env), opts?.limit ?? Number.POSITIVE_INFINITY, opts?.maxCommits),
    hasDelivery: (delivery) => deliveries.has(tip, delivery),
    stepsBetween: (from, ancestor, max) => firstParentSteps(ctx, from, ancestor, max),
    async contains(revision, commit) {
      const known = await containsCommit(ctx, revision, commit);
      if (known !== null || options.readOnly) return known;
      // Argo CD may have seen a newer tip than this clone: fetch once (behind the writers) and ask again.
      await pushing.run(() => serial.run(() => catchUp(new Map())));
      return containsCommit(ctx, revision, commit);
    },
    head: async () => tip,
    pendingCount: async () => (tip === null || tip === base ? 0 : (await unpublishedChain(ctx, tip, base)).length),
  };
  if (options.readOnly) return readOnlyView(store, await transport.fetch());
  // Bring the clone up to date; unpublished commits from before a restart are replayed, not lost.
  await store.refresh();
  return store;
}
