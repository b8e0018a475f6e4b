import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

// Docker does not run here: the Dockerfile is parsed and the facts that matter are checked.

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

interface Stage {
  from: string;
  name: string | undefined;
  instructions: Instruction[];
}

/** Dockerfile instructions with line continuations joined and comments dropped. */
function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = '';
  let start = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) return;
    if (pending !== '' && line.startsWith('#')) return;
    if (pending === '') start = index + 1;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      return;
    }
    const full = `${pending}${line}`.trim();
    pending = '';
    const match = /^(\S+)\s*(.*)$/.exec(full);
    if (match) instructions.push({ keyword: (match[1] as string).toUpperCase(), args: match[2] as string, line: start });
  });
  assert.equal(pending, '', 'the Dockerfile does not end inside a continued line');
  return instructions;
}

function stagesOf(instructions: Instruction[]): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [from, as, name] = instruction.args.split(/\s+/);
      assert.ok(from, `FROM on line ${instruction.line} names an image`);
      stages.push({ from, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else {
      assert.ok(stages.length > 0 || instruction.keyword === 'ARG', `${instruction.keyword} on line ${instruction.line} comes after a FROM`);
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

/** The JSON (exec) form of an instruction's arguments, or undefined for the shell form. */
function execForm(args: string): string[] | undefined {
  try {
    const value: unknown = JSON.parse(args);
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
  } catch {
    return undefined;
  }
}

interface Copy {
  from: string | undefined;
  sources: string[];
  dest: string;
}

function copiesOf(stage: Stage): Copy[] {
  return stage.instructions
    .filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')
    .map((i) => {
      const words = i.args.split(/\s+/);
      const flags = words.filter((w) => w.startsWith('--'));
      const paths = words.filter((w) => !w.startsWith('--'));
      const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
      return { from, sources: paths.slice(0, -1), dest: paths.at(-1) as string };
    });
}

/** Whether `.dockerignore` (docker's rules: patterns in order, `!` re-includes, the last match wins) keeps `file` in the context. */
function inContext(ignore: string[], file: string): boolean {
  let included = true;
  for (const pattern of ignore) {
    const negated = pattern.startsWith('!');
    const glob = (negated ? pattern.slice(1) : pattern).replace(/^\/+/, '').replace(/\/+$/, '');
    const regex = new RegExp(
      `^${glob
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*\*\//g, '\u{1}')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]')
        .split('\u{1}')
        .join('(?:.*/)?')}(?:/.*)?$`,
    );
    if (regex.test(file)) included = negated;
  }
  return included;
}

let stages: Stage[];
let dockerignore: string[];

before(async () => {
  stages = stagesOf(parseDockerfile(await readFile(path.join(repoRoot, 'Dockerfile'), 'utf8')));
  dockerignore = (await readFile(path.join(repoRoot, '.dockerignore'), 'utf8'))
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
});

function runtime(): Stage {
  return stages.at(-1) as Stage;
}

function last(stage: Stage, keyword: string): Instruction | undefined {
  return stage.instructions.filter((i) => i.keyword === keyword).at(-1);
}

test('multi-stage on node:20-bookworm-slim, pinned, no registry host, the runtime built from no other stage', () => {
  assert.ok(stages.length >= 2, 'at least a build and a runtime stage');
  for (const stage of stages) {
    assert.equal(stage.from, 'node:20-bookworm-slim', `FROM ${stage.from}`);
    const [image = '', tag] = stage.from.split(':');
    assert.ok(tag !== undefined && tag !== 'latest', `${stage.from} has a tag other than latest`);
    const [first, ...rest] = image.split('/');
    assert.ok(rest.length === 0 || !/[.:]|^localhost$/.test(first ?? ''), `${stage.from} names no registry host`);
  }
  assert.ok(stages.slice(0, -1).every((s) => s.name !== undefined), 'build stages are named for COPY --from');
});

test('the build stage runs npm ci and npm run build; the runtime installs production dependencies only', () => {
  const runs = (stage: Stage): string[] => stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
  const builds = stages.slice(0, -1).flatMap(runs);
  assert.ok(builds.some((r) => /\bnpm ci\b/.test(r) && !r.includes('--omit=dev')), 'a build stage installs all dependencies');
  assert.ok(builds.some((r) => r.includes('npm run build')), 'a build stage compiles');
  const final = runs(runtime());
  assert.ok(final.some((r) => /\bnpm ci\b[^&;]*--omit=dev/.test(r)), 'the runtime stage runs npm ci --omit=dev');
  assert.ok(!final.some((r) => r.includes('npm run build') || /\bnpm (install|i)\b/.test(r)), 'the runtime neither compiles nor npm installs');
});

test('the runtime runs as a numeric non-root user and exposes 3000', () => {
  const user = last(runtime(), 'USER');
  assert.ok(user, 'USER in the runtime stage');
  const [uid, gid] = user.args.split(':');
  assert.match(uid ?? '', /^\d+$/, 'numeric UID (runAsNonRoot can check it)');
  assert.notEqual(Number(uid), 0, 'not root');
  if (gid !== undefined) assert.match(gid, /^\d+$/);
  // USER comes before what runs the service, so nothing after it switches back.
  const index = runtime().instructions.indexOf(user);
  assert.ok(!runtime().instructions.slice(index).some((i) => i.keyword === 'USER' && i !== user));
  assert.equal(last(runtime(), 'EXPOSE')?.args, '3000');
});

test('ENTRYPOINT node bin/previewd.js, CMD serve, HEALTHCHECK with node against /healthz', () => {
  assert.deepEqual(execForm(last(runtime(), 'ENTRYPOINT')?.args ?? ''), ['node', 'bin/previewd.js']);
  assert.deepEqual(execForm(last(runtime(), 'CMD')?.args ?? ''), ['serve']);
  const healthcheck = last(runtime(), 'HEALTHCHECK');
  assert.ok(healthcheck, 'HEALTHCHECK in the runtime stage');
  const command = /\bCMD\s+(.*)$/.exec(healthcheck.args)?.[1] ?? '';
  const exec = execForm(command);
  assert.ok(exec, 'the health check uses the exec form (no shell needed)');
  assert.equal(exec[0], 'node', 'the health check runs node: there is no curl in the image');
  assert.ok(exec.join(' ').includes('/healthz'), 'it asks /healthz');
  assert.ok(!/\b(curl|wget)\b/.test(healthcheck.args));
});

test('read-only root filesystem: DATA_DIR on a volume, HOME on /tmp', () => {
  const env = runtime()
    .instructions.filter((i) => i.keyword === 'ENV')
    .flatMap((i) => [...i.args.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1] as string, m[2] as string] as const));
  const vars = new Map(env);
  assert.equal(vars.get('DATA_DIR'), '/var/lib/previewd');
  assert.equal(vars.get('HOME'), '/tmp');
  const volume = last(runtime(), 'VOLUME');
  assert.ok(volume && (execForm(volume.args) ?? [volume.args]).includes('/var/lib/previewd'), 'DATA_DIR is a VOLUME');
});

test('no secrets baked in: no ENV or ARG carrying a token, key or password', () => {
  const secretish = /(SECRET|TOKEN|PASSWORD|PRIVATE_KEY|API_KEY|CREDENTIAL)/i;
  for (const stage of stages) {
    for (const i of stage.instructions.filter((x) => x.keyword === 'ENV' || x.keyword === 'ARG')) {
      assert.ok(!secretish.test(i.args), `line ${i.line}: ${i.keyword} ${i.args} looks like a secret`);
    }
  }
  const text = stages.flatMap((s) => s.instructions.map((i) => i.args)).join('\n');
  assert.ok(!/(ghp_|github_pat_|-----BEGIN)/.test(text), 'no token or key literal');
});

test('the runtime COPYs what the service reads, each from a path that exists', () => {
  const stageNames = new Set(stages.map((s) => s.name).filter(Boolean));
  const copies = copiesOf(runtime());
  const destinations = new Map(copies.map((c) => [path.posix.normalize(c.dest.replace(/^\.\//, '')).replace(/\/$/, ''), c]));
  for (const needed of ['dist', 'bin', 'schema', 'templates', 'public', 'gitops-repo-skeleton']) {
    assert.ok(destinations.has(needed), `the runtime COPYs ${needed}/`);
  }
  // package.json: "type": "module" for dist/, and the version the API reports.
  assert.ok(copies.some((c) => c.from === undefined && c.sources.includes('package.json')), 'the runtime COPYs package.json');
  for (const copy of copies) {
    if (copy.from === undefined) {
      for (const source of copy.sources) {
        assert.ok(existsSync(path.join(repoRoot, source)), `COPY ${source}: exists in the repository`);
        assert.ok(inContext(dockerignore, source.replace(/^\.\//, '').replace(/\/$/, '')), `COPY ${source}: not excluded by .dockerignore`);
      }
    } else {
      assert.ok(stageNames.has(copy.from), `COPY --from=${copy.from} names a stage`);
    }
  }
  // dist/ is what `npm run build` writes.
  const build = stages.find((s) => s.name === destinations.get('dist')?.from) as Stage;
  assert.ok(build, 'dist/ comes from a build stage');
  assert.deepEqual(destinations.get('dist')?.sources, ['/app/dist']);
  assert.equal(last(build, 'WORKDIR')?.args, '/app');
  // The skeleton from the build stage is the dereferenced copy: the symlink schema -> ../schema is resolved.
  const skeleton = destinations.get('gitops-repo-skeleton');
  assert.ok(skeleton?.from !== undefined, 'the skeleton comes from the build stage');
  const derefs = build.instructions.filter((i) => i.keyword === 'RUN' && /\bcp\s+-\w*L/.test(i.args));
  assert.ok(
    derefs.some((i) => i.args.includes('gitops-repo-skeleton') && i.args.includes(skeleton.sources[0] as string)),
    `${skeleton.sources[0]} is made by cp -L from gitops-repo-skeleton`,
  );
  // Everything the build stage copies from the context exists and is in the context too.
  for (const copy of copiesOf(build).filter((c) => c.from === undefined)) {
    for (const source of copy.sources) {
      assert.ok(existsSync(path.join(repoRoot, source)), `build COPY ${source}: exists`);
      assert.ok(inContext(dockerignore, source.replace(/^\.\//, '').replace(/\/$/, '')), `build COPY ${source}: in the context`);
    }
  }
});

test('.dockerignore keeps state, secrets and build output out of the context', () => {
  for (const file of ['.git/config', 'node_modules/yaml/package.json', 'dist/cli/run.js', '.previewd/webhook-secret', '.env', 'test/unit/x.test.ts']) {
    assert.equal(inContext(dockerignore, file), false, `${file} is not sent to docker`);
  }
  for (const file of ['package.json', 'src/cli/run.ts', 'gitops-repo-skeleton/previewd.yaml', 'schema/settings.schema.json']) {
    assert.equal(inContext(dockerignore, file), true, `${file} is in the context`);
  }
});
