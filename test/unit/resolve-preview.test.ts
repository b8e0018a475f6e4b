import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadAssets } from '../../src/assets/load-assets.ts';
import { createConfigValidators } from '../../src/domain/config-validators.ts';
import type { ServiceConfig } from '../../src/domain/config-types.ts';
import { findApp } from '../../src/domain/find-app.ts';
import { loadPreviewConfig, loadServiceConfig } from '../../src/domain/load-config.ts';
import { allowedAddons, resolvePreview } from '../../src/domain/resolve-preview.ts';

const validators = createConfigValidators((await loadAssets()).schemas);

function service(text: string): ServiceConfig {
  const result = loadServiceConfig(text, validators);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  return result.value;
}

const SERVICE = service(`domain: preview.example.com
defaults: { ttl: 72h, replicas: 1, resources: { requests: { cpu: 50m, memory: 64Mi }, limits: { cpu: 500m, memory: 256Mi } } }
policy: { maxTtl: 14d, allowedAddons: [postgres, redis, minio], caps: { cpu: "1", memory: 1Gi, replicas: 3 } }
apps:
  - { repo: acme/legacy, base: apps/legacy/base, images: [x/legacy], addons: [postgres] }
  - { repo: "acme/*", base: apps/shop/base, images: [x/shop] }
  - { repo: "other/{api,web}", base: apps/other/base, images: [x/other] }
`);

function resolve(text: string, repo = 'shop') {
  const app = findApp(SERVICE, 'acme', repo);
  assert.ok(app);
  const config = loadPreviewConfig(text, validators);
  assert.ok(config.ok, JSON.stringify(!config.ok && config.problems));
  return resolvePreview(SERVICE, app, config.value);
}

describe('findApp', () => {
  const cases: Array<[owner: string, repo: string, base: string | null]> = [
    ['acme', 'legacy', 'apps/legacy/base'], // first match wins over the later glob
    ['ACME', 'Legacy', 'apps/legacy/base'], // case-insensitive
    ['acme', 'shop', 'apps/shop/base'],
    ['acme', '.github', 'apps/shop/base'],
    ['other', 'api', 'apps/other/base'],
    ['other', 'db', null],
    ['acmex', 'shop', null],
  ];
  for (const [owner, repo, base] of cases) {
    test(`${owner}/${repo} → ${String(base)}`, () => {
      assert.equal(findApp(SERVICE, owner, repo)?.base ?? null, base);
    });
  }
});

describe('resolvePreview: what a PR gets', () => {
  test('no file: the defaults', () => {
    const result = resolve('');
    assert.ok(result.ok);
    assert.deepEqual(result.value, {
      enabled: true,
      addons: [],
      env: [],
      replicas: 1,
      ttl: '72h',
      ttlMs: 72 * 3600_000,
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
      paths: null,
    });
  });

  test('wishes within the policy are granted; add-ons in a fixed order, env sorted and stringified', () => {
    const result = resolve('addons: [redis, postgres]\nenv: { ZED: 1, ALPHA: true, _x: "a=b" }\nreplicas: 3\nttl: 14d\nresources: { limits: { memory: 1Gi } }\nenabled: false\npaths: ["src/**"]\n');
    assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
    assert.deepEqual(result.value.addons, ['postgres', 'redis']);
    assert.deepEqual(result.value.env, [['ALPHA', 'true'], ['ZED', '1'], ['_x', 'a=b']]);
    assert.equal(result.value.replicas, 3);
    assert.equal(result.value.ttlMs, 14 * 86_400_000);
    assert.deepEqual(result.value.resources.limits, { cpu: '500m', memory: '1Gi' });
    assert.equal(result.value.enabled, false);
    assert.deepEqual(result.value.paths, ['src/**']);
  });

  test("an app's own add-on list narrows the policy", () => {
    assert.deepEqual(allowedAddons(SERVICE, SERVICE.apps[0]!), ['postgres']);
    assert.deepEqual(allowedAddons(SERVICE, SERVICE.apps[1]!), ['postgres', 'redis', 'minio']);
  });
});

describe('resolvePreview: refusals', () => {
  const cases: Array<[name: string, text: string, repo: string, path: string, message: RegExp, accepted: string]> = [
    ['add-on not in the policy', 'addons: [postgres, mongodb]\n', 'shop', '/addons/1', /add-on "mongodb" is not allowed/, 'one of postgres, redis, minio'],
    ["add-on not in the app's list", 'addons: [redis]\n', 'legacy', '/addons/0', /"redis" is not allowed/, 'one of postgres'],
    ['ttl above maxTtl', 'ttl: 15d\n', 'shop', '/ttl', /15d is above/, 'at most 14d'],
    ['replicas above the cap', 'replicas: 4\n', 'shop', '/replicas', /4 replicas/, 'at most 3'],
    ['cpu limit above the cap', 'resources: { limits: { cpu: 1500m } }\n', 'shop', '/resources/limits/cpu', /above the cap/, 'at most 1'],
    ['memory request above the cap', 'resources: { requests: { memory: 2Gi }, limits: { memory: 2Gi } }\n', 'shop', '/resources/requests/memory', /above the cap/, 'at most 1Gi'],
    ['request above its limit', 'resources: { requests: { cpu: 800m } }\n', 'shop', '/resources/requests/cpu', /above its limit 500m/, 'at most 500m'],
    ['env name with a dash', 'env: { MY-VAR: x }\n', 'shop', '/env/MY-VAR', /not an environment variable name/, 'a name matching [A-Za-z_][A-Za-z0-9_]*'],
    ['env name starting with a digit', 'env: { 1X: x }\n', 'shop', '/env/1X', /not an environment variable name/, 'a name matching [A-Za-z_][A-Za-z0-9_]*'],
    ['env name with a slash', 'env: { "a/b": x }\n', 'shop', '/env/a~1b', /not an environment variable name/, 'a name matching [A-Za-z_][A-Za-z0-9_]*'],
  ];
  for (const [name, text, repo, path, message, accepted] of cases) {
    test(name, () => {
      const result = resolve(text, repo);
      assert.equal(result.ok, false);
      const hit = !result.ok ? result.problems.find((p) => p.path === path) : undefined;
      assert.ok(hit, JSON.stringify(result));
      assert.equal(hit.file, '.github/preview.yaml');
      assert.match(hit.message, message);
      assert.equal(hit.accepted, accepted);
    });
  }

  test('all refusals at once', () => {
    const result = resolve('addons: [mongodb]\nttl: 30d\nreplicas: 9\nenv: { "bad name": x }\n');
    assert.equal(result.ok, false);
    assert.deepEqual(!result.ok && result.problems.map((p) => p.path), ['/addons/0', '/ttl', '/replicas', '/env/bad name']);
  });
});
