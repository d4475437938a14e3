// Builds web/dist when it is missing or older than the web sources (`npm start` runs this first; so does the
// browser test). One build at a time (a lock directory), written beside dist and moved into place when whole.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const web = import.meta.dirname;
const dist = join(web, 'dist');
const lock = join(web, '.build-lock');
// The pages import the forms and the domain's pure modules (#forms/…, #functions/domain/…, and what those import):
// a change there is a change of the pages too. The lock file: a dependency's new version.
const sources = [
  ...['index.html', 'vite.config.ts', 'tsconfig.json', 'src', 'public'].map((p) => join(web, p)),
  ...['forms', 'functions', 'package-lock.json'].map((p) => resolve(web, '..', p)),
];

/** The newest modification time under a path (0 when it does not exist). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const stale = () => {
  const built = join(dist, 'index.html');
  return !existsSync(built) || statSync(built).mtimeMs < Math.max(...sources.map(newest));
};

async function acquire() {
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      return;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      // A build that died left its lock: take it over after a while.
      if (Date.now() > deadline || Date.now() - statSync(lock).mtimeMs > 180_000) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      await new Promise((done) => setTimeout(done, 250));
    }
  }
}

if (stale()) {
  await acquire();
  try {
    if (stale()) {
      const out = resolve(web, `dist.${process.pid}.tmp`);
      process.stderr.write('Building the web pages (web/dist)…\n');
      try {
        execFileSync('npm', ['run', '--silent', 'build:web', '--', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'], {
          cwd: resolve(web, '..'),
          stdio: ['ignore', 'inherit', 'inherit'],
        });
        rmSync(dist, { recursive: true, force: true });
        renameSync(out, dist);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
