// Opaque page cursors: the DynamoDB LastEvaluatedKey, base64url-encoded.
import { DomainError } from '../domain/application.js';

export interface Page<T> {
  items: T[];
  cursor: string | null;
}

export function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
}

export function decodeCursor(cursor: string | undefined | null): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (key && typeof key === 'object' && !Array.isArray(key)) return key;
  } catch {
    // fall through to the error below
  }
  throw new DomainError('validation', '分页游标无效', { issues: [{ path: 'cursor', message: '分页游标无效，请从第一页重新查询' }] });
}
