import { backoffDelay, type BackoffPolicy } from '../domain/backoff.ts';
import { envFolder, envLabel, type EnvRef } from '../domain/environment.ts';
import type { CommitStatusInput, DeploymentStatusInput, Forge, ForgeReports } from '../ports/forge.ts';
import type { ReportDebt } from '../ports/report-debt.ts';
import { isTransient } from './errors.ts';
import type { PreviewStatus } from './preview-status-book.ts';

/** The words of one report: the comment, and what the Deployment and the commit status should say. */
export interface ReportText {
  marker: string;
  comment: string;
  /** The same, as one paragraph for the log when GitHub reporting is off. */
  logText: string;
  state: string;
  deployment: (Pick<DeploymentStatusInput, 'state' | 'description'> & { environment: string; url?: string }) | null;
  commitStatus: (Omit<CommitStatusInput, 'context'> & { context?: string }) | null;
  /** Ask again at this time even if nothing happens (a pick-up deadline). */
  recheckAt?: Date;
}

export interface PrReporterOptions {
  /** null: GitHub reporting is off; the text goes to the log, once per change. */
  forge: (Pick<Forge, never> & ForgeReports) | null;
  status: (env: EnvRef) => PreviewStatus | undefined;
  compose: (status: PreviewStatus) => Promise<ReportText | null>;
  /** Changes within this window become one report (one comment edit). */
  debounceMs: number;
  backoff: BackoffPolicy;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  random?: () => number;
  /** Where what is owed survives a restart (only when reporting to GitHub); absent: memory only. */
  debt?: ReportDebt;
}

export interface PrReporter {
  /** Something about the environment changed: report it (debounced). */
  touch(env: EnvRef): void;
  /** Resolves when no report is waiting or running. */
  idle(): Promise<void>;
  /**
   * Sends what is waiting for at most `budgetMs` (default: until done), then takes no more work.
   * Resolves with how many PRs were still owed a report when the budget ran out (0: all sent). A
   * write in flight then is abandoned, not awaited: the process is about to exit.
   */
  close(budgetMs?: number): Promise<number>;
}

interface Memory {
  env: EnvRef;
  commentId?: number;
  comment?: string;
  /** Deployments by PR head sha, with the last state sent. */
  deployments: Map<string, { id: number; state?: string }>;
  /** Commit statuses sent, by sha: `state description`. */
  statuses: Map<string, string>;
  timer?: NodeJS.Timeout;
  running?: Promise<void>;
  again?: boolean;
  attempt: number;
}

/**
 * Keeps each pull request's comment, Deployment and commit status in step with its environment. It
 * writes to GitHub only what changed since it last wrote (nothing for an unchanged comment), so a
 * whole PR lifecycle costs a handful of calls. Its memory is only a cache of what it sent: after a
 * restart, the comment is found again by its marker.
 */
export function createPrReporter(options: PrReporterOptions): PrReporter {
  const memory = new Map<string, Memory>();
  const random = options.random ?? Math.random;
  let closed = false;
  let waiters: Array<() => void> = [];

  function busy(): boolean {
    return [...memory.values()].some((m) => m.timer !== undefined || m.running !== undefined);
  }
  function settle(): void {
    if (busy()) return;
    const w = waiters;
    waiters = [];
    for (const resolve of w) resolve();
  }

  function schedule(m: Memory, delay: number): void {
    if (m.timer || closed) return;
    m.timer = setTimeout(() => {
      m.timer = undefined;
      if (m.running) {
        m.again = true;
        return;
      }
      m.running = run(m).finally(() => {
        m.running = undefined;
        if (m.again) {
          m.again = false;
          schedule(m, options.debounceMs);
        }
        settle();
      });
    }, delay);
  }

  // Paid once a run sent everything and no change came in meanwhile (that one is still owed).
  function paid(m: Memory): void {
    if (!m.again && m.timer === undefined) options.debt?.paid(m.env);
  }

  async function run(m: Memory): Promise<void> {
    const status = options.status(m.env);
    if (!status) return paid(m);
    try {
      const text = await options.compose(status);
      if (text === null) return paid(m);
      if (options.forge === null) {
        if (text.comment !== m.comment) options.log.info({ env: envLabel(m.env), state: text.state }, text.logText);
        m.comment = text.comment;
      } else {
        await send(options.forge, m, status, text);
      }
      m.attempt = 0;
      paid(m);
      if (text.recheckAt) {
        const wait = text.recheckAt.getTime() - Date.now();
        // Node fires a timer of more than 2^31-1 ms at once; a recheck that far off waits for the resync.
        if (wait > 0 && wait < 2 ** 31 - 1) setTimeout(() => schedule(m, 0), wait).unref();
      }
    } catch (err) {
      if (!isTransient(err)) {
        options.log.error({ env: envLabel(m.env), err }, 'reporting to the pull request failed; will try again on the next change');
        return paid(m);
      }
      options.log.warn({ env: envLabel(m.env), err, attempt: m.attempt }, 'reporting to the pull request failed; retrying');
      schedule(m, backoffDelay(options.backoff, m.attempt++, random));
    }
  }

  async function send(forge: ForgeReports, m: Memory, status: PreviewStatus, text: ReportText): Promise<void> {
    const repo = { owner: m.env.owner, repo: m.env.repo };
    const ctx = status.installationId === undefined ? {} : { installationId: status.installationId };
    const sha = status.sha;
    if (text.comment !== m.comment) {
      const searchFirst = m.commentId === undefined && status.firstReport === true ? { searchFirst: false } : {};
      const known = m.commentId === undefined ? {} : { knownId: m.commentId };
      const result = await forge.upsertComment(repo, m.env.pr, text.marker, text.comment, { ...ctx, ...known, ...searchFirst });
      m.commentId = result.id;
      m.comment = text.comment;
    }
    const dep = text.deployment;
    if (dep && sha) {
      if (dep.state === 'inactive') {
        for (const d of m.deployments.values()) {
          if (d.state === 'inactive') continue;
          await forge.setDeploymentStatus(repo, d.id, { state: 'inactive', description: dep.description }, ctx);
          d.state = 'inactive';
        }
      } else {
        let d = m.deployments.get(sha);
        if (!d) {
          // A PR opened in this process's life has none yet; any other may have one that a crash kept
          // previewd from remembering (its state unknown, so the status below is sent again).
          const found = status.firstReport === true ? null : await forge.findDeployment(repo, { sha, environment: dep.environment }, ctx);
          d = { id: found ?? await forge.createDeployment(repo, { sha, environment: dep.environment, description: dep.description }, ctx) };
          m.deployments.set(sha, d);
        }
        if (d.state !== dep.state) {
          await forge.setDeploymentStatus(repo, d.id, { state: dep.state, description: dep.description, ...(dep.url ? { environmentUrl: dep.url } : {}) }, ctx);
          d.state = dep.state;
        }
      }
    }
    const cs = text.commitStatus;
    if (cs && sha && m.statuses.get(sha) !== `${cs.state} ${cs.description}`) {
      await forge.setCommitStatus(repo, sha, { context: 'previewd', ...cs }, ctx);
      m.statuses.set(sha, `${cs.state} ${cs.description}`);
    }
  }

  return {
    touch(env) {
      if (options.forge !== null) options.debt?.owe(env, options.status(env)?.installationId);
      const key = envFolder(env);
      let m = memory.get(key);
      if (!m) {
        m = { env, deployments: new Map(), statuses: new Map(), attempt: 0 };
        memory.set(key, m);
      }
      if (m.running) m.again = true;
      else schedule(m, options.debounceMs);
    },
    idle() {
      if (!busy()) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    async close(budgetMs = Number.POSITIVE_INFINITY) {
      let timer: NodeJS.Timeout | undefined;
      const budget = new Promise<void>((resolve) => {
        if (Number.isFinite(budgetMs)) timer = setTimeout(resolve, budgetMs);
      });
      await Promise.race([this.idle(), budget]);
      clearTimeout(timer);
      closed = true;
      let owed = 0;
      for (const m of memory.values()) {
        if (m.timer !== undefined || m.running !== undefined) owed++;
        clearTimeout(m.timer);
        m.timer = undefined;
      }
      return owed;
    },
  };
}
