import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  commitStatusFor, deploymentEnvironment, deploymentStateFor, MAX_DESCRIPTION, type ReportedState,
} from '../../src/domain/report-calls.ts';

const ALL: ReportedState[] = ['pending', 'building', 'committed', 'deploying', 'ready', 'failed', 'destroyed', 'sleeping', 'rolled-back', 'waiting', 'refused', 'skipped'];

describe('report calls', () => {
  test('deploymentEnvironment: preview/<repo>#<n>', () => {
    assert.equal(deploymentEnvironment({ owner: 'acme', repo: 'shop', pr: 42 }), 'preview/shop#42');
  });

  const table: Array<[ReportedState, ReturnType<typeof deploymentStateFor>, 'pending' | 'success' | 'failure' | 'error' | null]> = [
    ['pending', null, null],
    ['building', 'pending', 'pending'],
    ['committed', 'in_progress', 'pending'],
    ['deploying', 'in_progress', 'pending'],
    ['ready', 'success', 'success'],
    ['failed', 'failure', 'failure'],
    ['destroyed', 'inactive', 'success'],
    ['sleeping', 'inactive', 'success'],
    ['rolled-back', 'inactive', 'pending'],
    ['waiting', null, 'pending'],
    ['refused', null, 'failure'],
    ['skipped', null, null],
  ];
  for (const [state, deployment, commitStatus] of table) {
    test(`${state}: Deployment ${deployment}, commit status ${commitStatus}`, () => {
      assert.equal(deploymentStateFor(state), deployment);
      assert.equal(commitStatusFor(state)?.state ?? null, commitStatus);
    });
  }

  test('every state is in the table', () => {
    assert.deepEqual(table.map(([s]) => s).sort(), [...ALL].sort());
  });

  test('descriptions fit GitHub’s 140 characters, with or without a detail', () => {
    for (const state of ALL) {
      for (const detail of [undefined, '', 'short', 'x'.repeat(500), '😀'.repeat(200), 'a\nmulti-line\r\nreason']) {
        const status = commitStatusFor(state, detail);
        if (status === null) continue;
        assert.ok(Array.from(status.description).length <= MAX_DESCRIPTION, `${state}: ${Array.from(status.description).length}`);
        assert.ok(!/[\n\r]/.test(status.description));
        assert.ok(!/[\uD800-\uDBFF]…$/.test(status.description), 'no split surrogate pair');
      }
    }
  });

  test('a detail follows the description when there is room', () => {
    assert.deepEqual(commitStatusFor('failed', 'health Degraded'), { state: 'failure', description: 'Preview failed: health Degraded' });
    assert.match(commitStatusFor('failed', 'y'.repeat(300))!.description, /^Preview failed: y+…$/);
  });

  test('building: pending, "waiting for build" and what it waits for', () => {
    assert.deepEqual(commitStatusFor('building'), { state: 'pending', description: 'Preview waiting for build' });
    assert.deepEqual(commitStatusFor('building', 'build, ci / image'), { state: 'pending', description: 'Preview waiting for build: build, ci / image' });
  });
});
