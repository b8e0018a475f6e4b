import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mayRunCommands } from '../../src/domain/may-run-commands.ts';
import type { RepoPermission } from '../../src/ports/forge.ts';

const PERMISSIONS: readonly RepoPermission[] = ['admin', 'maintain', 'write', 'triage', 'read', 'none'];

describe('mayRunCommands', () => {
  for (const association of ['OWNER', 'MEMBER', 'COLLABORATOR']) {
    test(`${association} may, whatever the permission says or before it is known`, () => {
      assert.equal(mayRunCommands(association, null), 'yes');
      for (const permission of PERMISSIONS) assert.equal(mayRunCommands(association, permission), 'yes');
    });
  }

  // Everyone else: the association proves nothing, so the permission decides.
  const others = [
    'CONTRIBUTOR', 'FIRST_TIME_CONTRIBUTOR', 'FIRST_TIMER', 'NONE', 'MANNEQUIN',
    // Attempts to look trusted: GitHub never sends these, so they count for nothing.
    'owner', 'member', 'Collaborator', ' OWNER', 'OWNER ', 'OWNER\n', 'OWNER,MEMBER', 'ADMIN', 'MAINTAINER', '', 'OWNER\u0000',
  ];
  for (const association of others) {
    test(`${JSON.stringify(association)} asks, then may only with write access or more`, () => {
      assert.equal(mayRunCommands(association, null), 'ask');
      assert.equal(mayRunCommands(association, 'admin'), 'yes');
      assert.equal(mayRunCommands(association, 'maintain'), 'yes');
      assert.equal(mayRunCommands(association, 'write'), 'yes');
      assert.equal(mayRunCommands(association, 'triage'), 'no');
      assert.equal(mayRunCommands(association, 'read'), 'no');
      assert.equal(mayRunCommands(association, 'none'), 'no');
    });
  }

  test('a bot ([bot] user, association NONE) has only what its permission says: a stranger is refused', () => {
    // GitHub answers 404 for a bot's collaborator permission, which the forge reports as `none`.
    assert.equal(mayRunCommands('NONE', null), 'ask');
    assert.equal(mayRunCommands('NONE', 'none'), 'no');
  });

  test('a permission GitHub does not have (a custom role read wrongly) is never write', () => {
    assert.equal(mayRunCommands('CONTRIBUTOR', 'WRITE' as RepoPermission), 'no');
    assert.equal(mayRunCommands('CONTRIBUTOR', 'custom-deployer' as RepoPermission), 'no');
  });
});
