// Structured logs: one JSON line per event on stdout (stderr for errors), the request's correlation id
// and caller on every line written while the request runs, and personal data masked in every line.
import { AsyncLocalStorage } from 'node:async_hooks';
import { maskPersonalData } from './personal-data.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Secrets are dropped whatever their shape; personal data is masked by its shape (functions/personal-data.ts). */
const SECRET_KEYS = /^(authorization|cookie|password|secret|token|idtoken|accesstoken|refreshtoken|tasktoken)$/i;

const context = new AsyncLocalStorage<LogFields>();

/** Runs `fn` with `fields` (e.g. the correlation id) added to every line logged until it settles. */
export function withLogContext<T>(fields: LogFields, fn: () => T): T {
  return context.run({ ...context.getStore(), ...fields }, fn);
}

/** Adds fields to the running context (e.g. the caller, once the token is verified); no-op outside one. */
export function addLogContext(fields: LogFields): void {
  const store = context.getStore();
  if (store) Object.assign(store, fields);
}

/** What every line starts with; a field of the same name is kept beside it as `_name`, never in its place. */
const RESERVED = new Set(['level', 'time', 'message', 'service']);

function ownFields(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) out[RESERVED.has(key) ? `_${key}` : key] = SECRET_KEYS.test(key) ? '[redacted]' : value;
  return out;
}

export interface LoggerOptions {
  /** Lines below this level are not written. */
  level?: LogLevel;
  /** Fields on every line (e.g. `service`). */
  base?: LogFields;
  /** Where a finished line goes; stdout/stderr by default. */
  write?: (line: string, level: LogLevel) => void;
}

const writeLine = (line: string, level: LogLevel) => (level === 'error' ? process.stderr : process.stdout).write(`${line}\n`);

export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = rank[options.level ?? 'info'];
  const base = options.base ?? {};
  const write = options.write ?? writeLine;
  const emit = (level: LogLevel, message: string, fields: LogFields = {}) => {
    if (rank[level] < threshold) return;
    // What happened first, then whose request it was, then the event's own fields.
    const line = maskPersonalData({
      level,
      time: new Date().toISOString(),
      message,
      ...ownFields(context.getStore() ?? {}),
      ...ownFields(fields),
      ...base,
    });
    let text: string;
    try {
      text = JSON.stringify(line);
    } catch {
      text = JSON.stringify({ level, time: line.time, message: line.message, unserialisable: true });
    }
    write(text, level);
  };
  return {
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
  };
}

/** The process's logger. */
export const logger = createLogger({ base: { service: 'gd-kexie' } });

const nothing = () => undefined;
/** Writes nothing: a quiet local stack, and apps built by tests that read no logs. */
export const silentLogger: Logger = { debug: nothing, info: nothing, warn: nothing, error: nothing };
