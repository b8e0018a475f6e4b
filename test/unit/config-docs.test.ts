import assert from 'node:assert/strict';
import { access, readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { loadAssets } from '../../src/assets/load-assets.ts';
import { formatProblem } from '../../src/domain/config-problem.ts';
import { createConfigValidators } from '../../src/domain/config-validators.ts';
import { findApp } from '../../src/domain/find-app.ts';
import { loadPreviewConfig, loadServiceConfig } from '../../src/domain/load-config.ts';
import { resolvePreview } from '../../src/domain/resolve-preview.ts';

const validators = createConfigValidators((await loadAssets()).schemas);

/** Fenced yaml blocks whose first line names the file they are an example of. */
async function examples(doc: string): Promise<Array<{ file: string; text: string }>> {
  const url = new URL(`../../${doc}`, import.meta.url);
  const exists = await access(url).then(() => true, () => false);
  if (!exists) return [];
  const markdown = await readFile(url, 'utf8');
  return [...markdown.matchAll(/```yaml\n(# (previewd\.yaml|\.github\/preview\.yaml)\n[\s\S]*?)```/g)].map((m) => ({ file: m[2] as string, text: m[1] as string }));
}

describe('every configuration example in the docs validates', () => {
  const docs = ['docs/configuration.md', 'README.md', 'gitops-repo-skeleton/README.md'];

  test('docs/configuration.md has examples of both files', async () => {
    const found = await examples('docs/configuration.md');
    assert.ok(found.filter((e) => e.file === 'previewd.yaml').length >= 1);
    assert.ok(found.filter((e) => e.file === '.github/preview.yaml').length >= 2);
  });

  test('the refusal shown in docs/configuration.md is what previewd says', async () => {
    const markdown = await readFile(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    const service = loadServiceConfig((await examples('docs/configuration.md'))[0]!.text, validators);
    assert.ok(service.ok);
    const config = loadPreviewConfig('addons: [postgres, mongodb]\nttl: 30d\n', validators);
    assert.ok(config.ok);
    const result = resolvePreview(service.value, findApp(service.value, 'acme', 'shop')!, config.value);
    assert.ok(!result.ok);
    for (const problem of result.problems) assert.ok(markdown.includes(`  ${formatProblem(problem)}\n`), formatProblem(problem));
    assert.ok(markdown.includes(`refused, ${result.problems.length} problem(s)`));
  });

  for (const doc of docs) {
    test(doc, async () => {
      const found = await examples(doc);
      const services = found.filter((e) => e.file === 'previewd.yaml').map((e) => loadServiceConfig(e.text, validators));
      for (const s of services) assert.ok(s.ok, JSON.stringify(!s.ok && s.problems));
      // A PR example must also pass the policy of the doc's own previewd.yaml (else the skeleton's).
      const skeleton = loadServiceConfig(await readFile(new URL('../../gitops-repo-skeleton/previewd.yaml', import.meta.url), 'utf8'), validators);
      const service = services[0]?.ok ? services[0].value : skeleton.ok ? skeleton.value : assert.fail('skeleton previewd.yaml');
      const app = findApp(service, 'acme', 'shop') ?? service.apps[0]!;
      for (const e of found.filter((x) => x.file === '.github/preview.yaml')) {
        const config = loadPreviewConfig(e.text, validators);
        assert.ok(config.ok, JSON.stringify(!config.ok && config.problems));
        const resolved = resolvePreview(service, app, config.value);
        assert.ok(resolved.ok, JSON.stringify(!resolved.ok && resolved.problems));
      }
    });
  }
});
