import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  canonicalEnvKey,
  hostName,
  InvalidNameError,
  isDnsLabel,
  isDnsName,
  isLabelValue,
  labelValue,
  namespaceName,
  previewId,
  repoLabel,
} from '../../src/domain/names.ts';

const HOSTILE = ['../', '..', '.', 'a/b', '"', "'", '\n', '\r\n', ': {', '&anchor', '*alias', '!!tag', '#', '- ', '{{ .x }}', '$(rm -rf /)', 'é', 'Ä', 'ǅ', '日本', '🙂', '\u0000', '\u200b', 'İ', '-', '_', 'My_App', 'my-app', ' '];

/** Owners and repos as a webhook might carry them, sane or not. */
const text = fc.oneof(
  fc.string({ minLength: 1, maxLength: 100 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
  fc.array(fc.constantFrom(...HOSTILE), { minLength: 1, maxLength: 8 }).map((parts) => parts.join('')),
  fc.stringMatching(/^[A-Za-z0-9._-]{1,100}$/),
  fc.constant('x'.repeat(100)),
);
const pr = fc.oneof(fc.integer({ min: 1, max: 2147483647 }), fc.constantFrom(1, 2147483647));
const ref = fc.record({ owner: text, repo: text, pr });
const prefix = fc.constantFrom('pv-', 'preview-', 'p', 'abcdefghijklmnop', '');

describe('names are valid for any input', () => {
  test('namespace: a DNS-1123 label that starts with the prefix and shows the PR number', () => {
    fc.assert(
      fc.property(ref, prefix, (r, p) => {
        const ns = namespaceName(r, p);
        assert.ok(isDnsLabel(ns), ns);
        assert.ok(ns.startsWith(p), ns);
        assert.ok(ns.includes(`-${r.pr}-`), ns);
      }),
      { numRuns: 2000 },
    );
  });

  test('id: a DNS-1123 label with the PR number', () => {
    fc.assert(
      fc.property(ref, (r) => {
        const id = previewId(r);
        assert.ok(isDnsLabel(id), id);
        assert.ok(id.includes(`-pr-${r.pr}-`), id);
      }),
      { numRuns: 2000 },
    );
  });

  test('label values: at most 63 of [A-Za-z0-9._-], alphanumeric at both ends', () => {
    fc.assert(
      fc.property(fc.oneof(text, fc.string({ maxLength: 300 })), (t) => {
        const v = labelValue(t);
        assert.ok(isLabelValue(v) && v.length > 0, JSON.stringify(v));
        assert.match(v, /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/);
      }),
      { numRuns: 2000 },
    );
    fc.assert(fc.property(ref, (r) => assert.ok(isLabelValue(repoLabel(r)))));
  });

  test('host: a valid DNS name for every pattern placeholder', () => {
    const domain = fc.constantFrom('preview.example.com', 'a.b.c.d.example.org', `${'d'.repeat(63)}.example.com`);
    const pattern = fc.constantFrom('{namespace}.{domain}', '{id}.{domain}', 'pr-{pr}.{id}.{domain}', 'app-{namespace}.{domain}');
    fc.assert(
      fc.property(ref, domain, pattern, (r, d, pat) => {
        const namespace = namespaceName(r);
        const id = previewId(r);
        let host: string;
        try {
          host = hostName(pat, { namespace, id, pr: r.pr, domain: d });
        } catch (err) {
          // Only a pattern that adds to a full 63-character label may overflow; it must say so.
          assert.ok(err instanceof InvalidNameError);
          assert.ok(pat.startsWith('app-'), String(err));
          return;
        }
        assert.ok(isDnsName(host), host);
        assert.ok(host.length <= 253);
      }),
    );
  });
});

describe('names are unique per (owner, repo, PR)', () => {
  const distinctRefs = fc
    .tuple(ref, ref)
    .filter(([a, b]) => canonicalEnvKey(a) !== canonicalEnvKey(b));

  test('distinct inputs give distinct namespaces and ids', () => {
    fc.assert(
      fc.property(distinctRefs, ([a, b]) => {
        assert.notEqual(namespaceName(a), namespaceName(b));
        assert.notEqual(previewId(a), previewId(b));
      }),
      { numRuns: 5000 },
    );
  });

  test('distinct texts give distinct label values', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        fc.pre(a !== b);
        assert.notEqual(labelValue(a), labelValue(b));
      }),
      { numRuns: 5000 },
    );
  });

  test('many near-identical repos in one run never collide', () => {
    const seen = new Map<string, string>();
    const repos = ['My_App', 'my-app', 'my.app', 'MY-APP', 'my__app', 'my-app-', 'x'.repeat(100), `${'x'.repeat(99)}y`];
    for (const owner of ['acme', 'Acme2', 'other']) {
      for (const repo of repos) {
        for (const n of [1, 2, 12, 21, 2147483647]) {
          const key = canonicalEnvKey({ owner, repo, pr: n });
          for (const name of [namespaceName({ owner, repo, pr: n }), previewId({ owner, repo, pr: n })]) {
            const before = seen.get(name);
            assert.ok(before === undefined || before === key, `${name}: ${before} and ${key}`);
            seen.set(name, key);
          }
        }
      }
    }
  });
});

describe('names are stable and readable', () => {
  test('the same environment always gets the same names, whatever the case', () => {
    const a = { owner: 'Acme', repo: 'Shop', pr: 42 };
    const b = { owner: 'acme', repo: 'shop', pr: 42 };
    assert.equal(namespaceName(a), namespaceName(b));
    assert.equal(previewId(a), previewId(b));
    assert.match(namespaceName(b), /^pv-shop-42-[a-z2-7]{8}$/);
    assert.match(previewId(b), /^shop-pr-42-acme-[a-z2-7]{8}$/);
  });

  test('collisions of slugs are told apart by the hash', () => {
    const names = [
      { owner: 'acme', repo: 'My_App', pr: 1 },
      { owner: 'acme', repo: 'my-app', pr: 1 },
    ].map((r) => namespaceName(r));
    assert.ok(names.every((n) => n.startsWith('pv-my-app-1-')));
    assert.notEqual(names[0], names[1]);
    assert.notEqual(namespaceName({ owner: 'acme', repo: 'api', pr: 7 }), namespaceName({ owner: 'other', repo: 'api', pr: 7 }));
  });

  test('valid label values are kept as they are', () => {
    assert.equal(labelValue('octocat'), 'octocat');
    assert.equal(labelValue('feature.x_1-2'), 'feature.x_1-2');
    assert.equal(repoLabel({ owner: 'Acme', repo: 'Shop.Web' }), 'acme.shop.web');
    assert.match(labelValue('feature/x'), /^feature-x-[a-z2-7]{8}$/);
  });

  test('bad PR numbers and prefixes are refused', () => {
    for (const n of [0, -1, 1.5, Number.NaN, 2147483648]) {
      assert.throws(() => namespaceName({ owner: 'a', repo: 'b', pr: n }), InvalidNameError);
    }
    for (const p of ['PV-', '-pv', 'pv_', 'a'.repeat(17)]) {
      assert.throws(() => namespaceName({ owner: 'a', repo: 'b', pr: 1 }, p), InvalidNameError);
    }
  });

  test('a host pattern that overflows a DNS label is refused', () => {
    assert.throws(() => hostName('{id}-{namespace}.{domain}', { namespace: 'n'.repeat(40), id: 'i'.repeat(40), pr: 1, domain: 'example.com' }), InvalidNameError);
    assert.equal(hostName('{namespace}.{domain}', { namespace: 'pv-a-1-x', id: 'i', pr: 1, domain: 'example.com' }), 'pv-a-1-x.example.com');
  });
});
