// What the one-time changes of stored data share (case-number-backfill.ts, demand-aging-backfill.ts,
// pipeline-backfill.ts): run once per table, a marker item saying it ran (their Queries page through partition.ts).
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from './keys.js';

/**
 * Runs `change` unless the table's marker for `name` says it ran; then writes the marker (when, and how many items the
 * change gave). Answers that number, or 0 when it had run.
 */
export async function onceFor(db: DynamoDBDocumentClient, table: string, name: string, change: () => Promise<number>, at = new Date()): Promise<number> {
  const marker = keys.migration(name);
  const done = await db.send(new GetCommand({ TableName: table, Key: marker, ConsistentRead: true }));
  if (done.Item) return 0;
  const given = await change();
  await db.send(new PutCommand({ TableName: table, Item: { ...marker, at: at.toISOString(), given } }));
  return given;
}
