// `npm start` as a user runs it: serves on PORT, keeps data in DATA_DIR, stops cleanly on SIGTERM/SIGINT
// without leaving Java behind, and a second start finds everything the first left.
import { spawn, execSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { submission } from '../support/submissions.js';
import { freePort } from '#infra/local/stack.js';

const dataDir = mkdtempSync(join(tmpdir(), 'gd-kexie-start-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function npmStart(port: number): Promise<ChildProcess> {
  // Its own process group, as in a terminal, so that a signal can reach the whole group as Ctrl-C does.
  const child = spawn('npm', ['start', '--silent'], { env: { ...process.env, PORT: String(port), DATA_DIR: dataDir }, stdio: 'pipe', detached: true });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v1/health`);
      if (res.status === 200) return child;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`npm start exited: ${output}`);
    if (Date.now() > deadline) throw new Error(`npm start did not answer: ${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Sends the signal — to npm alone (`kill PID`), or to the whole process group as Ctrl-C does — and resolves
 * once npm has exited (npm itself may end by the forwarded signal).
 */
function stopped(child: ChildProcess, signal: NodeJS.Signals, group = false) {
  return new Promise<boolean>((done) => {
    const timer = setTimeout(() => done(false), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      done(true);
    });
    if (group) process.kill(-child.pid!, signal);
    else child.kill(signal);
  });
}

/** Java may take a moment to exit after npm does on a loaded machine: give it a few seconds. */
async function javaGone(dir: string): Promise<string> {
  const deadline = Date.now() + 5_000;
  let left = javaFor(dir);
  while (left && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    left = javaFor(dir);
  }
  return left;
}

const javaFor = (dir: string) => {
  try {
    return execSync(`pgrep -f "[d]bPath ${dir}"`, { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
};

describe('npm start', () => {
  it('serves the API, stops on a signal without leaving Java behind, and starts again on the same data', async () => {
    const port = await freePort();
    const first = await npmStart(port);
    const post = (path: string, body: unknown, token?: string) =>
      fetch(`http://127.0.0.1:${port}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    const { body: tok } = await post('/v1/dev/token', { role: 'applicant', org: '91441882MA4UA1B2C9', name: '申请单位' });
    const created = await post(
      '/v1/applications',
      submission('science-e-station', '441882102201'),
      tok.token,
    );
    expect(created.status).toBe(201);

    expect(await stopped(first, 'SIGTERM')).toBe(true);
    expect(await javaGone(dataDir)).toBe('');

    const second = await npmStart(port);
    // The token survives too: the dev issuer's key is kept in DATA_DIR.
    const read = await fetch(`http://127.0.0.1:${port}/v1/applications/${created.body.id}`, { headers: { authorization: `Bearer ${tok.token}` } });
    expect(read.status).toBe(200);
    expect((await read.json()).status).toBe('PENDING');
    expect(await stopped(second, 'SIGINT', true)).toBe(true);
    expect(await javaGone(dataDir)).toBe('');
  }, 120_000);
});
