import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, parseDuration } from '../../src/domain/duration.ts';
import { formatCpu, formatMemory, parseCpu, parseMemory } from '../../src/domain/quantity.ts';

test('durations', () => {
  const cases: Array<[string, number | null]> = [
    ['30m', 30 * 60_000], ['72h', 72 * 3_600_000], ['14d', 14 * 86_400_000], ['1m', 60_000],
    ['0h', null], ['1.5h', null], ['2w', null], ['h', null], ['', null], [' 1h', null], ['1h ', null], ['01h', null],
  ];
  for (const [text, ms] of cases) assert.equal(parseDuration(text), ms, text);
  assert.equal(formatDuration(86_400_000), '1d');
  assert.equal(formatDuration(3 * 3_600_000), '3h');
  assert.equal(formatDuration(90_000), '2m');
});

test('cpu quantities in millicores', () => {
  const cases: Array<[string, number | null]> = [
    ['250m', 250], ['1', 1000], ['0.5', 500], ['1.25', 1250], ['2.001', 2001], ['0m', null], ['1.2345', null], ['-1', null], ['1k', null],
  ];
  for (const [text, m] of cases) assert.equal(parseCpu(text), m, text);
  assert.equal(formatCpu(2000), '2');
  assert.equal(formatCpu(1250), '1250m');
});

test('memory quantities in bytes', () => {
  const cases: Array<[string, number | null]> = [
    ['64Mi', 64 * 1024 ** 2], ['1Gi', 1024 ** 3], ['512M', 512e6], ['10Ki', 10240], ['1k', 1000], ['1', null], ['1.5Gi', null], ['1mi', null],
  ];
  for (const [text, b] of cases) assert.equal(parseMemory(text), b, text);
  assert.equal(formatMemory(1024 ** 3), '1Gi');
  assert.equal(formatMemory(1856 * 1024 ** 2), '1856Mi');
  assert.equal(formatMemory(512e6), '500000Ki');
  assert.equal(formatMemory(1000), '1000');
});
