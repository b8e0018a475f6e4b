import { backoffDelay, type BackoffPolicy } from '../../domain/backoff.ts';
import { ClusterError, type ApplicationEvent, type ArgoApplication } from '../../ports/cluster.ts';
import type { ApplicationList, OpenWatch, Timers, WatchLogger } from './list-watch-types.ts';
import { httpStatusOf, toClusterError } from './translate-cluster-error.ts';

export interface ApplicationWatchOptions {
  /** Lists every Application; `signal` aborts the request when the watch is stopped or restarted. */
  list(signal: AbortSignal): Promise<ApplicationList>;
  watch: OpenWatch;
  log: WatchLogger;
  /**
   * Retry after a failure a retry can fix (no answer, 5xx, and anything while the server is starting):
   * short, so that previewd sees the first change within seconds of the API server's return.
   */
  backoff: BackoffPolicy;
  /** Retry after a failure only a change of configuration fixes (401, 403, 404 outside a start): long. */
  configBackoff?: BackoffPolicy;
  random: () => number;
  timers: Timers;
  /** What the server is asked for (`timeoutSeconds`); the stream is given up if silent for longer. */
  watchTimeoutSeconds: () => number;
  /** How long past its timeout a silent stream is kept before it is presumed dead (default 30 s). */
  silenceGraceMs?: number;
  /** Told of every restart of the list+watch after the first start (the watch-restarts metric). */
  onRestart?: () => void;
}

export interface ApplicationWatch {
  start(onEvent: (event: ApplicationEvent) => void): void;
  stop(): void;
  synced(): boolean;
  get(name: string): ArgoApplication | undefined;
}

// A stream that ends cleanly this soon without a single event is treated as a failure, so a proxy
// that closes every watch at once cannot make previewd spin.
const SHORT_WATCH_MS = 1000;
const BACKOFF_RESET_MS = 60_000;
// How long after previewd's start, or after the server last did not answer, its 403/404/429 are read as
// "still starting" (kube-apiserver's RBAC and CRD caches fill within seconds of /readyz).
const SERVER_START_GRACE_MS = 30_000;

/**
 * List, then watch from the list's resourceVersion, for as long as it runs: the reflector of client-go,
 * in small. A clean end of the stream resumes the watch at once; 410 Expired relists; any other failure
 * (a dropped socket, a 5xx, a silent stream) retries with jittered exponential backoff. After each list
 * every current Application is announced again, and those gone are announced deleted, so a consumer
 * that missed events converges.
 */
export function createApplicationWatch(options: ApplicationWatchOptions): ApplicationWatch {
  const { log, timers } = options;
  const cache = new Map<string, ArgoApplication>();
  let listener: ((event: ApplicationEvent) => void) | undefined;
  let resourceVersion: string | undefined;
  // The resourceVersion whose watch last got a server error (5xx) as an ERROR event.
  let serverErrorAt: string | undefined;
  let listed = false;
  let failures = 0;
  // The last list or watch was answered: false from a failure until the server answers again (readiness).
  let answered = false;
  // When the server last failed to answer at all (or answered 503): just after, its RBAC and discovery
  // caches are still filling, and a 403, 404 or 429 says nothing about previewd's configuration.
  let unreachableAt = Number.NEGATIVE_INFINITY;
  const startedAt = Date.now();
  // Every restart bumps the generation: callbacks of an abandoned list or stream see it and do nothing.
  let generation = 0;
  let restartTimer: unknown;
  let silenceTimer: unknown;
  let stream: { abort(): void } | undefined;
  let listing: AbortController | undefined;

  function emit(event: ApplicationEvent): void {
    try {
      listener?.(event);
    } catch (error) {
      log.warn({ err: error instanceof Error ? error.message : String(error) }, 'the Argo CD Application listener threw; the watch goes on');
    }
  }

  function abandonCurrent(): void {
    generation++;
    timers.clearTimeout(restartTimer);
    timers.clearTimeout(silenceTimer);
    restartTimer = silenceTimer = undefined;
    stream?.abort();
    listing?.abort();
    stream = listing = undefined;
  }

  function restart(delayMs: number, first = false): void {
    if (!listener) return;
    if (!first) options.onRestart?.();
    abandonCurrent();
    const mine = generation;
    restartTimer = timers.setTimeout(() => void cycle(mine), delayMs);
  }

  function failed(error: unknown, action: string): void {
    const status = httpStatusOf(error);
    if (status === undefined || status === 503) unreachableAt = Date.now();
    const serverStarting = Date.now() - Math.max(unreachableAt, startedAt) < SERVER_START_GRACE_MS;
    const clusterError = toClusterError(error, action, { serverStarting });
    const policy = clusterError.transient ? options.backoff : (options.configBackoff ?? options.backoff);
    const delayMs = backoffDelay(policy, failures++, options.random);
    answered = false;
    log.warn({ err: clusterError.message, status: clusterError.status, attempt: failures, retryInMs: delayMs }, 'watching Argo CD Applications failed; retrying');
    restart(delayMs);
  }

  function applyList(list: ApplicationList): void {
    const names = new Set(list.items.map((app) => app.metadata.name));
    for (const name of [...cache.keys()].filter((n) => !names.has(n))) {
      cache.delete(name);
      emit({ type: 'delete', name });
    }
    for (const app of list.items) {
      cache.set(app.metadata.name, app);
      emit({ type: 'upsert', app });
    }
    resourceVersion = list.resourceVersion;
    failures = 0;
    answered = true;
    if (!listed) log.info({ applications: list.items.length }, 'watching Argo CD Applications');
    listed = true;
  }

  function armSilenceTimer(mine: number, timeoutSeconds: number): void {
    timers.clearTimeout(silenceTimer);
    silenceTimer = timers.setTimeout(() => {
      if (mine === generation) failed(new Error(`no answer on the watch for ${timeoutSeconds}s past its timeout`), 'watching Argo CD Applications');
    }, timeoutSeconds * 1000 + (options.silenceGraceMs ?? 30_000));
  }

  async function cycle(mine: number): Promise<void> {
    try {
      if (resourceVersion === undefined) {
        listing = new AbortController();
        const list = await options.list(listing.signal);
        if (mine !== generation) return;
        listing = undefined;
        applyList(list);
      }
      await openStream(mine, resourceVersion ?? '');
    } catch (error) {
      if (mine === generation) failed(error, resourceVersion === undefined ? 'listing Argo CD Applications' : 'watching Argo CD Applications');
    }
  }

  function relist(): void {
    // Argo CD changed more than the server remembers since our resourceVersion: start over.
    log.info({ resourceVersion }, 'the Argo CD watch expired (410); relisting');
    resourceVersion = undefined;
    // The server answered (with 410): an outage before it is over, so its failures no longer count —
    // else the relist after a restart of the API server would wait as long as the outage's last retry.
    failures = 0;
    restart(backoffDelay(options.backoff, failures++, options.random));
  }

  function apply(type: string, app: ArgoApplication): void {
    if (app?.metadata?.resourceVersion) resourceVersion = app.metadata.resourceVersion;
    if (type === 'DELETED') {
      cache.delete(app.metadata.name);
      emit({ type: 'delete', name: app.metadata.name });
    } else if (type === 'ADDED' || type === 'MODIFIED') {
      cache.set(app.metadata.name, app);
      emit({ type: 'upsert', app });
    }
  }

  async function openStream(mine: number, from: string): Promise<void> {
    const timeoutSeconds = options.watchTimeoutSeconds();
    const openedAt = Date.now();
    let events = 0;
    armSilenceTimer(mine, timeoutSeconds);
    const onLine = (type: string, object: unknown): void => {
      if (mine !== generation) return;
      armSilenceTimer(mine, timeoutSeconds);
      if (type === 'ERROR') {
        // The server ends the stream after an ERROR; act now rather than wait for it.
        const status = object as { code?: number; reason?: string; message?: string };
        if (status.code === 410) return relist();
        // A server error inside the stream is retried from the same resourceVersion once; a second one
        // from there lists again (under the backoff): etcd without a watch cache answers 500 "PrevKv=nil"
        // every time from exactly its compacted revision (kube-apiserver 1.20, fake-kube-conformance).
        if ((status.code ?? 500) >= 500) {
          if (serverErrorAt === from) resourceVersion = undefined;
          serverErrorAt = from;
        }
        return failed(new ClusterError(`the watch answered ${status.reason ?? 'an error'}: ${status.message ?? ''}`, true, status.code), 'watching Argo CD Applications');
      }
      if (type !== 'BOOKMARK') {
        events++;
        failures = 0;
      }
      apply(type, object as ArgoApplication);
    };
    const onDone = (error: unknown): void => {
      if (mine !== generation) return;
      stream = undefined;
      // A watch that had been up for a while starts the backoff afresh: its failure is a new one.
      if (Date.now() - openedAt > BACKOFF_RESET_MS) failures = 0;
      if (httpStatusOf(error) === 410) return relist();
      if (error) return failed(error, 'watching Argo CD Applications');
      if (events === 0 && Date.now() - openedAt < SHORT_WATCH_MS) return failed(new Error('the server ended the watch at once'), 'watching Argo CD Applications');
      restart(0);
    };
    const opened = await options.watch(from, timeoutSeconds, onLine, onDone);
    if (mine !== generation) return opened.abort();
    stream = opened;
    if (!answered) log.info({ failedAttempts: failures }, 'watching Argo CD Applications again');
    answered = true;
  }

  return {
    start(onEvent) {
      if (listener) throw new Error('the Argo CD watch is already started');
      listener = onEvent;
      // A new listener has seen nothing: list, so that it hears of every current Application.
      resourceVersion = undefined;
      restart(0, true);
    },
    stop() {
      abandonCurrent();
      listener = undefined;
    },
    // Listed once, and the last list or watch was answered: false during an outage.
    synced: () => listed && answered,
    get: (name) => cache.get(name),
  };
}
