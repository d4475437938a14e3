// One `npm start` per data directory: a second one on a running directory is refused, naming the running one,
// and touches nothing of it; a directory whose stack was SIGKILLed is taken over; and a pid left in a file is
// signalled only while it is still the DynamoDB Local that file recorded, never an unrelated process.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '#infra/local/data-lock.js';
import { DYNAMO_PID_FILE, isDynamoLocalOn, startDynamo, type DynamoPidFile } from '#infra/local/dynamodb.js';
import { identityOf, isRunning } from '#infra/local/processes.js';
import { freePort } from '#infra/local/stack.js';
import { eventually, httpClient } from '../support/local.js';
import { ORG, submission } from '../support/submissions.js';

const root = resolve(import.meta.dirname, '../..');
const children: ChildProcess[] = [];
const dirs: string[] = [];

const newDataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'gd-kexie-lock-'));
  dirs.push(dir);
  return dir;
};

const alive = (pid: number) => identityOf(pid) !== undefined;
const javaOf = (dataDir: string) => (JSON.parse(readFileSync(join(dataDir, DYNAMO_PID_FILE), 'utf8')) as { pid: number }).pid;

/** `npm start` as a user runs it (start.ts in its own process), on PORT and DATA_DIR. */
function npmStart(port: number, dataDir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/start.ts'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const api = httpClient(`http://127.0.0.1:${port}`);
  const answering = () =>
    eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}): ${output}`);
        return (await api.call('GET', '/v1/health').catch(() => undefined))?.status === 200 ? true : undefined;
      },
      60_000,
      'npm start to answer',
    );
  return { child, api, exited, answering, output: () => output };
}

async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill(signal);
  await exited;
}

afterAll(async () => {
  for (const child of children) await stop(child);
  // A DynamoDB Local left by a SIGKILLed start, should a test have failed before it was taken over: only if the
  // pid file's process is still that DynamoDB Local.
  for (const dir of dirs) {
    try {
      const recorded = JSON.parse(readFileSync(join(dir, DYNAMO_PID_FILE), 'utf8')) as DynamoPidFile;
      if (isRunning(recorded) && isDynamoLocalOn(recorded.pid, recorded.dbPath)) process.kill(recorded.pid, 'SIGKILL');
    } catch {
      // none left
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('the data directory lock', () => {
  it('refuses a second start on a running data directory, naming the running one, and the first keeps answering', { timeout: 120_000 }, async () => {
    const dataDir = newDataDir();
    const port = await freePort();
    const first = npmStart(port, dataDir);
    await first.answering();
    const java = javaOf(dataDir);

    // The same data directory, on the same port (as the second start) and on another one
    for (const secondPort of [port, await freePort()]) {
      const second = npmStart(secondPort, dataDir);
      expect(await second.exited).toBe(1);
      expect(second.output()).toContain(`进程 ${first.child.pid}`);
      expect(second.output()).toContain(`http://127.0.0.1:${port}`);
      expect(second.output()).toContain(dataDir);
      expect(second.output()).not.toMatch(/at .*\.ts:\d+/); // a message, not a stack trace
    }

    expect(alive(java)).toBe(true);
    const token = await first.api.token({ role: 'applicant', org: ORG, name: '申请单位' });
    const created = await first.api.call('POST', '/v1/applications', { token, body: submission('society-station', '441882102') });
    expect(created.status, created.text).toBe(201);
    await stop(first.child);
  });

  it('takes over the directory of a start that was SIGKILLed, ending the DynamoDB Local it left', { timeout: 120_000 }, async () => {
    const dataDir = newDataDir();
    const port = await freePort();
    const killed = npmStart(port, dataDir);
    await killed.answering();
    const java = javaOf(dataDir);
    await stop(killed.child, 'SIGKILL');
    expect(alive(java)).toBe(true); // SIGKILL left Java running, and the lock naming a process that is gone
    expect(JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')).pid).toBe(killed.child.pid);

    const next = npmStart(port, dataDir);
    await next.answering();
    expect(alive(java)).toBe(false);
    expect(JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')).pid).toBe(next.child.pid);
    // A clean stop releases it.
    await stop(next.child);
    expect(() => readFileSync(join(dataDir, LOCK_FILE))).toThrow(/ENOENT/);
  });

  it('never signals an unrelated process whose pid the lock or the pid file holds', { timeout: 120_000 }, async () => {
    const unrelated = spawn('sleep', ['1000'], { stdio: 'ignore' });
    children.push(unrelated);
    const pid = unrelated.pid!;
    const identity = identityOf(pid)!;
    const dataDir = newDataDir();
    const dbPath = join(dataDir, 'dynamodb');
    const port = await freePort();

    // The lock names its pid with another start time: the pid of a stack that died, since reused. The pid
    // file holds it bare, as earlier versions wrote it.
    writeFileSync(join(dataDir, LOCK_FILE), JSON.stringify({ pid, startTime: `${identity.startTime}0`, url: 'http://127.0.0.1:1', since: '2026-01-01T00:00:00Z' }));
    writeFileSync(join(dataDir, DYNAMO_PID_FILE), String(pid));
    const first = npmStart(port, dataDir);
    await first.answering();
    expect(alive(pid)).toBe(true);
    await stop(first.child);

    // The pid file records it with its own start time and this data directory's database: still not DynamoDB
    // Local, so DynamoDB Local's start (as npm start makes it) leaves it alone.
    writeFileSync(join(dataDir, DYNAMO_PID_FILE), JSON.stringify({ ...identity, dbPath }));
    const dynamo = await startDynamo(dataDir, await freePort());
    expect(alive(pid)).toBe(true);
    await dynamo.stop();
    await stop(unrelated);
  });
});
