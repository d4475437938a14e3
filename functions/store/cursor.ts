// Opaque page cursors: the DynamoDB LastEvaluatedKey, base64url-encoded.
import { DomainError } from '../domain/application.js';

export interface Page<T> {
  items: T[];
  cursor: string | null;
}

export function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
}

/**
 * The key a cursor holds. Every key of this table's indexes is made of string attributes: a cursor holding anything
 * else (numbers, objects, more attributes than a key has) was not made here, and is refused before DynamoDB sees it.
 */
export function decodeCursor(cursor: string | undefined | null): Record<string, string> | undefined {
  if (!cursor) return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (isKey(key)) return key;
  } catch {
    // fall through to the error below
  }
  throw new DomainError('validation', '分页游标无效', { issues: [{ path: 'cursor', message: '分页游标无效，请从第一页重新查询' }] });
}

/** At most a table key and an index key (four attributes), each a short string under a plain attribute name. */
function isKey(value: unknown): value is Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  return (
    entries.length > 0 &&
    entries.length <= 4 &&
    entries.every(([name, v]) => /^[A-Za-z]{1,32}$/.test(name) && typeof v === 'string' && v.length > 0 && v.length <= 1024)
  );
}
