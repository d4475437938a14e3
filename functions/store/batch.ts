// The writes that need no condition and no atomicity, batched. Apart from store/transactions.ts so that the functions
// that never batch (the workflow's) do not carry BatchWriteItem (test/infra/bundle-size.test.ts).
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** BatchWriteItem's most requests per call. */
const BATCH_MAX = 25;
const BATCH_ROUNDS = 8;

/**
 * Writes items that need no condition and no atomicity (index entries), a write unit each where a transaction costs
 * two: in calls of 25 side by side, each call's unprocessed part sent again with backoff. Throws when some are still
 * unprocessed after the last round (the caller has then written nothing it relies on).
 */
export async function writeAll(db: DynamoDBDocumentClient, table: string, requests: ({ put: Record<string, unknown> } | { delete: Record<string, unknown> })[]): Promise<void> {
  const chunks: (typeof requests)[] = [];
  for (let i = 0; i < requests.length; i += BATCH_MAX) chunks.push(requests.slice(i, i + BATCH_MAX));
  await Promise.all(
    chunks.map(async (chunk) => {
      let pending: Record<string, unknown>[] = chunk.map((r) => ('put' in r ? { PutRequest: { Item: r.put } } : { DeleteRequest: { Key: r.delete } }));
      for (let round = 0; pending.length; round++) {
        if (round === BATCH_ROUNDS) throw new Error(`BatchWriteItem: ${pending.length} requests still unprocessed after ${BATCH_ROUNDS} rounds`);
        if (round) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** round));
        const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending as never } }));
        pending = (out.UnprocessedItems?.[table] ?? []) as Record<string, unknown>[];
      }
    }),
  );
}
