// Checks the layering of src/: no import cycle, src/domain imports nothing outside itself (libraries
// and node: built-ins allowed), and nothing outside src/adapters (and the composition roots in
// src/service and src/cli, which build the adapters) imports from src/adapters. Uses TypeScript's own
// import scanner, so every import form (type-only, re-exports, dynamic) is seen.
// Run: node --import tsx scripts/check-imports.ts
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const src = join(root, 'src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));
}

const graph = new Map<string, string[]>();
for (const file of files(src)) {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  graph.set(file, info.importedFiles.map((i) => i.fileName).filter((n) => n.startsWith('.')).map((n) => resolve(dirname(file), n)));
}

const problems: string[] = [];
const rel = (f: string) => relative(root, f);
for (const [file, deps] of graph) {
  const area = relative(src, file).split('/')[0];
  for (const dep of deps) {
    const depArea = relative(src, dep).split('/')[0];
    if (area === 'domain' && depArea !== 'domain') problems.push(`${rel(file)} imports ${rel(dep)}: src/domain imports nothing outside itself`);
    if (depArea === 'adapters' && !['adapters', 'service', 'cli'].includes(area ?? '')) problems.push(`${rel(file)} imports ${rel(dep)}: only adapters and the composition roots (service, cli) import adapters`);
  }
}

// Cycles: depth-first search, reporting each cycle once by its first file.
const state = new Map<string, 'open' | 'done'>();
const stack: string[] = [];
function visit(file: string): void {
  state.set(file, 'open');
  stack.push(file);
  for (const dep of graph.get(file) ?? []) {
    if (!graph.has(dep)) continue;
    if (state.get(dep) === 'open') problems.push(`import cycle: ${[...stack.slice(stack.indexOf(dep)), dep].map(rel).join(' -> ')}`);
    else if (!state.has(dep)) visit(dep);
  }
  stack.pop();
  state.set(file, 'done');
}
for (const file of graph.keys()) if (!state.has(file)) visit(file);

if (problems.length > 0) {
  process.stderr.write(`check-imports: ${problems.length} problem(s):\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`check-imports: ${graph.size} files in src/, no cycle, src/domain pure, adapters imported only by adapters and composition roots\n`);
