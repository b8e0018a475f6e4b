import { promises as fsp } from 'node:fs';
import { dirname, join } from 'node:path';
import { envFolder } from '../../domain/environment.ts';
import type { OwedReport, ReportDebt } from '../../ports/report-debt.ts';
import { writeFileSynced } from '../durable-files.ts';
import { translateStorageError } from '../storage-error.ts';

export interface FileReportDebtOptions {
  /** The record's file (in DATA_DIR). */
  path: string;
  now?: () => Date;
  log?: { warn(obj: object, msg: string): void };
}

/** Where the record lives in DATA_DIR, beside the inbox journal. */
export function reportDebtPath(dataDir: string): string {
  return join(dataDir, 'reports-owed.json');
}

/**
 * The report debt as one small JSON file, rewritten whole (temp file, fsync, rename) after changes:
 * one write in flight at a time, the changes made meanwhile coalesced into the next. A write that
 * fails (a full disk) is retried with the next change; losing it costs a report after a crash, never
 * an event (the inbox journal holds those).
 */
export async function openFileReportDebt(options: FileReportDebtOptions): Promise<ReportDebt> {
  const { path } = options;
  const now = options.now ?? (() => new Date());
  const entries = new Map<string, OwedReport>();
  for (const entry of await readRecord(path, options.log)) entries.set(envFolder(entry), entry);
  let writing: Promise<void> | null = null;
  let dirty = false;

  async function writeAll(): Promise<void> {
    while (dirty) {
      dirty = false;
      const text = `${JSON.stringify({ owed: [...entries.values()] })}\n`;
      const temp = `${path}.${process.pid}.tmp`;
      try {
        await writeFileSynced(temp, text);
        await fsp.rename(temp, path);
      } catch (err) {
        options.log?.warn({ err: translateStorageError(err, `writing the report record ${path}`) }, 'could not record the reports owed; kept in memory, written with the next change');
        return;
      }
    }
  }
  function changed(): void {
    dirty = true;
    writing ??= writeAll().finally(() => (writing = null));
  }
  return {
    owe(env, installationId) {
      const key = envFolder(env);
      const known = entries.get(key);
      if (known && (installationId === undefined || known.installationId === installationId)) return;
      entries.set(key, {
        owner: env.owner, repo: env.repo, pr: env.pr,
        ...((installationId ?? known?.installationId) === undefined ? {} : { installationId: installationId ?? known?.installationId }),
        since: known?.since ?? now().toISOString(),
      });
      changed();
    },
    paid(env) {
      if (entries.delete(envFolder(env))) changed();
    },
    owed: () => [...entries.values()].sort((a, b) => a.since.localeCompare(b.since)),
    async flush() {
      while (writing) await writing;
    },
  };
}

async function readRecord(path: string, log: FileReportDebtOptions['log']): Promise<OwedReport[]> {
  await fsp.mkdir(dirname(path), { recursive: true });
  let text: string;
  try {
    text = await fsp.readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw translateStorageError(err, `reading the report record ${path}`);
  }
  try {
    const parsed = JSON.parse(text) as { owed?: unknown };
    return Array.isArray(parsed.owed) ? parsed.owed.filter(isOwed) : [];
  } catch (err) {
    // Written by rename, so never torn by a crash; a damaged one costs reports only, not events.
    log?.warn({ err, path }, 'the report record is not JSON; starting without it (reports of a previous run may be late)');
    return [];
  }
}

function isOwed(value: unknown): value is OwedReport {
  const v = value as Partial<OwedReport> | null;
  return typeof v?.owner === 'string' && typeof v.repo === 'string' && Number.isSafeInteger(v.pr) && typeof v.since === 'string'
    && (v.installationId === undefined || Number.isSafeInteger(v.installationId));
}
