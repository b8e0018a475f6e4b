import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createLogger } from '../../src/adapters/logger.ts';

describe('the logger', () => {
  test('secrets are redacted wherever a log call puts them', () => {
    const lines: string[] = [];
    const log = createLogger('info', { write: (line: string) => void lines.push(line) });
    const secrets = ['ghp_0123456789abcdefghij', 'hook-secret-value', '-----BEGIN RSA PRIVATE KEY-----abc', 'Basic dXNlcjpwYXNz', 'admin-token-value'];
    log.info({ token: secrets[0], settings: { webhookSecret: secrets[1], privateKey: secrets[2] } }, 'settings');
    log.info({ req: { headers: { authorization: secrets[3] } }, auth: { token: secrets[4] } }, 'request');
    log.child({ delivery: 'd-1' }).warn({ github: { token: secrets[0] } }, 'child');
    const text = lines.join('');
    for (const secret of secrets) assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
    assert.equal(lines.length, 3);
    assert.match(text, /\[redacted\]/);
    assert.match(text, /"delivery":"d-1"/);
  });
});

describe('the log format', () => {
  test('json: one JSON object a line, as machines read it', () => {
    const lines: string[] = [];
    createLogger('info', { write: (line: string) => void lines.push(line) }, 'json').info({ pr: 7 }, 'published');
    assert.equal(lines.length, 1);
    assert.deepEqual({ ...JSON.parse(lines[0] ?? '{}'), time: 0, pid: 0, hostname: '' }, { level: 30, time: 0, pid: 0, hostname: '', pr: 7, msg: 'published' });
  });

  test('pretty: a readable line with the level and the message, a clock time and not epoch milliseconds, secrets still redacted', () => {
    const lines: string[] = [];
    createLogger('info', { write: (line: string) => void lines.push(line) }, 'pretty').warn({ pr: 7, token: 'ghp_secret_value' }, 'push failed');
    const text = lines.join('');
    assert.match(text, /^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: push failed/);
    assert.match(text, /pr: 7/);
    assert.match(text, /\[redacted\]/);
    assert.ok(!text.includes('ghp_secret_value'));
    assert.ok(!/"time":\d{13}/.test(text));
  });

  test('unset: pretty on a terminal, JSON elsewhere', () => {
    const tty: string[] = [];
    const pipe: string[] = [];
    createLogger('info', { isTTY: true, write: (line: string) => void tty.push(line) } as never).info('hello');
    createLogger('info', { write: (line: string) => void pipe.push(line) }).info('hello');
    assert.match(tty.join(''), /INFO.*hello/);
    assert.equal(JSON.parse(pipe[0] ?? '{}').msg, 'hello');
  });
});
