import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { loadAssets } from '../../src/assets/load-assets.ts';
import type { ConfigProblem } from '../../src/domain/config-problem.ts';
import { createConfigValidators } from '../../src/domain/config-validators.ts';
import { findApp } from '../../src/domain/find-app.ts';
import { loadPreviewConfig, loadServiceConfig } from '../../src/domain/load-config.ts';

const validators = createConfigValidators((await loadAssets()).schemas);

const MINIMAL = 'domain: preview.example.com\napps:\n  - repo: acme/shop\n    base: apps/shop/base\n    images: [ghcr.io/acme/shop]\n';

// The example in DESIGN.md's "Configuration" section, verbatim.
const DESIGN_EXAMPLE = `domain: preview.example.com
namespacePrefix: pv-
defaults: { ttl: 72h, maxPreviews: 20 }
policy:   { maxTtl: 14d, allowedAddons: [postgres, redis, mariadb, mongodb, minio], forks: label }
apps:
  - repo: acme/shop                 # or a glob such as acme/*
    base: apps/shop/base
    images: [ghcr.io/acme/shop]     # retagged to the PR's head sha (tag format configurable)
    port: 8080
`;

function problemsOf(result: { ok: boolean; problems?: ConfigProblem[] }): ConfigProblem[] {
  assert.equal(result.ok, false, 'expected problems');
  return result.problems ?? [];
}

describe('previewd.yaml', () => {
  test('the skeleton, the DESIGN example and a minimal file validate', async () => {
    const skeleton = await readFile(new URL('../../gitops-repo-skeleton/previewd.yaml', import.meta.url), 'utf8');
    for (const text of [skeleton, DESIGN_EXAMPLE, MINIMAL]) {
      const result = loadServiceConfig(text, validators);
      assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
    }
  });

  test('the skeleton registers demo/app with the schema header', async () => {
    const skeleton = await readFile(new URL('../../gitops-repo-skeleton/previewd.yaml', import.meta.url), 'utf8');
    assert.match(skeleton, /^# yaml-language-server: \$schema=\.\/schema\/previewd\.schema\.json$/m);
    const result = loadServiceConfig(skeleton, validators);
    assert.ok(result.ok);
    assert.equal(findApp(result.value, 'demo', 'app')?.base, 'apps/demo/base');
  });

  test('defaults come from the schema', () => {
    const result = loadServiceConfig(MINIMAL, validators);
    assert.ok(result.ok);
    assert.equal(result.value.namespacePrefix, 'pv-');
    assert.equal(result.value.defaults.ttl, '72h');
    assert.equal(result.value.policy.forks, 'label');
    assert.equal(result.value.policy.caps.replicas, 3);
    assert.equal(result.value.apps[0]?.tagFormat, '{sha}');
    assert.equal(result.value.apps[0]?.host, '{namespace}.{domain}');
    assert.equal(result.value.apps[0]?.drafts, false);
  });

  const app = '  - repo: acme/shop\n    base: apps/shop/base\n    images: [ghcr.io/acme/shop]\n';
  const cases: Array<[name: string, text: string, path: string, accepted: RegExp]> = [
    ['domain missing', `apps:\n${app}`, '/domain', /domain/],
    ['domain not a host', `domain: "bad domain"\napps:\n${app}`, '/domain', /DNS zone/],
    ['unknown top-level key', `${MINIMAL}colour: blue\n`, '/colour', /one of domain, namespacePrefix/],
    ['namespace prefix upper-case', `${MINIMAL}namespacePrefix: PV-\n`, '/namespacePrefix', /Prefix of every preview namespace/],
    ['ttl not a duration', `${MINIMAL}defaults: { ttl: 3 days }\n`, '/defaults/ttl', /30m, 72h, 14d/],
    ['fork policy unknown', `${MINIMAL}policy: { forks: sometimes }\n`, '/policy/forks', /one of label, always, never/],
    ['add-on unknown', `${MINIMAL}policy: { allowedAddons: [kafka] }\n`, '/policy/allowedAddons/0', /one of postgres/],
    ['cap cpu not a quantity', `${MINIMAL}policy: { caps: { cpu: lots } }\n`, '/policy/caps/cpu', /millicores/],
    ['no apps', 'domain: preview.example.com\napps: []\n', '/apps', /at least 1|fewer than 1/],
    ['app repo not owner/name', 'domain: a.example.com\napps:\n  - { repo: shop, base: apps/x, images: [x/y] }\n', '/apps/0/repo', /owner\/name/],
    ['app base climbs out', 'domain: a.example.com\napps:\n  - { repo: a/b, base: ../../etc, images: [x/y] }\n', '/apps/0/base', /Kustomize base/],
    // Argo CD's manifest-generate-paths annotation (.;/apps;/components) would not see a change to it.
    ['app base outside apps/ and components/', 'domain: a.example.com\napps:\n  - { repo: a/b, base: platform/shop/base, images: [x/y] }\n', '/apps/0/base', /manifest-generate-paths/],
    // The AppProject's fences (destinations pv-*, Namespaces named pv-*) need a prefix.
    ['empty namespace prefix', `${MINIMAL}namespacePrefix: ""\n`, '/namespacePrefix', /.+/],
    ['image with a tag', 'domain: a.example.com\napps:\n  - { repo: a/b, base: apps/b, images: ["x/y:1"] }\n', '/apps/0/images/0', /.+/],
    ['tag format without sha', 'domain: a.example.com\napps:\n  - { repo: a/b, base: apps/b, images: [x/y], tagFormat: "pr-{pr}" }\n', '/apps/0/tagFormat', /\{sha\} or \{short\}/],
    ['tag format unknown placeholder', 'domain: a.example.com\napps:\n  - { repo: a/b, base: apps/b, images: [x/y], tagFormat: "{sha}-{branch}" }\n', '/apps/0/tagFormat', /placeholders/],
    ['host pattern unknown placeholder', 'domain: a.example.com\napps:\n  - { repo: a/b, base: apps/b, images: [x/y], host: "{branch}.{domain}" }\n', '/apps/0/host', /placeholders/],
    ['port out of range', 'domain: a.example.com\napps:\n  - { repo: a/b, base: apps/b, images: [x/y], port: 70000 }\n', '/apps/0/port', /<= 65535/],
    ['drafts not a boolean', 'domain: a.example.com\napps:\n  - { repo: a/b, base: apps/b, images: [x/y], drafts: "yes" }\n', '/apps/0/drafts', /boolean/],
    ['app add-on outside the policy', `${MINIMAL.replace('images: [ghcr.io/acme/shop]', 'images: [ghcr.io/acme/shop]\n    addons: [redis]')}policy: { allowedAddons: [postgres] }\n`, '/apps/0/addons/0', /one of postgres/],
    ['default ttl above maxTtl', `${MINIMAL}defaults: { ttl: 30d }\npolicy: { maxTtl: 14d }\n`, '/defaults/ttl', /at most 14d/],
    ['default replicas above the cap', `${MINIMAL}defaults: { replicas: 5 }\n`, '/defaults/replicas', /at most 3/],
    ['default resources above the caps', `${MINIMAL}defaults: { resources: { limits: { memory: 8Gi } } }\n`, '/defaults/resources/limits/memory', /at most 2Gi/],
  ];
  for (const [name, text, path, accepted] of cases) {
    test(`refused: ${name}`, () => {
      const problems = problemsOf(loadServiceConfig(text, validators));
      const hit = problems.find((p) => p.path === path);
      assert.ok(hit, `no problem at ${path}: ${JSON.stringify(problems)}`);
      assert.equal(hit.file, 'previewd.yaml');
      assert.match(hit.accepted, accepted);
      assert.ok(hit.message.length > 0);
    });
  }
});

describe('.github/preview.yaml', () => {
  test('absent or empty means defaults', () => {
    for (const text of [null, '', '# nothing\n']) {
      const result = loadPreviewConfig(text, validators);
      assert.ok(result.ok);
      assert.deepEqual(result.value, { enabled: true });
    }
  });

  test('a full example validates', () => {
    const text = 'enabled: true\naddons: [postgres, redis]\nenv: { LOG_LEVEL: debug, FEATURE_X: true, WORKERS: 4 }\nreplicas: 2\nttl: 48h\nresources:\n  requests: { cpu: 100m, memory: 128Mi }\n  limits: { cpu: "1", memory: 512Mi }\npaths: ["src/**", "package.json"]\n';
    const result = loadPreviewConfig(text, validators);
    assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
    assert.deepEqual(result.value.addons, ['postgres', 'redis']);
  });

  const cases: Array<[name: string, text: string, path: string, accepted: RegExp]> = [
    ['unknown key', 'replica: 2\n', '/replica', /one of enabled, addons/],
    ['enabled not a boolean', 'enabled: sometimes\n', '/enabled', /boolean/],
    ['unknown add-on', 'addons: [postgres, kafka]\n', '/addons/1', /one of postgres, mariadb, mongodb, redis, minio/],
    ['add-on twice', 'addons: [redis, redis]\n', '/addons', /each item once/],
    ['env value a map', 'env: { A: { b: 1 } }\n', '/env/A', /string/],
    ['replicas zero', 'replicas: 0\n', '/replicas', />= 1/],
    ['replicas a string', 'replicas: two\n', '/replicas', /integer/],
    ['ttl not a duration', 'ttl: forever\n', '/ttl', /30m, 72h, 14d/],
    ['memory not a quantity', 'resources: { limits: { memory: lots } }\n', '/resources/limits/memory', /pattern|\^/],
    ['paths empty', 'paths: []\n', '/paths', /fewer than 1/],
    ['a list, not a map', '- a\n- b\n', '', /object/],
    ['YAML alias', 'env: &e { A: "1" }\nreplicas: *e\n', '/replicas', /written out in full/],
    ['YAML explicit tag', 'env: { A: !!binary aGVsbG8= }\n', '/env/A', /untagged/],
    ['YAML custom tag', 'ttl: !duration 2h\n', '/ttl', /untagged/],
    ['YAML tag in a list', 'addons: [postgres, !!str redis]\n', '/addons/1', /untagged/],
    ['YAML merge key', 'env: { <<: { A: "1" } }\n', '/env/<<', /./],
    ['YAML duplicate key', 'ttl: 2h\nttl: 3h\n', '', /one plain YAML document/],
    ['YAML two documents', 'ttl: 2h\n---\nttl: 3h\n', '', /one plain YAML document/],
    ['YAML syntax', 'env: { A: [1, 2 }\n', '', /one plain YAML document/],
    ['too large', `env:\n${Array.from({ length: 3000 }, (_, i) => `  V${i}: "${'x'.repeat(20)}"`).join('\n')}\n`, '', /at most 65536 bytes/],
  ];
  for (const [name, text, path, accepted] of cases) {
    test(`refused: ${name}`, () => {
      const problems = problemsOf(loadPreviewConfig(text, validators));
      const hit = problems.find((p) => p.path === path);
      assert.ok(hit, `no problem at ${JSON.stringify(path)}: ${JSON.stringify(problems)}`);
      assert.equal(hit.file, '.github/preview.yaml');
      assert.match(hit.accepted, accepted);
    });
  }

  test('every problem is reported, not just the first', () => {
    const problems = problemsOf(loadPreviewConfig('addons: [kafka]\nreplicas: 0\nttl: x\n', validators));
    assert.deepEqual(problems.map((p) => p.path).sort(), ['/addons/0', '/replicas', '/ttl']);
  });
});
