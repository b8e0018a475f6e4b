import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EXPIRY_WARNING_MS, expiryWarning, isExpired, isPreserved, keptUntil } from '../../src/domain/preview-expiry.ts';

const NOW = new Date('2025-01-10T12:00:00.000Z');
const at = (ms: number): string => new Date(NOW.getTime() + ms).toISOString();
const HOUR = 60 * 60_000;

// One row per case of the TTL rule (DESIGN.md: "an expired TTL removes the folder"; a preserve keeps it).
const rows: Array<[name: string, preview: { expiresAt: string | null; preservedUntil: string | null } | null, expired: boolean, preserved: boolean, warned: boolean]> = [
  ['no preview.json never expires', null, false, false, false],
  ['no expiresAt never expires', { expiresAt: null, preservedUntil: null }, false, false, false],
  ['expiry ahead by a day: no warning yet', { expiresAt: at(24 * HOUR), preservedUntil: null }, false, false, false],
  ['expiry within the hour: warned', { expiresAt: at(30 * 60_000), preservedUntil: null }, false, false, true],
  ['expired exactly now', { expiresAt: at(0), preservedUntil: null }, true, false, false],
  ['expired an hour ago', { expiresAt: at(-HOUR), preservedUntil: null }, true, false, false],
  ['expired but preserved: kept, not warned', { expiresAt: at(-HOUR), preservedUntil: at(HOUR) }, false, true, false],
  ['expiring soon but preserved past it: not warned', { expiresAt: at(10 * 60_000), preservedUntil: at(2 * HOUR) }, false, true, false],
  ['a preservation that ran out no longer keeps it', { expiresAt: at(-2 * HOUR), preservedUntil: at(-HOUR) }, true, false, false],
];

describe('preview expiry: one rule for the resync, the plan, the report and the dashboard', () => {
  for (const [name, preview, expired, preserved, warned] of rows) {
    test(name, () => {
      assert.equal(isExpired(preview, NOW), expired, 'expired');
      assert.equal(isPreserved(preview, NOW), preserved, 'preserved');
      assert.equal(expiryWarning(preview, NOW).now, warned, 'warned');
    });
  }

  test('the warning starts one hour before the expiry, and keptUntil is the later of expiry and preservation', () => {
    const preview = { expiresAt: at(3 * HOUR), preservedUntil: null };
    assert.equal(expiryWarning(preview, NOW).at, NOW.getTime() + 3 * HOUR - EXPIRY_WARNING_MS);
    assert.equal(keptUntil({ expiresAt: at(HOUR), preservedUntil: at(5 * HOUR) }), NOW.getTime() + 5 * HOUR);
    assert.equal(keptUntil({ expiresAt: at(5 * HOUR), preservedUntil: at(HOUR) }), NOW.getTime() + 5 * HOUR);
  });
});
