import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { loadSettingsSchema } from '../../src/assets/load-settings-schema.ts';
import { compileSettingsSchema, settingsValidatorModule } from '../../src/domain/compile-settings-schema.ts';
import { loadSettings } from '../../src/domain/load-settings.ts';

// The settings schema's validator is generated ahead of time (npm run generate) so that no command
// compiles it at start. These tests hold it to the schema: the same text the generator makes today,
// and the same verdicts, defaults and errors as the schema compiled now.
const ROOT = join(import.meta.dirname, '../..');
const shipped = await loadSettingsSchema();
const compiled = compileSettingsSchema(shipped.schema);
const names = Object.keys((shipped.schema as { properties: Record<string, unknown> }).properties);

describe('the generated settings validator', () => {
  test('is what `npm run generate` makes from schema/settings.schema.json today', async () => {
    const checkedIn = await readFile(join(ROOT, 'src/generated/settings-validator.ts'), 'utf8');
    assert.ok(checkedIn === settingsValidatorModule(shipped.schema),
      'src/generated/settings-validator.ts is out of date with schema/settings.schema.json: run `npm run generate` and commit the result');
  });

  test('agrees with the schema compiled now: verdict, defaults filled in and errors, on random environments', () => {
    const value = fc.oneof(
      fc.string(), fc.string({ unit: 'binary' }),
      fc.constantFrom('', '0', '3000', '65536', '::1', '0.0.0.0', 'host.example', 'a@b', 'x@y.example', 'http://127.0.0.1:1/x.git', 'ftp://x',
        '*/5 * * * *', '61 * * * *', 'debug', 'loud', 'json', 'pretty', '10s', '2500ms', '1m', '2026-12-01T12:00:00Z', '2026-12-01', '{"auths":{}}'),
    );
    const env = fc.dictionary(fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 6 })), value, { maxKeys: 10 });
    fc.assert(fc.property(env, (vars) => {
      const a = { ...vars };
      const b = { ...vars };
      const okA = shipped.validate(a);
      const okB = compiled.validate(b);
      assert.equal(okA, okB);
      assert.deepEqual(a, b, 'the same defaults filled in');
      assert.deepEqual(shipped.validate.errors ?? null, compiled.validate.errors ?? null);
    }), { seed: 20261204, numRuns: 400 });
  });

  test('loadSettings reads the same settings, or the same problems, through either', () => {
    const cases: Array<Record<string, string>> = [
      {}, { PORT: '0' }, { HOST: 'not a host!' }, { RESYNC_SCHEDULE: 'every minute' }, { RESYNC_SCHEDULE: '*/2 * * * *' },
      { GITOPS_AUTHOR_EMAIL: 'nope' }, { GITOPS_REPO_URL: 'ftp://x' }, { WEBHOOK_SECRET_PREVIOUS_UNTIL: 'tomorrow' }, { LOG_LEVEL: 'loud', SHUTDOWN_TIMEOUT: '5h' },
    ];
    for (const env of cases) assert.deepEqual(loadSettings(env, shipped, '/srv'), loadSettings(env, compiled, '/srv'), JSON.stringify(env));
  });
});
