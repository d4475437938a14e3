// `npm start` as a user runs it, in its own process on a data folder of the test's: started, answered, and at the end
// stopped with whatever DynamoDB Local the last of them left behind (the kill tests SIGKILL it mid-flow).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { eventually, httpClient } from './local.js';

const root = resolve(import.meta.dirname, '../..');

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The DynamoDB Local the stack on `dataDir` started (its pid file). */
export const javaPid = (dataDir: string) => (JSON.parse(readFileSync(join(dataDir, 'dynamodb.pid'), 'utf8')) as { pid: number }).pid;

/** Servers on one data folder: `start` runs start.ts with `env` (materials optional) and waits for its health. */
export function npmStarts(dataDir: string, env: Record<string, string> = {}) {
  const servers: ChildProcess[] = [];
  async function start(port: number) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/start.ts'], {
      cwd: root,
      env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, NODE_NO_WARNINGS: '1', MATERIALS: 'optional', RATE_LIMITS: 'caller=off', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    servers.push(child);
    let errors = '';
    child.stderr!.on('data', (chunk) => (errors += chunk));
    const api = httpClient(`http://127.0.0.1:${port}`);
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}): ${errors}`);
        return (await api.call('GET', '/v1/health').catch(() => undefined))?.status === 200 ? true : undefined;
      },
      60_000,
      'the server to answer',
    );
    return { child, api };
  }
  /** Stops every server still running, then the DynamoDB Local one left by a failure. */
  async function stopAll() {
    for (const child of servers) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
    try {
      const pid = javaPid(dataDir);
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    } catch {
      // no pid file: nothing left
    }
  }
  return { start, stopAll };
}
