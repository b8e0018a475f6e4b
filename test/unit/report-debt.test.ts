import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openFileReportDebt, reportDebtPath } from '../../src/adapters/report-debt/file-report-debt.ts';
import type { ForgeReports } from '../../src/ports/forge.ts';
import type { ReportDebt } from '../../src/ports/report-debt.ts';
import { createPrReporter } from '../../src/reconciler/pr-reporter.ts';
import type { PreviewStatus } from '../../src/reconciler/preview-status-book.ts';

const a = { owner: 'acme', repo: 'shop', pr: 1 };
const b = { owner: 'acme', repo: 'shop', pr: 2 };

async function inTemp(work: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'previewd-debt-'));
  try {
    await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('the report debt file', () => {
  test('what is owed survives a reopen, oldest first, one entry per PR keeping its first time; paid is gone', () => inTemp(async (dir) => {
    const path = reportDebtPath(dir);
    let t = 0;
    const now = () => new Date(Date.UTC(2026, 11, 4, 8, 0, t++));
    const debt = await openFileReportDebt({ path, now });
    debt.owe(b, 7);
    debt.owe(a);
    debt.owe(b);
    debt.paid(a);
    debt.owe(a);
    await debt.flush();
    const again = await openFileReportDebt({ path });
    assert.deepEqual(again.owed(), [
      { owner: 'acme', repo: 'shop', pr: 2, installationId: 7, since: '2026-12-04T08:00:00.000Z' },
      { owner: 'acme', repo: 'shop', pr: 1, since: '2026-12-04T08:00:02.000Z' }, // paid, then owed anew
    ]);
    again.paid(b);
    again.paid(a);
    await again.flush();
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), { owed: [] });
  }));

  test('a damaged record is said and set aside: reports may be late, nothing else is lost', () => inTemp(async (dir) => {
    const path = reportDebtPath(dir);
    await writeFile(path, '{"owed": [ trunc');
    const warned: string[] = [];
    const debt = await openFileReportDebt({ path, log: { warn: (_o, msg) => void warned.push(msg) } });
    assert.deepEqual(debt.owed(), []);
    assert.match(warned.join('\n'), /not JSON/);
  }));
});

describe('the PR reporter and its debt', () => {
  function slowForge(delayMs: number): ForgeReports & { comments: number } {
    const forge = {
      comments: 0,
      async upsertComment() {
        await new Promise((r) => setTimeout(r, delayMs));
        forge.comments++;
        return { id: 1, action: 'created' as const };
      },
      async findDeployment() {
        return null;
      },
      async createDeployment() {
        return 1;
      },
      async setDeploymentStatus() {},
      async setCommitStatus() {},
    };
    return forge;
  }
  function reporter(forge: ForgeReports, debt: ReportDebt) {
    const status = (env: typeof a): PreviewStatus => ({ env, state: 'committed', sha: 'c'.repeat(40), at: '' });
    return createPrReporter({
      forge, status, debt, debounceMs: 5, backoff: { baseMs: 5, maxMs: 20 },
      compose: async (s) => ({ marker: 'm', comment: `m ${s.env.pr}`, logText: '', state: 'committed', deployment: null, commitStatus: null }),
      log: { info() {}, warn() {}, error() {} },
    });
  }

  test('owed from the touch until GitHub took the report; a close within budget leaves nothing owed', () => inTemp(async (dir) => {
    const debt = await openFileReportDebt({ path: reportDebtPath(dir) });
    const r = reporter(slowForge(1), debt);
    r.touch(a);
    assert.deepEqual(debt.owed().map((o) => o.pr), [1]);
    assert.equal(await r.close(10_000), 0);
    assert.deepEqual(debt.owed(), []);
    // The file says so too, once its writer is done (and the temp folder is removed only after it).
    await debt.flush();
    assert.deepEqual(JSON.parse(await readFile(reportDebtPath(dir), 'utf8')), { owed: [] });
  }));

  test('a close whose budget runs out returns how many PRs are still owed, and they stay in the record', () => inTemp(async (dir) => {
    const debt = await openFileReportDebt({ path: reportDebtPath(dir) });
    const forge = slowForge(400);
    const r = reporter(forge, debt);
    r.touch(a);
    r.touch(b);
    const owed = await r.close(50);
    assert.equal(owed, 2);
    await debt.flush();
    const reopened = await openFileReportDebt({ path: reportDebtPath(dir) });
    assert.deepEqual(reopened.owed().map((o) => o.pr).sort(), [1, 2]);
    // Closed: a change after the budget is still recorded as owed, and nothing more is sent.
    const sent = forge.comments;
    await new Promise((res) => setTimeout(res, 500));
    assert.ok(forge.comments <= 2 && forge.comments >= sent);
  }));
});
