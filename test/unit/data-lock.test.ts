// The data directory's lock (infra/local/data-lock.ts): one owner at a time, named to whoever is refused; a lock
// whose owner is gone, or whose pid now belongs to another process, taken over without signalling anything;
// and a starter one step behind another in taking over a stale lock does not remove the other's.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirInUse, LOCK_FILE, lockDataDir, takeOver } from '#infra/local/data-lock.js';
import { identityOf, ownIdentity } from '#infra/local/processes.js';

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'gd-kexie-lock-unit-'));
  dirs.push(dir);
  return dir;
};
const lockOf = (dir: string) => JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
const staleLock = (dir: string, owner: { pid: number; startTime: string }) =>
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ ...owner, url: 'http://127.0.0.1:1', since: '2026-01-01T00:00:00.000Z' }));

/** A process that has exited (and been reaped): its pid names nothing now. */
async function deadProcess() {
  const child = spawn('true');
  const pid = child.pid!;
  const startTime = identityOf(pid)?.startTime ?? '1';
  await new Promise((done) => child.once('exit', done));
  return { pid, startTime };
}

describe('the data directory lock', () => {
  it('refuses a second owner, naming the first (pid, URL, directory), until the first releases it', async () => {
    const dir = dataDir();
    const first = await lockDataDir(dir, 'http://127.0.0.1:3000');
    expect(lockOf(dir)).toMatchObject({ ...ownIdentity(), url: 'http://127.0.0.1:3000' });
    const refused = await lockDataDir(dir, 'http://127.0.0.1:3001').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DataDirInUse);
    expect((refused as Error).message).toContain(`进程 ${process.pid}`);
    expect((refused as Error).message).toContain('http://127.0.0.1:3000');
    expect((refused as Error).message).toContain(dir);
    first.release();
    const second = await lockDataDir(dir, 'http://127.0.0.1:3001');
    expect(lockOf(dir).url).toBe('http://127.0.0.1:3001');
    second.release();
    expect(() => lockOf(dir)).toThrow(/ENOENT/);
  });

  it('takes over a lock whose owner is gone, or damaged', async () => {
    const dir = dataDir();
    staleLock(dir, await deadProcess());
    (await lockDataDir(dir, 'http://127.0.0.1:3000')).release();
    writeFileSync(join(dir, LOCK_FILE), '{"pid":');
    (await lockDataDir(dir, 'http://127.0.0.1:3000')).release();
  });

  it('takes over a lock whose pid now belongs to another process (another start time), and leaves that process alone', async () => {
    const dir = dataDir();
    const unrelated = spawn('sleep', ['1000'], { stdio: 'ignore' });
    children.push(unrelated);
    const identity = identityOf(unrelated.pid!)!;
    staleLock(dir, { pid: identity.pid, startTime: `${identity.startTime}0` });
    const lock = await lockDataDir(dir, 'http://127.0.0.1:3000');
    expect(lockOf(dir).pid).toBe(process.pid);
    expect(identityOf(unrelated.pid!)).toEqual(identity);
    lock.release();
  });

  it('does not remove, on release, a lock that is no longer its own', async () => {
    const dir = dataDir();
    const lock = await lockDataDir(dir, 'http://127.0.0.1:3000');
    const other = { ...(await deadProcess()), url: 'http://127.0.0.1:9', since: 'x' };
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify(other));
    lock.release();
    expect(lockOf(dir)).toEqual(other);
  });

  it('a starter that found the lock stale just before another took it over leaves the new owner’s lock alone', async () => {
    // Two starters read the same stale lock; the first takes it over; the second, one step behind, goes on to
    // take over what it read: it must find the lock changed and remove nothing, then be refused.
    const dir = dataDir();
    staleLock(dir, await deadProcess());
    const stale = readFileSync(join(dir, LOCK_FILE), 'utf8');
    const first = await lockDataDir(dir, 'http://127.0.0.1:3000');
    const taken = readFileSync(join(dir, LOCK_FILE), 'utf8');
    await takeOver(join(dir, LOCK_FILE), stale, JSON.stringify({ pid: 1, startTime: '1', url: 'http://127.0.0.1:3001', since: 'x' }));
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(taken);
    await expect(lockDataDir(dir, 'http://127.0.0.1:3001')).rejects.toBeInstanceOf(DataDirInUse);
    first.release();
  });
});
