// The engine's own table in DynamoDB Local, standing in for Step Functions' durable state: one item per execution,
// with the checkpoint it resumes from after a restart (a Task state's input, saved before the task acts, and a
// callback once delivered).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from '#functions/store/transactions.js';
import { ensureTable } from '../dynamodb.js';
import type { Json } from './definition.js';
import { StateError, StoreUnavailable } from './errors.js';

export interface Checkpoint {
  state: string;
  input: Json;
  token?: string;
  deadline?: string;
  /** A delivered callback (SendTaskSuccess's output), kept until the state moves on. */
  callback?: { output: string };
  /** The callback task's SDK call was made: resuming must not make it again (a decision may have followed it). */
  recorded?: boolean;
}

export interface ExecutionItem {
  /** The execution's ARN. */
  pk: string;
  name: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: string;
  stopDate?: string;
  checkpoint?: Checkpoint;
  /** Set while running: the running index's partition. */
  runningPk?: string;
}

/** The end of an execution, as recorded. */
export type ExecutionEnd = Pick<ExecutionItem, 'status' | 'output' | 'error' | 'cause' | 'stopDate'>;

/**
 * The attributes conditions and updates name, once: this table is the engine's alone (functions/store/keys.ts names
 * the app's table's).
 */
const E = { arn: 'pk', status: 'status', checkpoint: 'checkpoint', running: 'runningPk', startDate: 'startDate' } as const satisfies Record<string, keyof ExecutionItem>;
const C = { token: 'token', callback: 'callback', recorded: 'recorded' } as const satisfies Record<string, keyof Checkpoint>;
const RUNNING = 'RUNNING';
/** Running executions, oldest first; it holds keys only. */
const runningIndex = { name: 'running', pk: E.running, sk: E.startDate } as const;

/** Creates the engine's table in DynamoDB Local if it is not there yet. */
export function createExecutionsTable(client: DynamoDBClient, table: string): Promise<void> {
  return ensureTable(client, {
    TableName: table,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [E.arn, runningIndex.pk, runningIndex.sk].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [{ AttributeName: E.arn, KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [
      {
        IndexName: runningIndex.name,
        KeySchema: [
          { AttributeName: runningIndex.pk, KeyType: 'HASH' },
          { AttributeName: runningIndex.sk, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
  });
}

export class ExecutionStore {
  private readonly db: DynamoDBDocumentClient;

  constructor(
    dynamodb: DynamoDBClient,
    private readonly table: string,
  ) {
    this.db = DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } });
  }

  /** Stores a new running execution, and answers it; undefined when one of that name exists. */
  async create(execution: Pick<ExecutionItem, 'pk' | 'name' | 'input' | 'startDate' | 'checkpoint'>): Promise<ExecutionItem | undefined> {
    const item: ExecutionItem = { ...execution, status: RUNNING, runningPk: RUNNING };
    try {
      await this.db.send(new PutCommand({ TableName: this.table, Item: item, ConditionExpression: `attribute_not_exists(${E.arn})` }));
      return item;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  async get(arn: string): Promise<ExecutionItem | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: { [E.arn]: arn }, ConsistentRead: true }));
    return out.Item as ExecutionItem | undefined;
  }

  /** Before a Task state acts: StoreUnavailable when the store fails. Refused once the execution has ended. */
  async saveCheckpoint(arn: string, checkpoint: Checkpoint): Promise<void> {
    const written = await this.update(arn, {
      UpdateExpression: `SET ${E.checkpoint} = :checkpoint`,
      ConditionExpression: '#status = :running',
      ExpressionAttributeNames: { '#status': E.status },
      ExpressionAttributeValues: { ':checkpoint': checkpoint, ':running': RUNNING },
    }).catch((error) => {
      throw new StoreUnavailable(error);
    });
    // Ended meanwhile: the execution ends here.
    if (!written) throw new StateError('States.Runtime', `execution ${arn} has ended`);
  }

  /** The callback task's SDK call was made (nothing to mark once its checkpoint is gone). */
  async markRecorded(arn: string, token: string): Promise<void> {
    await this.update(arn, {
      UpdateExpression: `SET ${E.checkpoint}.#recorded = :true`,
      ConditionExpression: `${E.checkpoint}.#token = :token`,
      ExpressionAttributeNames: { '#recorded': C.recorded, '#token': C.token },
      ExpressionAttributeValues: { ':true': true, ':token': token },
    }).catch((error) => {
      throw new StoreUnavailable(error);
    });
  }

  /** Records the callback of the task waiting with `token`; false when that task no longer waits or was answered. */
  recordCallback(arn: string, token: string, callback: NonNullable<Checkpoint['callback']>): Promise<boolean> {
    return this.update(arn, {
      UpdateExpression: `SET ${E.checkpoint}.#callback = :callback`,
      ConditionExpression: `${E.checkpoint}.#token = :token AND attribute_not_exists(${E.checkpoint}.#callback)`,
      ExpressionAttributeNames: { '#callback': C.callback, '#token': C.token },
      ExpressionAttributeValues: { ':callback': callback, ':token': token },
    });
  }

  /** Records how a running execution ended (an execution already ended stays as it was). */
  async finish(arn: string, end: ExecutionEnd): Promise<void> {
    const names: Record<string, string> = { '#status': E.status };
    const values: Record<string, unknown> = { ':running': RUNNING };
    const sets: string[] = [];
    for (const [key, value] of Object.entries(end)) {
      if (value === undefined) continue;
      names[`#${key}`] = key;
      values[`:${key}`] = value;
      sets.push(`#${key} = :${key}`);
    }
    await this.update(arn, {
      UpdateExpression: `SET ${sets.join(', ')} REMOVE ${E.running}, ${E.checkpoint}`,
      ConditionExpression: '#status = :running',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    });
  }

  /** A conditional update of the execution's item: false when its condition does not hold. */
  private async update(arn: string, update: Omit<UpdateCommandInput, 'TableName' | 'Key'>): Promise<boolean> {
    try {
      await this.db.send(new UpdateCommand({ TableName: this.table, Key: { [E.arn]: arn }, ...update }));
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /** Running executions, oldest first, read through the running index (which holds keys only). */
  async *running(limit = Infinity): AsyncGenerator<ExecutionItem> {
    let start: Record<string, unknown> | undefined;
    let count = 0;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: runningIndex.name,
          KeyConditionExpression: `${runningIndex.pk} = :running`,
          ExpressionAttributeValues: { ':running': RUNNING },
          // A bounded listing (ListExecutions' maxResults) reads no more of the index than it lists.
          ...(Number.isFinite(limit) ? { Limit: limit - count } : {}),
          ExclusiveStartKey: start,
        }),
      );
      for (const key of out.Items ?? []) {
        const item = await this.get(String(key[E.arn]));
        if (item?.status !== RUNNING) continue;
        yield item;
        if (++count >= limit) return;
      }
      start = out.LastEvaluatedKey;
    } while (start);
  }
}
