import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadAssets } from '../../src/assets/load-assets.ts';
import { describeSettings } from '../../src/domain/describe-settings.ts';
import { loadSettings, SECRET_SETTINGS, type Settings } from '../../src/domain/load-settings.ts';

const { settingsSchema: SCHEMA } = await loadAssets();
const CWD = '/srv/previewd';

// Shaped like GitHub's key (a real one is not needed: the schema checks the PEM form, auth-app the key).
const PEM = `-----BEGIN RSA PRIVATE KEY-----\n${'MIIEowIBAAKCAQEAsecretkeymaterial0123456789+/'.repeat(3)}\nAbCd==\n-----END RSA PRIVATE KEY-----\n`;

function load(env: Record<string, string | undefined>): ReturnType<typeof loadSettings> {
  return loadSettings(env, SCHEMA, CWD);
}

function settingsOf(env: Record<string, string | undefined>): Settings {
  const result = load(env);
  assert.ok(result.ok, result.ok ? '' : result.problems.join('\n'));
  return result.settings;
}

function problemsOf(env: Record<string, string | undefined>): string[] {
  const result = load(env);
  assert.equal(result.ok, false, 'expected problems');
  return result.ok ? [] : result.problems;
}

describe('loadSettings: defaults', () => {
  test('no settings at all: DESIGN.md defaults, a local repository, everything optional off', () => {
    assert.deepEqual(settingsOf({}), {
      port: 3000,
      host: '0.0.0.0',
      webhookSecret: null,
      dataDir: '/srv/previewd/.previewd',
      gitops: { kind: 'local', dir: '/srv/previewd/.previewd/gitops', branch: 'main', author: { name: 'previewd', email: 'previewd@localhost' } },
      github: { kind: 'off', apiUrl: 'https://api.github.com' },
      argocd: { namespace: 'argocd', applicationSet: 'previews' },
      cluster: { inCluster: false },
      resyncSchedule: '*/5 * * * *',
      shutdownTimeoutMs: 10_000,
      adminToken: null,
      logLevel: 'info',
    });
  });

  test('empty values count as unset; unrelated variables are ignored', () => {
    assert.deepEqual(settingsOf({ PORT: '', WEBHOOK_SECRET: '', GITOPS_REPO_URL: '', PATH: '/bin', HOME: '' }), settingsOf({}));
  });

  test('every variable set, typed and camelCased', () => {
    const s = settingsOf({
      PORT: '8080', HOST: '127.0.0.1', WEBHOOK_SECRET: 'hook-secret', DATA_DIR: '/var/lib/previewd',
      GITOPS_REPO_URL: 'https://git.example.com/platform/gitops.git', GITOPS_BRANCH: 'previews/prod',
      GITOPS_USERNAME: 'bot', GITOPS_TOKEN: 'gitops-token-1', GITOPS_AUTHOR_NAME: 'Preview Bot', GITOPS_AUTHOR_EMAIL: 'bot@example.com',
      GITHUB_API_URL: 'https://ghe.example.com/api/v3/', GITHUB_APP_ID: '123456', GITHUB_APP_PRIVATE_KEY: PEM,
      ARGOCD_NAMESPACE: 'argo', ARGOCD_APPLICATIONSET: 'pr.previews', KUBECONFIG: '/etc/kube/config',
      RESYNC_SCHEDULE: '0 * * * *', SHUTDOWN_TIMEOUT: '45s', ADMIN_TOKEN: 'a'.repeat(32), LOG_LEVEL: 'debug', GITHUB_WRITE_INTERVAL: '250ms',
    });
    assert.deepEqual(s, {
      port: 8080,
      host: '127.0.0.1',
      webhookSecret: 'hook-secret',
      dataDir: '/var/lib/previewd',
      gitops: { kind: 'remote', url: 'https://git.example.com/platform/gitops.git', username: 'bot', token: 'gitops-token-1', branch: 'previews/prod', author: { name: 'Preview Bot', email: 'bot@example.com' } },
      github: { kind: 'app', apiUrl: 'https://ghe.example.com/api/v3', writeIntervalMs: 250, appId: 123456, privateKey: PEM },
      argocd: { namespace: 'argo', applicationSet: 'pr.previews' },
      cluster: { kubeconfig: '/etc/kube/config', inCluster: false },
      resyncSchedule: '0 * * * *',
      shutdownTimeoutMs: 45_000,
      adminToken: 'a'.repeat(32),
      logLevel: 'debug',
    });
  });

  test('a token, a relative DATA_DIR, a one-line key with \\n escapes, in-cluster', () => {
    assert.deepEqual(settingsOf({ GITHUB_TOKEN: 'ghp_abc' }).github, { kind: 'token', apiUrl: 'https://api.github.com', token: 'ghp_abc' });
    assert.equal(settingsOf({ DATA_DIR: 'state' }).dataDir, '/srv/previewd/state');
    const oneLine = PEM.replace(/\n/g, '\\n');
    const app = settingsOf({ GITHUB_APP_ID: '1', GITHUB_APP_PRIVATE_KEY: oneLine }).github;
    assert.equal(app.kind === 'app' && app.privateKey, PEM);
    assert.deepEqual(settingsOf({ KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' }).cluster, { inCluster: true });
    assert.deepEqual(settingsOf({ KUBERNETES_SERVICE_HOST: '10.0.0.1' }).cluster, { inCluster: false });
    assert.deepEqual(settingsOf({ GITOPS_REPO_URL: 'http://127.0.0.1:8080/gitops.git' }).gitops, {
      kind: 'remote', url: 'http://127.0.0.1:8080/gitops.git', branch: 'main', author: { name: 'previewd', email: 'previewd@localhost' },
    });
  });

  test('values at the edges of what is accepted', () => {
    for (const [name, value] of [
      ['PORT', '1'], ['PORT', '65535'], ['HOST', '::'], ['HOST', 'localhost'], ['GITOPS_BRANCH', 'release/1.2'],
      ['RESYNC_SCHEDULE', '*/30 * * * * *'], ['RESYNC_SCHEDULE', '0 3 * * MON'], ['ADMIN_TOKEN', 'x'.repeat(16)],
      ['ARGOCD_NAMESPACE', 'a'.repeat(63)], ['LOG_LEVEL', 'silent'], ['GITOPS_AUTHOR_EMAIL', 'ci@localhost'], ['LOG_FORMAT', 'pretty'], ['LOG_FORMAT', 'json'],
      ['SHUTDOWN_TIMEOUT', '0s'], ['SHUTDOWN_TIMEOUT', '2500ms'], ['SHUTDOWN_TIMEOUT', '1m'], ['GITHUB_WRITE_INTERVAL', '0s'], ['GITHUB_WRITE_INTERVAL', '3s'],
    ] as const) {
      assert.equal(load({ [name]: value }).ok, true, `${name}=${value}`);
    }
  });
});

/** [variable, bad value, what the problem must say]: one bad value of every variable. */
const BAD: Array<[name: string, value: string, says: RegExp]> = [
  ['PORT', 'abc', /^PORT: "abc" is not a port number \(1-65535\)$/],
  ['PORT', '0', /^PORT: "0" is not a port number/],
  ['PORT', '65536', /^PORT: "65536"/],
  ['PORT', '80.5', /^PORT: "80.5"/],
  ['HOST', 'my host', /^HOST: "my host" is not an IP address or a host name/],
  ['WEBHOOK_SECRET', 'secret-with-newline\n', /^WEBHOOK_SECRET: the value given \(not shown: it is a secret\) is not text without line breaks/],
  ['DATA_DIR', 'a\nb', /^DATA_DIR: "a\\nb" is not a folder path$/],
  ['GITOPS_REPO_URL', 'git@github.com:acme/gitops.git', /^GITOPS_REPO_URL: "git@github.com:acme\/gitops.git" is not an http:\/\/ or https:\/\/ URL/],
  ['GITOPS_REPO_URL', 'ftp://example.com/gitops', /^GITOPS_REPO_URL: "ftp:/],
  ['GITOPS_BRANCH', 'a..b', /^GITOPS_BRANCH: "a\.\.b" is not a git branch name/],
  ['GITOPS_BRANCH', 'feature.lock', /^GITOPS_BRANCH:/],
  ['GITOPS_BRANCH', '-x', /^GITOPS_BRANCH:/],
  ['GITOPS_BRANCH', 'a b', /^GITOPS_BRANCH:/],
  ['GITOPS_BRANCH', 'refs/', /^GITOPS_BRANCH:/],
  ['GITOPS_BRANCH', 'x@{1}', /^GITOPS_BRANCH:/],
  ['GITOPS_USERNAME', 'a:b', /^GITOPS_USERNAME: "a:b" is not a user name/],
  ['GITOPS_TOKEN', 'tok en', /^GITOPS_TOKEN: the value given \(not shown: it is a secret\) is not a token without spaces/],
  ['GITOPS_AUTHOR_NAME', 'Bot <x>', /^GITOPS_AUTHOR_NAME: "Bot <x>" is not a name without '<', '>'/],
  ['GITOPS_AUTHOR_EMAIL', 'not-an-email', /^GITOPS_AUTHOR_EMAIL: "not-an-email" is not an e-mail address/],
  ['GITHUB_API_URL', 'api.github.com', /^GITHUB_API_URL: "api\.github\.com" is not an http:\/\/ or https:\/\/ URL/],
  ['GITHUB_TOKEN', 'ghp_abc\n', /^GITHUB_TOKEN: the value given \(not shown: it is a secret\) is not a token/],
  ['GITHUB_APP_ID', 'my-app', /^GITHUB_APP_ID: "my-app" is not the App's numeric id/],
  ['GITHUB_APP_PRIVATE_KEY', 'ssh-rsa AAAAB3Nza', /^GITHUB_APP_PRIVATE_KEY: the value given \(not shown: it is a secret\) is not a PEM private key/],
  ['ARGOCD_NAMESPACE', 'Argo_CD', /^ARGOCD_NAMESPACE: "Argo_CD" is not a namespace name \(DNS-1123 label/],
  ['ARGOCD_NAMESPACE', 'a'.repeat(64), /^ARGOCD_NAMESPACE:/],
  ['ARGOCD_APPLICATIONSET', 'Previews!', /^ARGOCD_APPLICATIONSET: "Previews!" is not a Kubernetes object name/],
  ['ARGOCD_URL', 'argocd.example.com', /^ARGOCD_URL: "argocd\.example\.com" is not an http:\/\/ or https:\/\/ URL/],
  ['ARGOCD_WEBHOOK_URL', 'argocd.example.com/api/webhook', /^ARGOCD_WEBHOOK_URL: "argocd\.example\.com\/api\/webhook" is not one or more http:\/\/ or https:\/\/ URLs/],
  ['ARGOCD_WEBHOOK_URL', 'https://argocd.example.com/api/webhook,,http://appset:7000/api/webhook', /^ARGOCD_WEBHOOK_URL:/],
  ['ARGOCD_WEBHOOK_URL', 'https://admin:pw@argocd.example.com/api/webhook', /^ARGOCD_WEBHOOK_URL: "https:\/\/\*\*\*@argocd/],
  ['ARGOCD_WEBHOOK_SECRET', 'argo-secret\n', /^ARGOCD_WEBHOOK_SECRET: the value given \(not shown: it is a secret\) is not text without line breaks/],
  ['KUBECONFIG', '/etc/kube\u0000config', /^KUBECONFIG: "\/etc\/kube\\u0000config" is not a file path/],
  ['RESYNC_SCHEDULE', '61 * * * *', /^RESYNC_SCHEDULE: "61 \* \* \* \*" is not a cron expression/],
  ['RESYNC_SCHEDULE', 'every 5 minutes', /^RESYNC_SCHEDULE:/],
  ['SHUTDOWN_TIMEOUT', '10', /^SHUTDOWN_TIMEOUT: "10" is not a duration in ms, s or m, such as 10s/],
  ['SHUTDOWN_TIMEOUT', '1h', /^SHUTDOWN_TIMEOUT:/],
  ['GITHUB_WRITE_INTERVAL', '1', /^GITHUB_WRITE_INTERVAL: "1" is not a duration in ms, s or m, such as 250ms/],
  ['WEBHOOK_SECRET_PREVIOUS', 'old\n', /^WEBHOOK_SECRET_PREVIOUS: the value given \(not shown: it is a secret\) is not text without line breaks/],
  ['WEBHOOK_SECRET_PREVIOUS_UNTIL', '2026-12-01 noon', /^WEBHOOK_SECRET_PREVIOUS_UNTIL: "2026-12-01 noon" is not an RFC 3339 time/],
  ['WEBHOOK_SECRET_PREVIOUS_UNTIL', '2026-12-01T12:00:00', /^WEBHOOK_SECRET_PREVIOUS_UNTIL:/],
  ['ALLOWED_REPOS', 'acme', /^ALLOWED_REPOS: "acme" is not comma-separated owner\/repo globs/],
  ['ALLOWED_REPOS', 'acme/*,,tools/ci', /^ALLOWED_REPOS:/],
  ['ADMIN_TOKEN', 'short-token', /^ADMIN_TOKEN: the value given \(not shown: it is a secret\) is not a token of at least 16 characters/],
  ['ADMIN_TOKEN', 'x'.repeat(15) + ' y', /^ADMIN_TOKEN:/],
  ['REGISTRY_CREDENTIALS', 'ghcr.io=me:hunter2', /^REGISTRY_CREDENTIALS: not JSON \(the value is not shown: it is a secret\)\. Accepted: the JSON of a Docker config/],
  ['REGISTRY_CREDENTIALS', '{"ghcr.io":{"username":"me","password":"hunter2"}}', /^REGISTRY_CREDENTIALS: no "auths" object/],
  ['REGISTRY_CREDENTIALS', '{"auths":{"ghcr.io":{"password":"hunter2"}}}', /^REGISTRY_CREDENTIALS: the entry for ghcr\.io has neither username and password nor an auth/],
  ['REGISTRY_CREDENTIALS', '{"auths":{"ghcr io":{"auth":"bWU6aHVudGVyMg=="}}}', /^REGISTRY_CREDENTIALS: "ghcr io" is not a registry host/],
  ['REGISTRY_CREDENTIALS', 'x'.repeat(70_000), /^REGISTRY_CREDENTIALS: the value given \(not shown: it is a secret\) is not the JSON of a Docker config/],
  ['LOG_LEVEL', 'verbose', /^LOG_LEVEL: "verbose" is not one of fatal, error, warn, info, debug, trace, silent$/],
  ['LOG_FORMAT', 'color', /^LOG_FORMAT: "color" is not json or pretty/],
];

/** Cross-field companions so that a lone bad value raises only its own problem. */
function companions(name: string): Record<string, string> {
  if (name === 'GITOPS_TOKEN') return { GITOPS_REPO_URL: 'https://git.example.com/g.git' };
  if (name === 'GITOPS_USERNAME') return { GITOPS_REPO_URL: 'https://git.example.com/g.git', GITOPS_TOKEN: 't' };
  if (name === 'GITHUB_APP_ID') return { GITHUB_APP_PRIVATE_KEY: PEM };
  if (name === 'GITHUB_APP_PRIVATE_KEY') return { GITHUB_APP_ID: '1' };
  if (name === 'ARGOCD_WEBHOOK_URL') return { GITOPS_REPO_URL: 'https://git.example.com/g.git' };
  if (name === 'ARGOCD_WEBHOOK_SECRET') return { GITOPS_REPO_URL: 'https://git.example.com/g.git', ARGOCD_WEBHOOK_URL: 'https://argocd.example.com/api/webhook' };
  if (name === 'WEBHOOK_SECRET_PREVIOUS') return { WEBHOOK_SECRET: 'new', WEBHOOK_SECRET_PREVIOUS_UNTIL: '2026-12-01T12:00:00Z' };
  if (name === 'WEBHOOK_SECRET_PREVIOUS_UNTIL') return { WEBHOOK_SECRET: 'new', WEBHOOK_SECRET_PREVIOUS: 'old' };
  return {};
}

describe('loadSettings: each variable refused, with what is accepted', () => {
  for (const [name, value, says] of BAD) {
    test(`${name}=${JSON.stringify(value)}`, () => {
      const problems = problemsOf({ ...companions(name), [name]: value });
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(problems[0] ?? '', says);
    });
  }

  test('REGISTRY_CREDENTIALS: a refusal never shows the password', () => {
    for (const value of ['ghcr.io=me:hunter2', '{"auths":{"ghcr.io":{"password":"hunter2"}}}']) {
      for (const problem of problemsOf({ REGISTRY_CREDENTIALS: value })) assert.ok(!problem.includes('hunter2'), problem);
    }
  });

  test('REGISTRY_CREDENTIALS: by host, from username and password or auth, Docker Hub under docker.io', () => {
    const settings = settingsOf({ REGISTRY_CREDENTIALS: JSON.stringify({ auths: {
      'ghcr.io': { username: 'me', password: 'p:w' },
      'https://index.docker.io/v1/': { auth: Buffer.from('hubuser:hubpass').toString('base64') },
      '127.0.0.1:5000': { username: 'ci', password: 'x' },
    } }) });
    assert.deepEqual(Object.fromEntries(settings.registryCredentials ?? []), {
      'ghcr.io': { username: 'me', password: 'p:w' }, 'docker.io': { username: 'hubuser', password: 'hubpass' }, '127.0.0.1:5000': { username: 'ci', password: 'x' },
    });
  });

  test('every variable of the schema has a refusal above', () => {
    const names = Object.keys((SCHEMA.schema as { properties: object }).properties);
    assert.equal(names.length, 30, names.join(' '));
    for (const name of names) assert.ok(BAD.some(([n]) => n === name), name);
  });
});

describe('loadSettings: rules between variables', () => {
  const cases: Array<[env: Record<string, string>, says: RegExp]> = [
    [{ GITHUB_APP_ID: '1' }, /^GITHUB_APP_PRIVATE_KEY: not set, but GITHUB_APP_ID is/],
    [{ GITHUB_APP_PRIVATE_KEY: PEM }, /^GITHUB_APP_ID: not set, but GITHUB_APP_PRIVATE_KEY is/],
    [{ GITHUB_TOKEN: 'ghp_x', GITHUB_APP_ID: '1', GITHUB_APP_PRIVATE_KEY: PEM }, /^GITHUB_TOKEN: set together with a GitHub App/],
    [{ GITOPS_TOKEN: 'tok' }, /^GITOPS_TOKEN: set without GITOPS_REPO_URL/],
    [{ GITOPS_USERNAME: 'bot', GITOPS_TOKEN: 'tok' }, /^GITOPS_USERNAME: set without GITOPS_REPO_URL/],
    [{ GITOPS_REPO_URL: 'https://g.example.com/r.git', GITOPS_USERNAME: 'bot' }, /^GITOPS_TOKEN: not set, but GITOPS_USERNAME is/],
    [{ ARGOCD_WEBHOOK_URL: 'https://argocd.example.com/api/webhook' }, /^ARGOCD_WEBHOOK_URL: set without GITOPS_REPO_URL: the push event names the GitOps remote/],
    [{ GITOPS_REPO_URL: 'https://g.example.com/r.git', ARGOCD_WEBHOOK_SECRET: 's' }, /^ARGOCD_WEBHOOK_SECRET: set without ARGOCD_WEBHOOK_URL/],
  ];
  for (const [env, says] of cases) {
    test(JSON.stringify(Object.keys(env)), () => {
      assert.ok(problemsOf(env).some((p) => says.test(p)), problemsOf(env).join('\n'));
    });
  }

  test('the companions that satisfy them pass', () => {
    assert.equal(load({ GITHUB_APP_ID: '1', GITHUB_APP_PRIVATE_KEY: PEM }).ok, true);
    assert.equal(load({ GITHUB_TOKEN: 'ghp_x' }).ok, true);
    assert.equal(load({ GITOPS_REPO_URL: 'https://g.example.com/r.git', GITOPS_TOKEN: 'tok' }).ok, true);
    assert.equal(load({ GITOPS_REPO_URL: 'https://g.example.com/r.git', ARGOCD_WEBHOOK_URL: 'https://argocd.example.com/api/webhook', ARGOCD_WEBHOOK_SECRET: 's' }).ok, true);
  });

  test('ARGOCD_WEBHOOK_URL: each endpoint of the list, trimmed, with the secret', () => {
    const s = settingsOf({
      GITOPS_REPO_URL: 'https://g.example.com/r.git', ARGOCD_WEBHOOK_SECRET: 'argo-hook-secret',
      ARGOCD_WEBHOOK_URL: 'https://argocd.example.com/api/webhook , http://argocd-applicationset-controller.argocd:7000/api/webhook',
    });
    assert.deepEqual(s.argocd.webhook, {
      urls: ['https://argocd.example.com/api/webhook', 'http://argocd-applicationset-controller.argocd:7000/api/webhook'], secret: 'argo-hook-secret',
    });
    assert.deepEqual(settingsOf({ GITOPS_REPO_URL: 'https://g.example.com/r.git', ARGOCD_WEBHOOK_URL: 'http://argocd-server/api/webhook' }).argocd.webhook, { urls: ['http://argocd-server/api/webhook'] });
  });
});

describe('loadSettings: all at once, and secrets never echoed', () => {
  const secrets = {
    WEBHOOK_SECRET: 'hook-secret-value\n',
    GITOPS_TOKEN: 'gitops token value',
    GITHUB_TOKEN: 'ghp_secretvalue\n',
    GITHUB_APP_PRIVATE_KEY: 'not-a-pem-secretkeymaterial',
    ADMIN_TOKEN: 'admin-secret',
  };

  test('every bad variable and broken rule is reported in one answer', () => {
    const env = { ...Object.fromEntries(BAD.map(([name, value]) => [name, value])), ...secrets };
    const problems = problemsOf(env);
    const reported = new Set(problems.map((p) => p.split(':')[0]));
    for (const [name] of BAD) assert.ok(reported.has(name), `${name} missing from:\n${problems.join('\n')}`);
    assert.ok(problems.some((p) => p.startsWith('GITHUB_TOKEN: set together with a GitHub App')));
  });

  test('no secret value appears in a problem: bad values, good values beside a problem, credentials in a URL', () => {
    const good = { WEBHOOK_SECRET: 'hook-secret-value', GITHUB_TOKEN: 'ghp_secretvalue', ADMIN_TOKEN: 'admin-secret-long-enough' };
    const answers = [
      problemsOf(secrets),
      problemsOf({ ...good, PORT: 'x', GITOPS_TOKEN: 'gitops-token-value' }),
      problemsOf({ GITOPS_REPO_URL: 'https://bot:url-secret@git.example.com/g.git' }),
      problemsOf({ GITHUB_APP_PRIVATE_KEY: PEM, GITHUB_TOKEN: 'ghp_secretvalue' }),
    ];
    const values = [...Object.values(secrets), ...Object.values(good), 'gitops-token-value', 'url-secret', 'secretkeymaterial'];
    for (const problems of answers) {
      for (const value of values) {
        for (const p of problems) assert.ok(!p.includes(value.trim()), `${JSON.stringify(value)} in ${p}`);
      }
    }
  });

  test('the schema marks exactly the secret variables writeOnly', () => {
    const properties = (SCHEMA.schema as { properties: Record<string, { writeOnly?: boolean }> }).properties;
    const writeOnly = Object.entries(properties).filter(([, p]) => p.writeOnly === true).map(([n]) => n);
    assert.deepEqual(writeOnly.sort(), [...SECRET_SETTINGS].sort());
  });
});

describe('describeSettings', () => {
  test('no settings: each thing that is off is said plainly, with how to turn it on', () => {
    assert.deepEqual(describeSettings(settingsOf({})), [
      'GitOps repository: local, at /srv/previewd/.previewd/gitops, branch main (set GITOPS_REPO_URL for a remote)',
      'commits by previewd <previewd@localhost>',
      'GitHub reporting is off: set GITHUB_TOKEN or GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY to turn it on',
      'no cluster: health read-back is off (set KUBECONFIG or run in a cluster)',
      'Argo CD refresh: none, Argo CD sees each commit at its next poll (set ARGOCD_WEBHOOK_URL, or a cluster, to tell it at once)',
    ]);
  });

  test('everything on: what is used, and never a secret', () => {
    const env = {
      WEBHOOK_SECRET: 'hook-secret-value', GITOPS_REPO_URL: 'https://git.example.com/g.git', GITOPS_USERNAME: 'bot',
      GITOPS_TOKEN: 'gitops-token-value', GITHUB_APP_ID: '42', GITHUB_APP_PRIVATE_KEY: PEM, ADMIN_TOKEN: 'admin-secret-long-enough',
      KUBECONFIG: '/etc/kube/config',
    };
    const lines = describeSettings(settingsOf(env));
    assert.ok(lines.includes('GitOps repository: https://git.example.com/g.git, branch main, with credentials of bot'), lines.join('\n'));
    assert.ok(lines.includes('GitHub: as GitHub App 42, at https://api.github.com'));
    assert.ok(lines.includes('cluster: from KUBECONFIG (/etc/kube/config); Applications in namespace argocd, ApplicationSet previews'));
    assert.ok(lines.includes('webhook secret: from WEBHOOK_SECRET'));
    assert.ok(lines.includes('Argo CD refresh: annotations patched on ApplicationSet previews and the Applications (argocd/rbac.yaml); set ARGOCD_WEBHOOK_URL for a mode without Kubernetes writes'), lines.join('\n'));
    const hook = describeSettings(settingsOf({ ...env, ARGOCD_WEBHOOK_URL: 'https://argocd.example.com/api/webhook', ARGOCD_WEBHOOK_SECRET: 'argo-hook-secret' }));
    assert.ok(hook.includes('Argo CD refresh: a push event for main to https://argocd.example.com/api/webhook after each publish, signed with ARGOCD_WEBHOOK_SECRET; no Kubernetes write (argocd/rbac-readonly.yaml is enough)'), hook.join('\n'));
    assert.ok(!hook.join('\n').includes('argo-hook-secret'));
    const token = describeSettings(settingsOf({ GITHUB_TOKEN: 'ghp_secretvalue', KUBERNETES_SERVICE_HOST: 'h', KUBERNETES_SERVICE_PORT: '443' }));
    assert.ok(token.includes('GitHub: with GITHUB_TOKEN, at https://api.github.com'));
    assert.ok(token.some((l) => l.startsWith('cluster: in-cluster service account')));
    for (const line of [...lines, ...token]) {
      for (const secret of ['hook-secret-value', 'gitops-token-value', 'secretkeymaterial', 'admin-secret-long-enough', 'ghp_secretvalue']) {
        assert.ok(!line.includes(secret), `${secret} in ${line}`);
      }
    }
  });
});
