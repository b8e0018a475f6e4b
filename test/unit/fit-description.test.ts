import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fitDescription, MAX_DESCRIPTION } from '../../src/domain/fit-description.ts';

const count = (s: string): number => Array.from(s).length;

describe('fitDescription: GitHub’s 140 characters, counted by code point', () => {
  test('a description of exactly 140 characters is sent whole', () => {
    assert.equal(fitDescription('x'.repeat(140)), 'x'.repeat(140));
  });

  test('140 emoji are 140 characters to GitHub (280 UTF-16 units): sent whole', () => {
    const text = '😀'.repeat(140);
    assert.equal(fitDescription(text), text);
  });

  test('one character over is cut to 139 and an ellipsis, never splitting an emoji', () => {
    const cut = fitDescription('😀'.repeat(141));
    assert.equal(count(cut), MAX_DESCRIPTION);
    assert.equal(cut, `${'😀'.repeat(139)}…`);
    assert.equal(fitDescription(`${'a'.repeat(138)} bcd`), `${'a'.repeat(138)}…`, 'no space left before the ellipsis');
  });
});
