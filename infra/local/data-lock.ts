// One running local stack per data directory. A stack that starts its own DynamoDB Local owns what is in its
// DATA_DIR (DynamoDB Local's files, so the application table and the engine's executions): a second one on the same
// directory would start a second DynamoDB Local on the same database. The lock is a file in DATA_DIR naming its
// owner (pid, the process's start time, the URL it serves): a second start is refused with those, and a lock
// whose owner is gone (SIGKILLed, or its pid since reused by another process) is taken over.
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRunning, ownIdentity, type ProcessIdentity } from './processes.js';

export const LOCK_FILE = 'stack.lock';

export interface LockOwner extends ProcessIdentity {
  url: string;
  /** When it took the lock (ISO time), for the message. */
  since: string;
}

export interface DataDirLock {
  release: () => void;
}

/** A second stack on a data directory in use: the message names the running one. */
export class DataDirInUse extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: LockOwner,
  ) {
    super(
      `数据目录 ${dataDir} 正由另一个本地服务使用：进程 ${owner.pid}，地址 ${owner.url}，${owner.since} 启动。` +
        `请先停止它（在它的终端按 Ctrl-C，或 kill ${owner.pid}），或用 DATA_DIR 指定另一个数据目录。`,
    );
    this.name = 'DataDirInUse';
  }
}

/**
 * Takes the lock on `dataDir` for this process, serving `url`, or throws DataDirInUse. The lock file appears
 * whole or not at all: written under a name of this process's own, then linked to the lock's name, which fails
 * if that name exists (link(2) is to a name what O_EXCL is to open(2), and publishes a complete file).
 * Released by `release()`, and when this process exits.
 */
export async function lockDataDir(dataDir: string, url: string): Promise<DataDirLock> {
  const path = join(dataDir, LOCK_FILE);
  const me: LockOwner = { ...ownIdentity(), url, since: new Date().toISOString() };
  const mine = JSON.stringify(me);
  for (let attempt = 0; ; attempt++) {
    if (publish(path, mine)) break;
    const seen = readText(path);
    if (seen === undefined) continue; // released meanwhile: try again
    const owner = parseOwner(seen);
    if (owner && isRunning(owner)) throw new DataDirInUse(dataDir, owner);
    if (attempt >= 20) throw new Error(`cannot take over the lock ${path}`);
    // Its owner is gone. Two starters may find it so at once: the one holding the takeover guard removes it
    // (only if it is still the lock it found stale), the other tries again and then finds the new owner.
    await takeOver(path, seen, mine);
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    if (readText(path) === mine) rmSync(path, { force: true });
  };
  process.once('exit', release);
  return { release };
}

/** Creates `path` holding `text` unless it exists; true if this call created it. */
function publish(path: string, text: string): boolean {
  const draft = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  writeFileSync(draft, text);
  try {
    linkSync(draft, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(draft, { force: true });
  }
}

/** Removes the stale lock `path` if it still reads `stale`, under a guard file so that only one starter at a time does. */
export async function takeOver(path: string, stale: string, mine: string): Promise<void> {
  const guard = `${path}.takeover`;
  if (!publish(guard, mine)) {
    const holder = readText(guard);
    const owner = holder === undefined ? undefined : parseOwner(holder);
    // A guard whose owner died in the middle of a takeover is stale too; a live one finishes soon.
    if (!owner || !isRunning(owner)) rmSync(guard, { force: true });
    else await new Promise((r) => setTimeout(r, 20));
    return;
  }
  try {
    if (readText(path) === stale) rmSync(path, { force: true });
  } finally {
    rmSync(guard, { force: true });
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The owner a lock file names, or undefined if it names none (damaged: as good as stale). */
function parseOwner(text: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(text) as LockOwner;
    return Number.isSafeInteger(owner.pid) && typeof owner.startTime === 'string' ? owner : undefined;
  } catch {
    return undefined;
  }
}
