import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileSetChanges } from '../../src/domain/file-set-changes.ts';

const folder = 'previews/acme/shop/pr-42';

test('identical files: no change (so no commit)', () => {
  const files = new Map([['a.yaml', 'a'], ['b.json', 'b']]);
  assert.deepEqual(fileSetChanges(folder, files, new Map(files)), []);
});

test('new, changed and unwanted files; sorted by path', () => {
  const current = new Map([['kustomization.yaml', 'old'], ['preview.json', 'same'], ['stale.yaml', 'x']]);
  const desired = new Map([['preview.json', 'same'], ['namespace.yaml', 'ns'], ['kustomization.yaml', 'new']]);
  assert.deepEqual(fileSetChanges(folder, desired, current), [
    { type: 'write', path: `${folder}/kustomization.yaml`, content: 'new' },
    { type: 'write', path: `${folder}/namespace.yaml`, content: 'ns' },
    { type: 'delete', path: `${folder}/stale.yaml` },
  ]);
});

test('a new environment writes everything; an empty desired set deletes everything', () => {
  const files = new Map([['b', '2'], ['a', '1']]);
  assert.deepEqual(fileSetChanges(folder, files, new Map()).map((c) => [c.type, c.path]), [['write', `${folder}/a`], ['write', `${folder}/b`]]);
  assert.deepEqual(fileSetChanges(folder, new Map(), files).map((c) => [c.type, c.path]), [['delete', `${folder}/a`], ['delete', `${folder}/b`]]);
});

test('an empty file differs from a missing one', () => {
  assert.deepEqual(fileSetChanges(folder, new Map([['a', '']]), new Map()), [{ type: 'write', path: `${folder}/a`, content: '' }]);
});
