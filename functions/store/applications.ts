// Applications, their history and their pending tasks in the single table.
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { DomainError, type Application, type HistoryEntry, type Status, type WorkflowStep } from '../domain/application.js';
import { regionAtLevel, type DecidingLevel } from '../domain/chain.js';
import { TABLE_INDEXES as IDX, TTL_ATTRIBUTE, keys } from './keys.js';
import { decodeCursor, encodeCursor, type Page } from './cursor.js';
import { partitionItems } from './partition.js';

type DocTransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/** What the API left for the workflow engine: a start, or a callback to deliver. Kept until the engine acknowledges. */
export type Outbox =
  | { kind: 'start'; step: WorkflowStep }
  | { kind: 'callback'; token: string; step: WorkflowStep };

/** The application as stored, with what only the server may see. */
export interface ApplicationRecord extends Application {
  taskToken: string | null;
  outbox: Outbox | null;
  /** Set by the last level's approval until the workflow records the certificate. */
  awaitingRecord: boolean;
  /** While returned, what was left of the level's time limits: the clock stops until the resubmission. */
  paused: { dueInMs: number; expiresInMs: number } | null;
}

export function toItem(app: ApplicationRecord): Record<string, unknown> {
  const item: Record<string, unknown> = {
    ...keys.application(app.id),
    id: app.id,
    type: app.type,
    regionCode: app.regionCode,
    status: app.status,
    currentLevel: app.currentLevel,
    form: app.form,
    applicant: app.applicant,
    submittedAt: app.submittedAt,
    updatedAt: app.updatedAt,
    certificateNo: app.certificateNo,
    approvedAt: app.approvedAt,
    version: app.version,
    [IDX.byOwner.pk]: keys.owner(app.applicant.org),
    [IDX.byOwner.sk]: keys.ownerOrder(app.submittedAt, app.id),
    [IDX.byRegion.pk]: keys.regionAll,
    [IDX.byRegion.sk]: keys.regionOrder(app.regionCode, app.submittedAt, app.id),
    [IDX.byStatus.pk]: keys.regionStatus(app.status),
  };
  if (app.outbox) Object.assign(item, outboxAttributes(app.outbox, app.updatedAt));
  if (app.awaitingRecord) item.awaitingRecord = true;
  if (app.paused) item.paused = app.paused;
  return item;
}

function outboxAttributes(outbox: Outbox, at: string) {
  return { outbox, [IDX.outbox.pk]: keys.outbox, [IDX.outbox.sk]: at };
}

export function fromItem(item: Record<string, any>): ApplicationRecord {
  const level = item.currentLevel as DecidingLevel;
  return {
    id: item.id,
    type: item.type,
    regionCode: item.regionCode,
    status: item.status,
    currentLevel: level,
    form: item.form,
    applicant: item.applicant,
    submittedAt: item.submittedAt,
    updatedAt: item.updatedAt,
    certificateNo: item.certificateNo ?? null,
    approvedAt: item.approvedAt ?? null,
    version: item.version,
    task: item.taskToken
      ? {
          level,
          region: regionAtLevel(item.regionCode, level)!,
          since: item.taskSince,
          dueAt: item.taskDueAt,
          expiresAt: item.taskExpiresAt,
        }
      : null,
    taskToken: item.taskToken ?? null,
    outbox: item.outbox ?? null,
    awaitingRecord: item.awaitingRecord === true,
    paused: item.paused ?? null,
  };
}

function eventItem(id: string, version: number, entry: HistoryEntry) {
  return { ...keys.event(id, version), ...entry };
}

/** The fields of an entry as stored, without keys. */
function entryFromItem(item: Record<string, any>): HistoryEntry {
  const { pk: _pk, sk: _sk, ...entry } = item;
  return entry as HistoryEntry;
}

export class ApplicationStore {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  /**
   * Stores a new application, its first history entry and the workflow start it awaits, with `extra` items
   * (guards, idempotency), all or nothing. Answers the index of the item whose condition failed, if one did.
   */
  async create(app: ApplicationRecord, submitted: HistoryEntry, extra: DocTransactItem[] = []): Promise<number | undefined> {
    const items: DocTransactItem[] = [
      { Put: { TableName: this.table, Item: toItem(app), ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName: this.table, Item: eventItem(app.id, app.version, submitted), ConditionExpression: 'attribute_not_exists(pk)' } },
      ...extra,
    ];
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return undefined;
    } catch (error) {
      const failed = items.findIndex((_, index) => isConditionFailure(error, index));
      if (failed >= 0) return failed;
      throw error;
    }
  }

  /** The application holding a uniqueness guard, if any. */
  async getGuard(type: string, regionCode: string): Promise<string | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.guard(type, regionCode), ConsistentRead: true }));
    return out.Item?.appId as string | undefined;
  }

  async getIdempotent(sub: string, key: string): Promise<{ requestHash: string; answer: { status: number; body: unknown } } | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.idempotency(sub, key), ConsistentRead: true }));
    return out.Item ? { requestHash: out.Item.requestHash, answer: out.Item.answer } : undefined;
  }

  async get(id: string): Promise<ApplicationRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.application(id), ConsistentRead: true }));
    return out.Item ? fromItem(out.Item) : undefined;
  }

  /** The application with its whole history, in one Query of its partition. */
  async getWithHistory(id: string): Promise<{ app: ApplicationRecord; history: HistoryEntry[] } | undefined> {
    let app: ApplicationRecord | undefined;
    const history: HistoryEntry[] = [];
    for await (const item of partitionItems(this.db, this.table, keys.applicationPk(id))) {
      if (item.sk === keys.application(id).sk) app = fromItem(item);
      else if (String(item.sk).startsWith(keys.eventPrefix)) history.push(entryFromItem(item));
    }
    return app ? { app, history } : undefined;
  }

  /**
   * Records a change of an application that was read at `expected.version`: the new fields, one history entry,
   * and what the workflow engine must be told. Exactly one of concurrent changes wins; the others get `conflict`.
   * `expected.token`, when given, must still be the recorded task token (the task it decides is still open);
   * `expected.openAt`, when given, must be before that task's hard limit (a decision after it loses to the expiry).
   */
  async recordChange(args: {
    app: ApplicationRecord;
    expected: { version: number; token?: string; status?: Status; openAt?: string };
    set: Partial<Pick<ApplicationRecord, 'status' | 'currentLevel' | 'form' | 'updatedAt' | 'awaitingRecord' | 'paused'>>;
    entry: HistoryEntry;
    outbox: Outbox | null;
    extra?: DocTransactItem[];
  }): Promise<void> {
    const { app, expected, set, entry, outbox } = args;
    const version = expected.version + 1;
    const names: Record<string, string> = { '#version': 'version' };
    const values: Record<string, unknown> = { ':expected': expected.version, ':version': version };
    const sets = ['#version = :version'];
    const removes = ['taskToken', 'taskSince', 'taskDueAt', 'taskExpiresAt', IDX.inbox.pk, IDX.inbox.sk];
    const assign = (attribute: string, value: unknown) => {
      names[`#${attribute}`] = attribute;
      values[`:${attribute}`] = value;
      sets.push(`#${attribute} = :${attribute}`);
    };
    for (const [attribute, value] of Object.entries(set)) {
      if ((attribute === 'awaitingRecord' || attribute === 'paused') && !value) removes.push(attribute);
      else assign(attribute, value);
    }
    if (set.status) assign(IDX.byStatus.pk, keys.regionStatus(set.status));
    if (outbox) {
      for (const [attribute, value] of Object.entries(outboxAttributes(outbox, entry.at))) assign(attribute, value);
    } else {
      removes.push('outbox', IDX.outbox.pk, IDX.outbox.sk);
    }
    const conditions = ['#version = :expected'];
    if (expected.token) {
      conditions.push('taskToken = :expectedToken');
      values[':expectedToken'] = expected.token;
    }
    if (expected.openAt) {
      conditions.push('taskExpiresAt > :openAt');
      values[':openAt'] = expected.openAt;
    }
    if (expected.status) {
      names['#status'] = 'status';
      values[':expectedStatus'] = expected.status;
      conditions.push('#status = :expectedStatus');
    }
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: keys.application(app.id),
                UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
                ConditionExpression: conditions.join(' AND '),
                ExpressionAttributeNames: names,
                ExpressionAttributeValues: values,
              },
            },
            { Put: { TableName: this.table, Item: eventItem(app.id, version, entry), ConditionExpression: 'attribute_not_exists(pk)' } },
            ...(args.extra ?? []),
          ],
        }),
      );
    } catch (error) {
      if (isConditionFailure(error, 0)) throw new DomainError('conflict', '该申请已被处理或状态已变化，请刷新后重试');
      throw error;
    }
  }

  /** The engine acknowledged what the outbox held (it is gone when the workflow's next state ran). */
  async clearOutbox(id: string, at: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.application(id),
          UpdateExpression: `REMOVE outbox, ${IDX.outbox.pk}, ${IDX.outbox.sk}`,
          ConditionExpression: `${IDX.outbox.sk} = :at`,
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }

  /** Outbox entries written before `before` (ISO), oldest first: work the engine may not have received. */
  async listOutbox(before: string, limit = 100): Promise<ApplicationRecord[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: IDX.outbox.name,
        KeyConditionExpression: `${IDX.outbox.pk} = :pk AND ${IDX.outbox.sk} < :before`,
        ExpressionAttributeValues: { ':pk': keys.outbox, ':before': before },
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map(fromItem);
  }

  /** Tasks awaiting the office of `region`, oldest first. */
  listInbox(region: string, page: PageRequest): Promise<Page<ApplicationRecord>> {
    return this.page(
      {
        IndexName: IDX.inbox.name,
        KeyConditionExpression: `${IDX.inbox.pk} = :pk`,
        ExpressionAttributeValues: { ':pk': keys.inbox(region) },
        ScanIndexForward: true,
      },
      page,
    );
  }

  /** An organisation's own applications, newest first. */
  listByOwner(org: string, page: PageRequest, status?: Status): Promise<Page<ApplicationRecord>> {
    return this.page(
      {
        IndexName: IDX.byOwner.name,
        KeyConditionExpression: `${IDX.byOwner.pk} = :pk`,
        ExpressionAttributeValues: { ':pk': keys.owner(org), ...(status ? { ':status': status } : {}) },
        ...(status ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } } : {}),
        ScanIndexForward: false,
      },
      page,
    );
  }

  /** Applications hosted anywhere under `regionPrefix` (a region code; '44' is all), by region then time. */
  listByRegion(regionPrefix: string, page: PageRequest, status?: Status): Promise<Page<ApplicationRecord>> {
    const index = status ? IDX.byStatus : IDX.byRegion;
    return this.page(
      {
        IndexName: index.name,
        KeyConditionExpression: `${index.pk} = :pk AND begins_with(${index.sk}, :prefix)`,
        ExpressionAttributeValues: { ':pk': status ? keys.regionStatus(status) : keys.regionAll, ':prefix': regionPrefix },
        ScanIndexForward: true,
      },
      page,
    );
  }

  private async page(input: Omit<QueryCommandInput, 'TableName'>, page: PageRequest): Promise<Page<ApplicationRecord>> {
    const items: ApplicationRecord[] = [];
    let start = decodeCursor(page.cursor);
    // A filter may leave a page short: read on until it is full or the index ends.
    do {
      const out = await this.db.send(
        new QueryCommand({ ...input, TableName: this.table, Limit: page.limit - items.length, ExclusiveStartKey: start }),
      );
      items.push(...(out.Items ?? []).map(fromItem));
      start = out.LastEvaluatedKey;
    } while (start && items.length < page.limit);
    return { items, cursor: encodeCursor(start) };
  }
}

/** Holds a plan's one-per-region rule for `appId` while it is pending or approved. */
export function guardItem(table: string, type: string, regionCode: string, appId: string): DocTransactItem {
  return { Put: { TableName: table, Item: { ...keys.guard(type, regionCode), appId }, ConditionExpression: 'attribute_not_exists(pk)' } };
}

/** Releases the guard `appId` holds, if it holds one (reject, withdraw, expiry). */
export function releaseGuard(table: string, type: string, regionCode: string, appId: string): DocTransactItem {
  return {
    Delete: {
      TableName: table,
      Key: keys.guard(type, regionCode),
      ConditionExpression: 'attribute_not_exists(pk) OR appId = :id',
      ExpressionAttributeValues: { ':id': appId },
    },
  };
}

/** How long an idempotency key is remembered. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

export function idempotencyItem(
  table: string,
  sub: string,
  key: string,
  record: { requestHash: string; answer: { status: number; body: unknown }; at: Date },
): DocTransactItem {
  return {
    Put: {
      TableName: table,
      Item: {
        ...keys.idempotency(sub, key),
        requestHash: record.requestHash,
        answer: record.answer,
        [TTL_ATTRIBUTE]: Math.floor(record.at.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

export interface PageRequest {
  limit: number;
  cursor?: string | null;
}

/** Whether a TransactionCanceledException failed on the condition of item `index`. */
export function isConditionFailure(error: unknown, index: number): boolean {
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
  return (error as Error).name === 'TransactionCanceledException' && reasons?.[index]?.Code === 'ConditionalCheckFailed';
}

export type { DocTransactItem, TransactWriteItem };
