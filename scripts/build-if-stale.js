// `npm start`'s build step: compiles src/ into dist/ only when a source is newer than the last build,
// so that a start with dist/ up to date costs no tsc run (about a second instead of 15-40 s).
// Stale means: no dist/.build-stamp, or a file under src/, a tsconfig, package.json or the installed
// isomorphic-git (bundled into dist/vendor/) changed after it
// (schema/ and templates/ are read at run time, not compiled). The stamp is written only after tsc
// succeeded, dated when tsc started, so that an edit made during the build counts as newer.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const stamp = join(root, 'dist', '.build-stamp');

function newest(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let max = info.mtimeMs;
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
  return max;
}

const inputs = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'node_modules/isomorphic-git/package.json'].map((p) => join(root, p)).filter((p) => existsSync(p));
const built = existsSync(stamp) ? statSync(stamp).mtimeMs : -1;
if (built >= 0 && Math.max(...inputs.map(newest)) <= built) process.exit(0);

const started = Date.now();
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
const bundle = spawnSync(process.execPath, [join(root, 'scripts/bundle-isomorphic-git.js')], { stdio: 'inherit' });
if (bundle.status !== 0) process.exit(bundle.status ?? 1);
writeFileSync(stamp, `${new Date(started).toISOString()}\n`);
utimesSync(stamp, new Date(started), new Date(started));
process.stderr.write(`previewd: compiled src/ into dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s (the next start skips this while src/ is unchanged)\n`);
