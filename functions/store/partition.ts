// Reads every item a Query answers, page by page (never a Scan): one partition of the table, or of an index.
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { KEY_CONDITION, type Key } from './keys.js';

export async function* queryItems(db: DynamoDBDocumentClient, input: Omit<QueryCommandInput, 'ExclusiveStartKey'>): AsyncGenerator<Record<string, any>> {
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    yield* out.Items ?? [];
    start = out.LastEvaluatedKey;
  } while (start);
}

export function partitionItems(db: DynamoDBDocumentClient, table: string, pk: string): AsyncGenerator<Key & Record<string, any>> {
  return queryItems(db, { TableName: table, KeyConditionExpression: KEY_CONDITION.partition, ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true }) as AsyncGenerator<Key & Record<string, any>>;
}
