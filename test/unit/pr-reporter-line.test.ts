import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { envFolder, type EnvRef } from '../../src/domain/environment.ts';
import { ForgeError, type ForgeReports } from '../../src/ports/forge.ts';
import type { OwedReport, ReportDebt } from '../../src/ports/report-debt.ts';
import { createPrReporter, type ReportText } from '../../src/reconciler/pr-reporter.ts';
import type { PreviewStatus } from '../../src/reconciler/preview-status-book.ts';
import { createReportLine } from '../../src/reconciler/report-line.ts';

const pr = (n: number): EnvRef => ({ owner: 'acme', repo: 'shop', pr: n });
const sha = 'b'.repeat(40);

/** GitHub as seen by the reporter: every write recorded by PR, and a gate that holds writes while shut. */
function gatedForge(options: { loseFirstComment?: boolean } = {}) {
  const writes: string[] = [];
  let open: Promise<void> = Promise.resolve();
  let release = () => {};
  let lose = options.loseFirstComment ?? false;
  const comments = new Map<number, number>();
  const forge: ForgeReports = {
    async findDeployment() {
      return null;
    },
    async upsertComment(_repo, n, _marker, body, ctx) {
      await open;
      if (ctx?.knownId === undefined && ctx?.searchFirst !== false && comments.has(n)) {
        writes.push(`#${n} found`);
        return { id: comments.get(n) ?? 0, action: 'updated' };
      }
      writes.push(`#${n} ${ctx?.knownId === undefined ? 'create' : 'edit'} ${body}`);
      comments.set(n, n * 10);
      if (lose) {
        lose = false;
        // Carried out, the answer lost on the way back: the client sees a timeout.
        throw new ForgeError('the request to GitHub timed out', true);
      }
      return { id: n * 10, action: ctx?.knownId === undefined ? 'created' : 'updated' };
    },
    createDeployment: async () => 1,
    setDeploymentStatus: async () => undefined,
    setCommitStatus: async () => undefined,
  };
  return {
    forge, writes, comments,
    shut() {
      open = new Promise((resolve) => (release = resolve));
    },
    openGate: () => release(),
  };
}

function textFor(status: PreviewStatus, words: Map<string, string>): ReportText {
  const state = words.get(envFolder(status.env)) ?? 'committed';
  return {
    marker: '<!-- m -->', comment: state, logText: state, state: state.startsWith('destroyed') ? 'destroyed' : state,
    deployment: null, commitStatus: null,
  };
}

function reporterFor(forge: ForgeReports, options: { concurrency?: number; debt?: ReportDebt; firstReport?: boolean; hold?: () => boolean } = {}) {
  const words = new Map<string, string>();
  const status = (env: EnvRef): PreviewStatus => ({ env, state: 'committed', sha, firstReport: options.firstReport ?? true, at: '' });
  const reporter = createPrReporter({
    forge, status, compose: async (s) => textFor(s, words), debounceMs: 5, backoff: { baseMs: 5, maxMs: 10 },
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    concurrency: options.concurrency ?? 1, ...(options.debt ? { debt: options.debt } : {}), ...(options.hold ? { hold: options.hold } : {}),
  });
  return { reporter, say: (env: EnvRef, words_: string) => void words.set(envFolder(env), words_) };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), 'timed out');
}

describe('the report line', () => {
  test('first words before re-wordings, first come first served within each, a PR once however often it joins', () => {
    const line = createReportLine<string>();
    line.join('a', 'a', false);
    line.join('b', 'b', true);
    line.join('a', 'a again', true);
    line.join('c', 'c', true);
    assert.equal(line.size, 3);
    assert.deepEqual([line.next(), line.next(), line.next(), line.next()], ['b', 'c', 'a', undefined]);
  });
});

describe('the PR reporter under GitHub\'s pace', () => {
  test('a PR that has not heard from previewd goes before one whose comment only changes its wording', async () => {
    const github = gatedForge();
    const { reporter, say } = reporterFor(github.forge);
    reporter.touch(pr(1));
    await reporter.idle();
    github.writes.length = 0;
    github.shut();
    reporter.touch(pr(9)); // holds the one slot while the others line up
    await new Promise((r) => setTimeout(r, 30));
    say(pr(1), 'deploying');
    reporter.touch(pr(1));
    await new Promise((r) => setTimeout(r, 30));
    reporter.touch(pr(2));
    reporter.touch(pr(3));
    await new Promise((r) => setTimeout(r, 30));
    github.openGate();
    await reporter.idle();
    assert.deepEqual(github.writes, ['#9 create committed', '#2 create committed', '#3 create committed', '#1 edit deploying']);
  });

  test('a PR whose state changes five times while 30 others are ahead of it gets one write to its comment', async () => {
    const github = gatedForge();
    const { reporter, say } = reporterFor(github.forge);
    const late = pr(100);
    reporter.touch(late);
    await reporter.idle();
    github.shut();
    for (let n = 1; n <= 30; n++) reporter.touch(pr(n));
    await new Promise((r) => setTimeout(r, 30));
    for (const state of ['deploying', 'ready', 'failed', 'deploying', 'ready']) {
      say(late, state);
      reporter.touch(late);
      await new Promise((r) => setTimeout(r, 15));
    }
    github.openGate();
    await reporter.idle();
    const toLate = github.writes.filter((w) => w.startsWith('#100 '));
    assert.deepEqual(toLate, ['#100 create committed', '#100 edit ready'], 'the first report, then one write with the newest state');
    assert.equal(github.writes.length, 32);
  });

  test('a closed PR hears nothing after its final report', async () => {
    const github = gatedForge();
    const { reporter, say } = reporterFor(github.forge);
    say(pr(4), 'destroyed');
    reporter.touch(pr(4));
    await reporter.idle();
    say(pr(4), 'destroyed (the Application is gone)');
    reporter.touch(pr(4));
    await reporter.idle();
    assert.deepEqual(github.writes, ['#4 create destroyed']);
    say(pr(4), 'committed'); // reopened
    reporter.touch(pr(4));
    await reporter.idle();
    assert.deepEqual(github.writes, ['#4 create destroyed', '#4 edit committed']);
  });

  test('a create whose answer was lost is found by its marker on the retry, never made twice', async () => {
    const github = gatedForge({ loseFirstComment: true });
    const { reporter } = reporterFor(github.forge);
    reporter.touch(pr(5));
    await until(() => github.writes.length >= 2);
    await reporter.idle();
    assert.deepEqual(github.writes, ['#5 create committed', '#5 found']);
  });

  test('a PR an earlier run left owed is searched for even when this run saw it opened; a blind create waits for the record on disk', async () => {
    const flushed: string[] = [];
    const owed: OwedReport[] = [{ ...pr(6), since: '2026-12-01T00:00:00Z' }];
    const debt: ReportDebt = {
      owe: (env) => void flushed.push(`owe #${env.pr}`), paid: () => undefined, owed: () => owed,
      flush: async () => void flushed.push('flush'),
    };
    const github = gatedForge();
    github.comments.set(6, 60);
    const { reporter } = reporterFor(github.forge, { debt });
    reporter.touch(pr(6));
    reporter.touch(pr(7));
    await reporter.idle();
    assert.deepEqual(github.writes, ['#6 found', '#7 create committed']);
    assert.deepEqual(flushed, ['owe #6', 'owe #7', 'flush'], 'only the blind create of #7 waited for the record');
  });

  test('held (the watch has not listed the Applications yet): nothing is sent until the hold ends, then each PR once', async () => {
    const github = gatedForge();
    let holding = true;
    const { reporter, say } = reporterFor(github.forge, { hold: () => holding, concurrency: 3 });
    reporter.touch(pr(1));
    reporter.touch(pr(2));
    await new Promise((r) => setTimeout(r, 300));
    say(pr(1), 'ready');
    reporter.touch(pr(1));
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(github.writes, [], 'nothing sent while held');
    holding = false;
    await reporter.idle();
    assert.deepEqual(github.writes.sort(), ['#1 create ready', '#2 create committed']);
  });

  test('close() counts what is still held as owed', async () => {
    const github = gatedForge();
    const { reporter } = reporterFor(github.forge, { hold: () => true });
    reporter.touch(pr(1));
    reporter.touch(pr(2));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(await reporter.close(100), 2);
    assert.deepEqual(github.writes, []);
  });
});
