import { backoffDelay, type BackoffPolicy } from '../domain/backoff.ts';
import { envFolder, envLabel, type EnvRef } from '../domain/environment.ts';
import type { Forge, ForgeReports } from '../ports/forge.ts';
import type { ReportDebt } from '../ports/report-debt.ts';
import { isTransient } from './errors.ts';
import type { PreviewStatus } from './preview-status-book.ts';
import { createReportLine } from './report-line.ts';
import { sendReport, type ReportText, type SentReport } from './send-report.ts';

export type { ReportText } from './send-report.ts';

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
  /** Reports sent at once (default 3); the rest wait in the line. */
  concurrency?: number;
  /**
   * While true, reports wait in the line (checked again every 250 ms): what they would say is not
   * known yet, such as before the watch's first list of Applications after a start.
   */
  hold?: () => boolean;
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

interface Memory extends SentReport {
  timer?: NodeJS.Timeout;
  running?: Promise<void>;
  again?: boolean;
  attempt: number;
  /** The closed PR's final report (destroyed) was sent: nothing more goes to it unless it reopens. */
  final?: boolean;
}

/** Reports sent at once; more would only wait in the throttling plugin's queue, out of the line's order. */
const DEFAULT_CONCURRENCY = 3;

/**
 * Keeps each pull request's comment, Deployment and commit status in step with its environment. It
 * writes to GitHub only what changed since it last wrote (nothing for an unchanged comment), so a
 * whole PR lifecycle costs a handful of calls. Its memory is only a cache of what it sent: after a
 * restart, the comment is found again by its marker. Under GitHub's pace, PRs wait in a fair line
 * (createReportLine): the first word to a PR before a re-wording, each PR once however often it changed.
 */
export function createPrReporter(options: PrReporterOptions): PrReporter {
  const memory = new Map<string, Memory>();
  const line = createReportLine<Memory>();
  const random = options.random ?? Math.random;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  // Owed by an earlier run: whatever it was, it may have made a comment or a Deployment already.
  const inherited = new Set((options.debt?.owed() ?? []).map(envFolder));
  let inFlight = 0;
  let closed = false;
  let waiters: Array<() => void> = [];

  function busy(): boolean {
    return line.size > 0 || [...memory.values()].some((m) => m.timer !== undefined || m.running !== undefined);
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
      line.join(envFolder(m.env), m, m.commentId === undefined && m.comment === undefined);
      pump();
    }, delay);
  }

  let held: NodeJS.Timeout | undefined;
  function pump(): void {
    if (options.hold?.() === true) {
      held ??= setTimeout(() => {
        held = undefined;
        pump();
      }, 250);
      return;
    }
    while (!closed && inFlight < concurrency) {
      const m = line.next();
      if (!m) break;
      inFlight++;
      m.running = run(m).finally(() => {
        m.running = undefined;
        inFlight--;
        if (m.again) {
          m.again = false;
          schedule(m, options.debounceMs);
        }
        pump();
        settle();
      });
    }
  }

  // Paid once a run sent everything and no change came in meanwhile (that one is still owed).
  function paid(m: Memory): void {
    if (!m.again && m.timer === undefined && !line.has(envFolder(m.env))) options.debt?.paid(m.env);
  }

  async function run(m: Memory): Promise<void> {
    const status = options.status(m.env);
    if (!status) return paid(m);
    try {
      const text = await options.compose(status);
      if (text === null) return paid(m);
      if (text.state === 'destroyed' && m.final === true) return paid(m);
      if (options.forge === null) {
        if (text.comment !== m.comment) options.log.info({ env: envLabel(m.env), state: text.state }, text.logText);
        m.comment = text.comment;
      } else {
        const nothingYet = status.firstReport === true && m.attempt === 0 && !inherited.has(envFolder(m.env));
        await sendReport(options.forge, m, status, text, { nothingYet, beforeBlindCreate: () => options.debt?.flush() ?? Promise.resolve() });
      }
      m.final = text.state === 'destroyed';
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
      clearTimeout(held);
      let owed = 0;
      for (const [key, m] of memory) {
        if (m.timer !== undefined || m.running !== undefined || line.has(key)) owed++;
        clearTimeout(m.timer);
        m.timer = undefined;
      }
      line.clear();
      return owed;
    },
  };
}
