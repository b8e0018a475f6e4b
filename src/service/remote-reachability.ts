import type { Metrics } from '../ports/metrics.ts';

export interface RemoteReachabilityOptions {
  /** The GitOps remote's URL (for the reason); null for the embedded local repository, always reachable. */
  remote: string | null;
  /** Makes previewd contact the remote (a fetch, or a push of what waits); its outcome reaches `reached`/`failed`. */
  probe: () => Promise<unknown>;
  /** Not ready once the remote was last reached longer ago than this. Default 60 s. */
  staleMs?: number;
  /** With no push or fetch for this long, probe. Default 30 s, so that an idle service stays ready. */
  probeMs?: number;
  /** Milliseconds; the wall clock by default (not the service's `now`, which tests move by days). */
  clock?: () => number;
  metrics?: Pick<Metrics, 'remoteReached'>;
}

/** Whether the GitOps remote answered lately: /readyz's first condition. */
export interface RemoteReachability {
  /** A push or a fetch succeeded just now. */
  reached(): void;
  /** A push or a fetch failed (kept for the reason). */
  failed(err: unknown): void;
  /** Why previewd is not ready on the remote's account, if it is not. */
  notReady(): string[];
  start(): void;
  stop(): Promise<void>;
}

// The reason is read by people and scraped into logs: a URL's credentials stay out of it.
function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.href;
  } catch {
    return 'the GitOps remote';
  }
}

export function createRemoteReachability(options: RemoteReachabilityOptions): RemoteReachability {
  const clock = options.clock ?? Date.now;
  const staleMs = options.staleMs ?? 60_000;
  const probeMs = options.probeMs ?? 30_000;
  // The store fetched when it was opened, just before this is made.
  let last = clock();
  let lastError: unknown = null;
  let timer: NodeJS.Timeout | null = null;
  let probing: Promise<void> | null = null;
  options.metrics?.remoteReached(new Date(last));

  function tick(): void {
    if (probing || clock() - last < probeMs) return;
    // The probe's outcome is reported through reached/failed by the store it uses; here it is only awaited.
    probing = options.probe().then(() => undefined, () => undefined).finally(() => {
      probing = null;
    });
  }

  return {
    reached() {
      last = clock();
      lastError = null;
      options.metrics?.remoteReached(new Date(last));
    },
    failed(err) {
      lastError = err;
    },
    notReady() {
      const age = clock() - last;
      if (options.remote === null || age <= staleMs) return [];
      const why = lastError === null ? '' : `: ${lastError instanceof Error ? lastError.message : String(lastError)}`;
      return [`the GitOps remote ${withoutCredentials(options.remote)} has not been reachable for ${Math.round(age / 1000)} s${why}`];
    },
    start() {
      if (options.remote === null || timer) return;
      // Checked three times per probe interval, so an idle service probes well before it goes stale.
      timer = setInterval(tick, Math.max(10, Math.floor(probeMs / 3)));
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await probing;
    },
  };
}
