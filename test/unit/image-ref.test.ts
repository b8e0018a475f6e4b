import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { imageLocation, isImageTag } from '../../src/domain/image-ref.ts';
import { parseChallenge } from '../../src/adapters/registry/registry-auth.ts';

describe('imageLocation: where the distribution API of an image is, as Docker reads names', () => {
  const table: Array<[image: string, host: string, baseUrl: string, name: string]> = [
    ['ghcr.io/acme/shop', 'ghcr.io', 'https://ghcr.io', 'acme/shop'],
    ['registry.example.com/previewd/demo', 'registry.example.com', 'https://registry.example.com', 'previewd/demo'],
    ['registry.example.com:8443/a/b/c', 'registry.example.com:8443', 'https://registry.example.com:8443', 'a/b/c'],
    ['nginx', 'docker.io', 'https://registry-1.docker.io', 'library/nginx'],
    ['acme/shop', 'docker.io', 'https://registry-1.docker.io', 'acme/shop'],
    ['localhost/x', 'localhost', 'http://localhost', 'x'],
    ['localhost:5000/acme/shop', 'localhost:5000', 'http://localhost:5000', 'acme/shop'],
    ['127.0.0.1:5000/acme/shop', '127.0.0.1:5000', 'http://127.0.0.1:5000', 'acme/shop'],
    ['10.0.0.1:5000/acme/shop', '10.0.0.1:5000', 'https://10.0.0.1:5000', 'acme/shop'],
    ['ghcr.io/acme/my_app.web-1', 'ghcr.io', 'https://ghcr.io', 'acme/my_app.web-1'],
  ];
  for (const [image, host, baseUrl, name] of table) {
    test(image, () => assert.deepEqual(imageLocation(image), { host, baseUrl, name }));
  }
  for (const bad of ['', 'ghcr.io/', 'ghcr.io/Acme/Shop', 'ghcr.io/acme//shop', 'ghcr.io/../etc', 'ghcr.io/acme/shop:tag', 'ghcr.io/acme/shop@sha256:x', 'evil host/x']) {
    test(`refused: ${JSON.stringify(bad)}`, () => assert.throws(() => imageLocation(bad), /is not (an image name|a registry host)/));
  }
  test('tags', () => {
    for (const ok of ['latest', 'sha-1a2b3c4', '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d', 'pr-42-abc', 'v1.2.3', '_x']) assert.ok(isImageTag(ok), ok);
    for (const bad of ['', '-x', '.x', 'a/b', 'a:b', 'x'.repeat(129), '../x']) assert.ok(!isImageTag(bad), bad);
  });
});

describe('parseChallenge', () => {
  test('Bearer with realm, service and scope; Basic; anything else', () => {
    assert.deepEqual(parseChallenge('Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:acme/shop:pull"'), {
      scheme: 'bearer', params: { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:acme/shop:pull' },
    });
    assert.deepEqual(parseChallenge('Basic realm="Registry Realm"'), { scheme: 'basic', params: { realm: 'Registry Realm' } });
    assert.equal(parseChallenge('Negotiate abc'), null);
    assert.equal(parseChallenge(null), null);
  });
});
