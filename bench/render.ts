// `npm run bench -- render`: one environment's overlay rendered with the templates parsed once at
// start (what previewd does) beside parsing them for every render (what it did), in one run.
import { readFile } from 'node:fs/promises';
import { loadAssets } from '../src/assets/load-assets.ts';
import { packageRoot } from '../src/assets/package-root.ts';
import { compileTemplates } from '../src/domain/compile-templates.ts';
import { createConfigValidators } from '../src/domain/config-validators.ts';
import { loadServiceConfig } from '../src/domain/load-config.ts';
import { renderOverlay, type RenderTemplates } from '../src/domain/render-overlay.ts';
import { median, round } from './stats.ts';

const ROUNDS = 7;
const RENDERS = 300;

export async function benchRender(): Promise<void> {
  const root = packageRoot();
  const assets = await loadAssets();
  const service = loadServiceConfig(await readFile(`${root}gitops-repo-skeleton/previewd.yaml`, 'utf8'), createConfigValidators(assets.schemas));
  const app = service.ok ? service.value.apps[0] : undefined;
  if (!service.ok || !app) throw new Error('the skeleton\'s previewd.yaml does not load');
  const read = (name: string) => readFile(`${root}templates/${name}.yaml`, 'utf8');
  const texts = { kustomization: await read('kustomization'), namespace: await read('namespace'), addons: await read('addons') };
  const render = (n: number, templates: () => RenderTemplates) => renderOverlay({
    pr: { owner: 'demo', repo: 'app', pr: n, sha: n.toString(16).padStart(40, 'a'), branch: `feature-${n}`, author: 'octocat', now: new Date() },
    service: service.value, app, config: { enabled: true }, templates: templates(),
  });
  const once: number[] = [];
  const each: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let start = performance.now();
    for (let i = 1; i <= RENDERS; i++) render(i, () => assets.templates);
    once.push((performance.now() - start) / RENDERS);
    start = performance.now();
    for (let i = 1; i <= RENDERS; i++) render(i, () => compileTemplates(texts));
    each.push((performance.now() - start) / RENDERS);
  }
  const ratio = median(once) / median(each);
  console.log(`render: ms per overlay, medians of ${ROUNDS} rounds of ${RENDERS}`);
  console.log(`  templates parsed once ${round(median(once), 3)} ms, parsed per render ${round(median(each), 3)} ms, ratio ${round(ratio, 2)}`);
  console.log(JSON.stringify({ bench: 'render', onceMs: round(median(once), 3), perRenderMs: round(median(each), 3), ratio: round(ratio, 2) }));
}
