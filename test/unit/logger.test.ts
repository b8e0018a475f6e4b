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
