// Which process a pid is: a pid alone names whatever process has it now, and pids are reused. With its start
// time it names one process, so that a pid written in a file by an earlier run is only ever signalled if it is
// still the process that run started.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** A process as files record it: its pid and when it started (opaque text, compared for equality only). */
export interface ProcessIdentity {
  pid: number;
  startTime: string;
}

/** This process, as a lock or pid file records it. */
export function ownIdentity(): ProcessIdentity {
  const identity = identityOf(process.pid);
  if (!identity) throw new Error('cannot read this process’s own start time');
  return identity;
}

/** The process that has `pid` now, or undefined if none does (a zombie counts as gone). */
export function identityOf(pid: number): ProcessIdentity | undefined {
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  if (process.platform === 'linux') {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return undefined;
    }
    // proc(5): "pid (comm) state ..."; comm may hold spaces and parentheses, so count fields after the last ')'.
    // Field 3 is the state, field 22 the start time in clock ticks since boot.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
    return { pid, startTime: fields[19] };
  }
  // Elsewhere (macOS, the BSDs): ps(1) says when it started, to the second.
  const startTime = ps(pid, 'lstart=');
  return startTime ? { pid, startTime } : undefined;
}

/** Whether the process recorded as `identity` is still running (its pid not reused by another since). */
export function isRunning(identity: ProcessIdentity): boolean {
  return identityOf(identity.pid)?.startTime === identity.startTime;
}

/** The command line of process `pid` (its argv), or undefined if it cannot be read. */
export function commandLineOf(pid: number): string[] | undefined {
  if (process.platform === 'linux') {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (args.at(-1) === '') args.pop(); // each argument ends with a NUL
      return args;
    } catch {
      return undefined;
    }
  }
  // ps joins the arguments with spaces: good enough to recognise one, not to split them back exactly.
  return ps(pid, 'command=')?.split(' ');
}

function ps(pid: number, format: string): string | undefined {
  try {
    return execFileSync('ps', ['-o', format, '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}
