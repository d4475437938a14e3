// The approval pipeline's counters (审批进度): one item per scope (the province, a city, a county), each counter an
// attribute moved by ADD in the transaction that moves the application (store/applications.ts), read back by one Query
// of their partition. Never recomputed by a scan: store/pipeline-backfill.ts sets them once from the applications.
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PROVINCE, codeAtLevel } from '../domain/region-codes.js';
import { keys, withoutKey, type Key } from './keys.js';
import { partitionItems } from './partition.js';
import type { DocTransactItem } from './transactions.js';

/** The scopes an application in `regionCode` is counted in: the province, its city and its county. */
export function pipelineScopes(regionCode: string): string[] {
  return [PROVINCE, codeAtLevel(regionCode, 'city'), codeAtLevel(regionCode, 'county')].filter((code): code is string => !!code);
}

/** For a transaction: `delta` added to the counters of every scope of `regionCode`, one Update per scope. */
export function pipelineItems(table: string, regionCode: string, delta: Record<string, number>): DocTransactItem[] {
  const counters = Object.entries(delta).filter(([, n]) => n !== 0);
  if (!counters.length) return [];
  const names = Object.fromEntries(counters.map(([counter], i) => [`#c${i}`, counter]));
  const values = Object.fromEntries(counters.map(([, n], i) => [`:c${i}`, n]));
  const expression = `ADD ${counters.map((_, i) => `#c${i} :c${i}`).join(', ')}`;
  return pipelineScopes(regionCode).map((scope) => ({
    Update: { TableName: table, Key: keys.pipeline(scope), UpdateExpression: expression, ExpressionAttributeNames: names, ExpressionAttributeValues: values },
  }));
}

/** Every scope's counters, by scope code (a scope nothing was counted in is absent). */
export async function readPipeline(db: DynamoDBDocumentClient, table: string): Promise<Map<string, Record<string, number>>> {
  const found = new Map<string, Record<string, number>>();
  for await (const item of partitionItems(db, table, keys.pipelinePk)) {
    found.set(String(item.sk), Object.fromEntries(Object.entries(withoutKey(item)).map(([counter, n]) => [counter, Number(n)])));
  }
  return found;
}

/** The counters of `scopes` only (one BatchGet: a scope and the regions under it, at most 22), by scope code. */
export async function readPipelineScopes(db: DynamoDBDocumentClient, table: string, scopes: string[]): Promise<Map<string, Record<string, number>>> {
  const found = new Map<string, Record<string, number>>();
  let pending: Key[] = scopes.map((scope) => keys.pipeline(scope));
  for (let attempt = 0; pending.length; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 20 * 2 ** attempt)));
    if (attempt > 8) throw Object.assign(new Error('BatchGet left keys unprocessed'), { name: 'ThrottlingException' });
    const out = await db.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending } } }));
    for (const item of out.Responses?.[table] ?? []) {
      found.set(String(item.sk), Object.fromEntries(Object.entries(withoutKey(item)).map(([counter, n]) => [counter, Number(n)])));
    }
    pending = (out.UnprocessedKeys?.[table]?.Keys as Key[] | undefined) ?? [];
  }
  return found;
}
