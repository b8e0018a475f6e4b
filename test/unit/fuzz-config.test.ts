import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { loadAssets } from '../../src/assets/load-assets.ts';
import { createConfigValidators } from '../../src/domain/config-validators.ts';
import { loadPreviewConfig, loadServiceConfig } from '../../src/domain/load-config.ts';
import { loadSettings } from '../../src/domain/load-settings.ts';

const assets = await loadAssets();
const validators = createConfigValidators(assets.schemas);

// A fixed seed so a failure replays; fast-check prints the seed and the shrunk counterexample itself.
const RUNS = { seed: 20261122, numRuns: 300 } as const;

const VALID_SERVICE = 'domain: preview.example.com\napps:\n  - repo: acme/shop\n    base: apps/shop/base\n    images: [ghcr.io/acme/shop]\n';

/** Keys the loaders know, so random objects reach the schema's deeper rules and not only "unknown field". */
const KNOWN_KEYS = ['domain', 'apps', 'defaults', 'policy', 'namespacePrefix', 'ttl', 'maxPreviews', 'replicas', 'resources', 'addons',
  'repo', 'base', 'images', 'tagFormat', 'port', 'env', 'cpu', 'memory', 'forks', 'caps', 'maxTtl', 'allowedAddons', 'requests', 'limits'];

const anyValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, -1, 1e308, Number.NaN, '', '72h', 'acme/*', '100m', '1Gi', 'redis', '{sha}'),
    fc.string(), fc.integer(), fc.double(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...KNOWN_KEYS), fc.string()), tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** YAML-looking text: fragments YAML gives meaning to, glued at random. */
const yamlish = fc.array(
  fc.oneof(
    fc.constantFrom('\n', '  ', '- ', ': ', '{', '}', '[', ']', '&a ', '*a', '!!binary ', '!tag ', '<<: ', '---\n', '...\n', '? ', '|\n', '>-\n', '"', "'", '#', '%YAML 1.1\n', '\t', '\u0000', '\uFEFF'),
    fc.constantFrom(...KNOWN_KEYS),
    fc.string({ maxLength: 8 }),
  ),
  { maxLength: 40 },
).map((parts) => parts.join(''));

const configText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  yamlish,
  anyValue.map((v) => stringify(v)),
  // A valid file cut short or with noise inserted: close to what a person mistypes.
  fc.tuple(fc.nat(VALID_SERVICE.length), fc.string({ maxLength: 6 })).map(([at, noise]) => VALID_SERVICE.slice(0, at) + noise + VALID_SERVICE.slice(at)),
);

function assertChecked(result: { ok: boolean; problems?: unknown }): void {
  if (result.ok) return;
  assert.ok(Array.isArray(result.problems) && result.problems.length > 0, 'a refusal carries at least one problem');
}

describe('fuzz: the config loaders answer ok or problems, never throw', () => {
  test('loadServiceConfig on random text', () => {
    fc.assert(fc.property(configText, (text) => assertChecked(loadServiceConfig(text, validators))), RUNS);
  });

  test('loadPreviewConfig on random text (and null: no file)', () => {
    assertChecked(loadPreviewConfig(null, validators));
    fc.assert(fc.property(configText, (text) => assertChecked(loadPreviewConfig(text, validators))), RUNS);
  });

  test('both loaders on random objects written as YAML, with the known keys in them', () => {
    fc.assert(fc.property(anyValue, (value) => {
      const text = stringify(value);
      assertChecked(loadServiceConfig(text, validators));
      assertChecked(loadPreviewConfig(text, validators));
    }), RUNS);
  });

  test('huge and deeply nested files: refused, not a stack overflow or a hang', () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const nestedMaps = Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n');
    for (const text of [deep, nestedMaps, 'x'.repeat(1024 * 1024), `domain: ${'a'.repeat(70_000)}`]) {
      assertChecked(loadServiceConfig(text, validators));
      assertChecked(loadPreviewConfig(text, validators));
    }
  });

  test('loadSettings on random environments: ok or problems, never a throw, never a secret echoed', () => {
    const names = Object.keys((assets.settingsSchema.schema as { properties: Record<string, unknown> }).properties);
    const secret = 'S3cr3t-fuzz-value-do-not-echo';
    const env = fc.dictionary(
      fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 10 })),
      fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('', '0', '-1', '65536', 'true', 'http://127.0.0.1:1/x.git', '* * * * *', 'debug', '\\n', secret)),
      { maxKeys: 8 },
    );
    fc.assert(fc.property(env, (vars) => {
      const result = loadSettings(vars, assets.settingsSchema, '/srv/previewd');
      if (result.ok) return;
      assert.ok(result.problems.length > 0);
      for (const name of ['WEBHOOK_SECRET', 'GITOPS_TOKEN', 'GITHUB_TOKEN', 'ADMIN_TOKEN']) {
        if (vars[name] === secret) assert.ok(!result.problems.join('\n').includes(secret), `${name} echoed in a problem`);
      }
    }), RUNS);
  });
});
