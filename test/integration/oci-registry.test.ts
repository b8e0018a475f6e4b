import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../../src/adapters/logger.ts';
import { createOciRegistry } from '../../src/adapters/registry/oci-registry.ts';
import { parseRegistryCredentials, type RegistryCredentials } from '../../src/domain/registry-credentials.ts';
import { ImageRegistryError } from '../../src/ports/image-registry.ts';
import { startRegistry, type RegistryServer } from '../helpers/registry-server.ts';

const FAST = { baseMs: 100, maxMs: 400 };

function capture() {
  const lines: string[] = [];
  const log = createLogger('debug', new Writable({ write(chunk: Buffer, _enc, done) { lines.push(chunk.toString('utf8')); done(); } }));
  return { log, lines };
}

function credentialsFor(server: RegistryServer, password = server.user.password): RegistryCredentials {
  const parsed = parseRegistryCredentials(JSON.stringify({ auths: { [server.host]: { username: server.user.username, password } } }));
  assert.ok(parsed.ok);
  return parsed.credentials;
}

async function rejection(promise: Promise<unknown>): Promise<ImageRegistryError> {
  const error = await promise.then(() => assert.fail('expected an ImageRegistryError'), (e: unknown) => e);
  assert.ok(error instanceof ImageRegistryError, `expected an ImageRegistryError, got ${String(error)}`);
  return error;
}

function assertNoSecret(texts: readonly string[], server: RegistryServer): void {
  const basic = Buffer.from(`${server.user.username}:${server.user.password}`).toString('base64');
  for (const text of texts) {
    assert.ok(!text.includes(server.user.password), 'the password is in a log');
    assert.ok(!text.includes(basic), 'the basic credentials are in a log');
  }
}

describe('the OCI registry adapter against a real docker-registry with htpasswd (basic auth)', () => {
  let server: RegistryServer;
  before(async () => { server = await startRegistry('htpasswd'); });
  after(() => server.close());

  test('a tag that appears 3 s later is seen once it is there; missing before; credentials never logged', async () => {
    const { log, lines } = capture();
    const registry = createOciRegistry({ credentials: credentialsFor(server), log, backoff: FAST });
    const image = `${server.host}/acme/shop`;
    assert.equal(await registry.manifestExists(image, 'sha-1'), false, 'not pushed yet');

    let pushedAt = Infinity;
    const pushing = new Promise<void>((resolve, reject) => {
      setTimeout(() => { server.push('acme/shop', 'sha-1').then(() => { pushedAt = Date.now(); resolve(); }, reject); }, 3000);
    });
    const seen = await registry.manifestExists(image, 'sha-1', { timeoutMs: 60_000 });
    const seenAt = Date.now();
    await pushing;
    assert.equal(seen, true);
    assert.ok(seenAt >= pushedAt - 50, 'seen only once the manifest was pushed');
    assert.ok(lines.some((l) => l.includes('"status":404')) && lines.some((l) => l.includes('"status":200')), 'the lookups are logged by status');
    assert.equal(await registry.manifestExists(image, 'other-tag'), false);
    assertNoSecret([...lines, server.output()], server);
  });

  test('a wrong password: refused at once, not retried, the message says where to fix it and shows no secret', async () => {
    const { log, lines } = capture();
    const registry = createOciRegistry({ credentials: credentialsFor(server, 'not-the-password'), log, backoff: FAST });
    const error = await rejection(registry.manifestExists(`${server.host}/acme/shop`, 'sha-1', { timeoutMs: 30_000 }));
    assert.equal(error.transient, false);
    assert.equal(error.status, 401);
    assert.match(error.message, /REGISTRY_CREDENTIALS/);
    assert.ok(!error.message.includes('not-the-password'));
    assert.ok(!lines.join('').includes('not-the-password'));
  });

  test('no credentials for the host: the error says to add them', async () => {
    const { log } = capture();
    const registry = createOciRegistry({ credentials: new Map(), log });
    const error = await rejection(registry.manifestExists(`${server.host}/acme/shop`, 'sha-1'));
    assert.match(error.message, new RegExp(`needs credentials: add ${server.host.replace(/\./g, '\\.')} to REGISTRY_CREDENTIALS`));
  });

  test('malformed image or tag: refused before any request', async () => {
    const registry = createOciRegistry({ credentials: new Map(), log: capture().log });
    assert.match((await rejection(registry.manifestExists(`${server.host}/Acme/Shop`, 'x'))).message, /is not an image name/);
    assert.match((await rejection(registry.manifestExists(`${server.host}/acme/shop`, '../x'))).message, /is not an image tag/);
  });
});

describe('the OCI registry adapter against a real docker-registry with token auth (the bearer flow)', () => {
  let server: RegistryServer;
  before(async () => { server = await startRegistry('token'); });
  after(() => server.close());

  test('challenge → token from the realm with the basic credentials → HEAD with the bearer token', async () => {
    const { log, lines } = capture();
    const registry = createOciRegistry({ credentials: credentialsFor(server), log, backoff: FAST });
    const image = `${server.host}/acme/web`;
    assert.equal(await registry.manifestExists(image, 'v1'), false);
    await server.push('acme/web', 'v1');
    assert.equal(await registry.manifestExists(image, 'v1'), true);
    assert.ok(server.tokenRequests.length >= 1);
    const asked = new URL(server.tokenRequests[0]!.url, 'http://x');
    assert.equal(asked.searchParams.get('service'), 'previewd-test-registry');
    assert.equal(asked.searchParams.get('scope'), 'repository:acme/web:pull');
    assert.match(server.tokenRequests[0]!.authorization ?? '', /^Basic /);
    const tokensBefore = server.tokenRequests.length;
    assert.equal(await registry.manifestExists(image, 'v1'), true);
    assert.equal(server.tokenRequests.length, tokensBefore, 'the token is kept until it expires');
    assert.ok(!lines.join('').includes('Bearer '), 'no token in the log');
    assertNoSecret([...lines, server.output()], server);
  });

  test('credentials the token server refuses: a clear, final error', async () => {
    const registry = createOciRegistry({ credentials: credentialsFor(server, 'wrong'), log: capture().log, backoff: FAST });
    const error = await rejection(registry.manifestExists(`${server.host}/acme/web`, 'v1', { timeoutMs: 30_000 }));
    assert.equal(error.transient, false);
    assert.match(error.message, /refused the credentials .* check REGISTRY_CREDENTIALS/);
  });
});

describe('the OCI registry adapter when the registry is down', () => {
  test('connection refused is transient: retried until the timeout, then a transient error', async () => {
    const server = await startRegistry('htpasswd');
    const host = server.host;
    await server.close();
    const registry = createOciRegistry({ credentials: new Map(), log: capture().log, backoff: FAST });
    const error = await rejection(registry.manifestExists(`${host}/acme/shop`, 'sha-1', { timeoutMs: 800 }));
    assert.equal(error.transient, true);
    assert.match(error.message, /did not answer/);
  });
});
