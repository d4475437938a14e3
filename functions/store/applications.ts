// Applications, their history, their plan-rule guards and idempotent answers in the single table. The store speaks
// in the application's terms: what a caller asks to record, and what came of it ('created', 'duplicate', 'stale', …).
import { BatchGetCommand, GetCommand, PutCommand, type BatchGetCommandOutput, QueryCommand, UpdateCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { DomainError, type ApplicationRecord, type HistoryEntry, type Outbox, type Status } from '../domain/application.js';
import { regionAtLevel, type DecidingLevel } from '../domain/chain.js';
import { newCaseNumber } from '../domain/case-number.js';
import { queryKey, searchKeysOf, searchTextOf, type Searchable } from '../domain/search.js';
import { ATTR, IS_NEW, KEY_CONDITION, TABLE_INDEXES as IDX, TTL_ATTRIBUTE, keyOf, keys, withoutKey } from './keys.js';
import { decodeCursor, encodeCursor, type Page } from './cursor.js';
import { partitionItems } from './partition.js';
import { isConditionalCheckFailed, transact, type DocTransactItem, type Guarded } from './transactions.js';
import { attachItem, type UploadTaken } from './uploads.js';

const A = ATTR.application;

export function toItem(app: ApplicationRecord): Record<string, unknown> {
  const item: Record<string, unknown> = {
    ...keys.application(app.id),
    [A.id]: app.id,
    [A.type]: app.type,
    [A.regionCode]: app.regionCode,
    [A.status]: app.status,
    [A.currentLevel]: app.currentLevel,
    [A.form]: app.form,
    [A.applicant]: app.applicant,
    [A.submittedAt]: app.submittedAt,
    [A.updatedAt]: app.updatedAt,
    [A.certificateNo]: app.certificateNo,
    [A.approvedAt]: app.approvedAt,
    [A.version]: app.version,
    [A.searchText]: searchTextOf(app),
    [IDX.byOwner.pk]: keys.owner(app.applicant.org),
    [IDX.byOwner.sk]: keys.ownerOrder(app.submittedAt, app.id),
    [IDX.byRegion.pk]: keys.regionAll,
    [IDX.byRegion.sk]: keys.regionOrder(app.regionCode, app.submittedAt, app.id),
    [IDX.byStatus.pk]: keys.regionStatus(app.status),
  };
  if (app.caseNo) item[A.caseNo] = app.caseNo;
  if (app.materials.length) item[A.materials] = app.materials;
  if (app.replacedMaterials.length) item[A.replacedMaterials] = app.replacedMaterials;
  if (app.outbox) Object.assign(item, outboxAttributes(app.outbox, app.updatedAt));
  if (app.awaitingRecord) item[A.awaitingRecord] = true;
  if (app.paused) item[A.paused] = app.paused;
  return item;
}

/** A task waiting on an application, as the workflow's callback state records it (bench and fixture data use this). */
export function taskAttributes(app: Pick<ApplicationRecord, 'id' | 'regionCode'>, task: { token: string; level: DecidingLevel; since: string; dueAt: string; expiresAt: string }) {
  return {
    [A.taskToken]: task.token,
    [A.taskSince]: task.since,
    [A.taskDueAt]: task.dueAt,
    [A.taskExpiresAt]: task.expiresAt,
    [IDX.inbox.pk]: keys.inbox(regionAtLevel(app.regionCode, task.level)!),
    [IDX.inbox.sk]: keys.inboxOrder(task.since, app.id),
  };
}

/** The search index's entries of an application (one per bigram of its searchable fields). */
export function searchItems(app: Pick<ApplicationRecord, 'id' | 'type' | 'regionCode' | 'submittedAt'> & Searchable): Record<string, unknown>[] {
  const text = searchTextOf(app);
  return searchKeysOf(app).map((gram) => ({
    ...keys.searchEntry(gram, app.regionCode, app.submittedAt, app.id),
    [ATTR.search.id]: app.id,
    [ATTR.search.text]: text,
    [ATTR.search.type]: app.type,
    [ATTR.search.submittedAt]: app.submittedAt,
  }));
}

/** The case number's own item: unique by its key, and what the public lookup checks against. */
export function caseNumberItem(app: Pick<ApplicationRecord, 'id' | 'applicant'> & { caseNo: string }): Record<string, unknown> {
  return { ...keys.caseNumber(app.caseNo), [ATTR.caseNumber.holder]: app.id, [ATTR.caseNumber.org]: app.applicant.org };
}

function outboxAttributes(outbox: Outbox, at: string) {
  return { [A.outbox]: outbox, [IDX.outbox.pk]: keys.outbox, [IDX.outbox.sk]: at };
}

function fromItem(item: Record<string, any>): ApplicationRecord {
  const level = item[A.currentLevel] as DecidingLevel;
  return {
    id: item[A.id],
    caseNo: item[A.caseNo] ?? null,
    type: item[A.type],
    regionCode: item[A.regionCode],
    status: item[A.status],
    currentLevel: level,
    form: item[A.form],
    applicant: item[A.applicant],
    submittedAt: item[A.submittedAt],
    updatedAt: item[A.updatedAt],
    certificateNo: item[A.certificateNo] ?? null,
    approvedAt: item[A.approvedAt] ?? null,
    version: item[A.version],
    task: item[A.taskToken]
      ? {
          level,
          region: regionAtLevel(item[A.regionCode], level)!,
          since: item[A.taskSince],
          dueAt: item[A.taskDueAt],
          expiresAt: item[A.taskExpiresAt],
        }
      : null,
    // Stored before materials: none.
    materials: item[A.materials] ?? [],
    replacedMaterials: item[A.replacedMaterials] ?? [],
    taskToken: item[A.taskToken] ?? null,
    outbox: item[A.outbox] ?? null,
    awaitingRecord: item[A.awaitingRecord] === true,
    paused: item[A.paused] ?? null,
  };
}

function eventItem(id: string, version: number, entry: HistoryEntry) {
  return { ...keys.event(id, version), ...entry };
}

/** The fields of an entry as stored, without keys. */
function entryFromItem(item: Record<string, unknown>): HistoryEntry {
  return withoutKey(item) as unknown as HistoryEntry;
}

/** How long an idempotency key is remembered. */
const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

/** The answer a request was given, kept with its idempotency key so that a retry is answered the same. */
export interface IdempotentAnswer {
  requestHash: string;
  answer: { status: number; body: unknown };
}

export interface PageRequest {
  limit: number;
  cursor?: string | null;
}

/** A change of an application read at `expected.version`: its new fields, one history entry, the engine's outbox. */
export interface ApplicationChange {
  app: ApplicationRecord;
  expected: {
    version: number;
    /** The task it settles must still be the recorded one. */
    token?: string;
    /** The task's hard limit must be after this instant: a decision after it loses to the expiry. */
    openAt?: string;
  };
  set: Partial<Pick<ApplicationRecord, 'status' | 'currentLevel' | 'form' | 'updatedAt' | 'awaitingRecord' | 'paused' | 'materials' | 'replacedMaterials'>>;
  entry: HistoryEntry;
  outbox: Outbox | null;
  /** The application gives up the plan rule's one-per-region place it holds (rejected, withdrawn, expired). */
  releaseGuard?: boolean;
  /** Uploads that become its materials with this change (their bytes copied under materials/ already). */
  attach?: Attach[];
  /** What the change causes, written with it or not at all: its notices, the timer of the wait it starts. */
  effects?: DocTransactItem[];
}

/** An upload attached as an application's material, in the application's own transaction (store/uploads.ts attachItem). */
export interface Attach {
  uploadId: string;
  materialId: string;
}

export class ApplicationStore {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  /**
   * Stores a new application with its first history entry, all or nothing, with its idempotent answer, for a type
   * with a one-per-region rule the region's guard, and its uploads attached. 'replayed': the idempotency key was
   * taken meanwhile (a racing retry: read its answer); 'duplicate': the region's place is held by another
   * application; `taken:<uploadId>`: that upload was attached elsewhere meanwhile; 'contended': another write held an
   * item at the same instant (try again).
   */
  async create(
    app: ApplicationRecord,
    submitted: HistoryEntry,
    options: { idempotency?: { sub: string; key: string; record: IdempotentAnswer; at: Date }; guard?: boolean; attach?: Attach[]; effects?: DocTransactItem[] } = {},
  ): Promise<'created' | 'replayed' | 'duplicate' | 'contended' | 'caseTaken' | UploadTaken> {
    const items: Guarded<'replayed' | 'duplicate' | 'exists' | 'caseTaken' | UploadTaken>[] = [
      { item: { Put: { TableName: this.table, Item: toItem(app), ConditionExpression: IS_NEW } }, whenConditionFails: 'exists' },
      { item: { Put: { TableName: this.table, Item: eventItem(app.id, app.version, submitted), ConditionExpression: IS_NEW } }, whenConditionFails: 'exists' },
      // The number is unique by its item's key: another application's number drawn again is 'caseTaken' (draw anew).
      ...(app.caseNo ? [{ item: { Put: { TableName: this.table, Item: caseNumberItem({ ...app, caseNo: app.caseNo }), ConditionExpression: IS_NEW } }, whenConditionFails: 'caseTaken' as const }] : []),
      ...searchItems(app).map((Item) => ({ item: { Put: { TableName: this.table, Item } } })),
    ];
    const { idempotency } = options;
    if (idempotency) {
      items.push({
        item: {
          Put: {
            TableName: this.table,
            Item: {
              ...keys.idempotency(idempotency.sub, idempotency.key),
              [ATTR.idempotency.requestHash]: idempotency.record.requestHash,
              [ATTR.idempotency.answer]: idempotency.record.answer,
              [TTL_ATTRIBUTE]: Math.floor(idempotency.at.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS,
            },
            ConditionExpression: IS_NEW,
          },
        },
        whenConditionFails: 'replayed',
      });
    }
    if (options.guard) {
      items.push({
        item: { Put: { TableName: this.table, Item: { ...keys.guard(app.type, app.regionCode), [ATTR.guard.holder]: app.id }, ConditionExpression: IS_NEW } },
        whenConditionFails: 'duplicate',
      });
    }
    // After the idempotency item: a racing retry of this very submission answers 'replayed', not 'taken'.
    for (const attach of options.attach ?? []) items.push(attachItem(this.table, { ...attach, applicationId: app.id }, new Date(app.submittedAt)));
    for (const item of options.effects ?? []) items.push({ item });
    const outcome = await transact(this.db, items);
    if (outcome === 'written') return 'created';
    if (outcome.startsWith('taken:')) return outcome as UploadTaken;
    // 'exists' (a new ULID already taken) or 'contended' (another transaction on the same guard at this instant).
    return outcome === 'replayed' || outcome === 'duplicate' || outcome === 'caseTaken' ? outcome : 'contended';
  }

  /**
   * Gives every application stored before case numbers its number and its search index entries (once per table: a
   * marker says it ran). Reads the byRegion index, a Query of its one partition, never a Scan. Answers how many it gave.
   */
  async backfillCaseNumbers(): Promise<number> {
    const marker = keys.migration('case-numbers');
    const done = await this.db.send(new GetCommand({ TableName: this.table, Key: marker, ConsistentRead: true }));
    if (done.Item) return 0;
    let given = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: IDX.byRegion.name,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': IDX.byRegion.pk },
          ExpressionAttributeValues: { ':pk': keys.regionAll },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) {
        if (item[A.caseNo]) continue;
        const app = fromItem(item);
        for (let draw = 0; draw < 5; draw++) {
          const numbered = { ...app, caseNo: newCaseNumber(new Date(app.submittedAt)) };
          const outcome = await transact(this.db, [
            {
              item: {
                Update: {
                  TableName: this.table,
                  Key: keys.application(app.id),
                  UpdateExpression: 'SET #caseNo = :caseNo, #text = :text',
                  ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#caseNo)',
                  ExpressionAttributeNames: { '#caseNo': A.caseNo, '#text': A.searchText },
                  ExpressionAttributeValues: { ':caseNo': numbered.caseNo, ':text': searchTextOf(numbered) },
                },
              },
              whenConditionFails: 'numbered' as const,
            },
            { item: { Put: { TableName: this.table, Item: caseNumberItem(numbered), ConditionExpression: IS_NEW } }, whenConditionFails: 'caseTaken' as const },
            ...searchItems(numbered).map((Item) => ({ item: { Put: { TableName: this.table, Item } } })),
          ]);
          if (outcome === 'written') given += 1;
          if (outcome !== 'caseTaken' && outcome !== 'contended') break;
        }
      }
      start = out.LastEvaluatedKey;
    } while (start);
    await this.db.send(new PutCommand({ TableName: this.table, Item: { ...marker, at: new Date().toISOString(), given } }));
    return given;
  }

  /** The application a case number was given to, with the organisation it was given for. */
  async getCaseNumber(caseNo: string): Promise<{ id: string; org: string } | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.caseNumber(caseNo), ConsistentRead: true }));
    return out.Item ? { id: out.Item[ATTR.caseNumber.holder], org: out.Item[ATTR.caseNumber.org] } : undefined;
  }

  /** Whether the table answers: one read of a key that holds nothing (the health check). */
  async ping(abortSignal: AbortSignal): Promise<void> {
    await this.db.send(new GetCommand({ TableName: this.table, Key: keys.health }), { abortSignal });
  }

  /** The application holding a region's one-per-region place, if any. */
  async guardHolder(type: string, regionCode: string): Promise<string | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.guard(type, regionCode), ConsistentRead: true }));
    return out.Item?.[ATTR.guard.holder] as string | undefined;
  }

  async getIdempotent(sub: string, key: string): Promise<IdempotentAnswer | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.idempotency(sub, key), ConsistentRead: true }));
    return out.Item ? { requestHash: out.Item[ATTR.idempotency.requestHash], answer: out.Item[ATTR.idempotency.answer] } : undefined;
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
   * Records a change: the new fields, one history entry, what the workflow engine must be told and the uploads it
   * attaches, all or nothing. Exactly one of concurrent changes of the same version wins ('recorded'); the others are
   * 'stale'; `taken:<uploadId>` when that upload was attached elsewhere meanwhile.
   */
  async recordChange(change: ApplicationChange): Promise<'recorded' | 'stale' | UploadTaken> {
    const { app, expected, set, entry, outbox } = change;
    const version = expected.version + 1;
    const names: Record<string, string> = { '#version': A.version };
    const values: Record<string, unknown> = { ':expected': expected.version, ':version': version };
    const sets = ['#version = :version'];
    const removes: string[] = [A.taskToken, A.taskSince, A.taskDueAt, A.taskExpiresAt, IDX.inbox.pk, IDX.inbox.sk];
    const assign = (attribute: string, value: unknown) => {
      names[`#${attribute}`] = attribute;
      values[`:${attribute}`] = value;
      sets.push(`#${attribute} = :${attribute}`);
    };
    for (const [field, value] of Object.entries(set)) {
      const attribute = A[field as keyof typeof set];
      if ((attribute === A.awaitingRecord || attribute === A.paused) && !value) removes.push(attribute);
      else assign(attribute, value);
    }
    if (set.status) assign(IDX.byStatus.pk, keys.regionStatus(set.status));
    if (set.form) assign(A.searchText, searchTextOf({ form: set.form, caseNo: app.caseNo }));
    if (outbox) {
      for (const [attribute, value] of Object.entries(outboxAttributes(outbox, entry.at))) assign(attribute, value);
    } else {
      removes.push(A.outbox, IDX.outbox.pk, IDX.outbox.sk);
    }
    const conditions = ['#version = :expected'];
    if (expected.token) {
      names['#taskToken'] = A.taskToken;
      values[':expectedToken'] = expected.token;
      conditions.push('#taskToken = :expectedToken');
    }
    if (expected.openAt) {
      names['#taskExpiresAt'] = A.taskExpiresAt;
      values[':openAt'] = expected.openAt;
      conditions.push('#taskExpiresAt > :openAt');
    }
    const items: Guarded<'stale' | UploadTaken>[] = [
      {
        item: {
          Update: {
            TableName: this.table,
            Key: keys.application(app.id),
            UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
            ConditionExpression: conditions.join(' AND '),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          },
        },
        whenConditionFails: 'stale',
      },
      // Its key is the new version's: taken only if the version raced, which the item above reports first.
      { item: { Put: { TableName: this.table, Item: eventItem(app.id, version, entry), ConditionExpression: IS_NEW } }, whenConditionFails: 'stale' },
    ];
    if (change.releaseGuard) items.push({ item: releaseGuardItem(this.table, app) });
    for (const attach of change.attach ?? []) items.push(attachItem(this.table, { ...attach, applicationId: app.id }, new Date(entry.at)));
    for (const item of change.effects ?? []) items.push({ item });
    if (set.form) for (const item of reindexItems(this.table, app, set.form, MAX_TRANSACTION_ITEMS - items.length)) items.push({ item });
    const outcome = await transact(this.db, items);
    if (outcome === 'written') return 'recorded';
    return outcome.startsWith('taken:') ? (outcome as UploadTaken) : 'stale';
  }

  /**
   * Records an urge (催办) of the task awaited since `app.task.since`: its history entry after the current version's
   * (an urge changes nothing of the application, so no decision racing it loses), the day's marker and what it
   * causes, all or nothing. 'already': urged already on that working day; 'moved': the task is no longer awaited.
   */
  async recordUrge(app: ApplicationRecord, entry: HistoryEntry, urge: { id: string; day: string; expiresAt: Date }, effects: DocTransactItem[]): Promise<'recorded' | 'already' | 'moved' | 'contended'> {
    const items: Guarded<'already' | 'moved'>[] = [
      {
        item: {
          ConditionCheck: {
            TableName: this.table,
            Key: keys.application(app.id),
            ConditionExpression: '#version = :version AND #status = :pending AND #since = :since AND attribute_exists(#token)',
            ExpressionAttributeNames: { '#version': A.version, '#status': A.status, '#since': A.taskSince, '#token': A.taskToken },
            ExpressionAttributeValues: { ':version': app.version, ':pending': 'PENDING', ':since': app.task?.since ?? '' },
          },
        },
        whenConditionFails: 'moved',
      },
      {
        item: {
          Put: {
            TableName: this.table,
            Item: { ...keys.urgeMarker(app.id, urge.day), [TTL_ATTRIBUTE]: Math.floor(urge.expiresAt.getTime() / 1000) },
            ConditionExpression: IS_NEW,
          },
        },
        whenConditionFails: 'already',
      },
      { item: { Put: { TableName: this.table, Item: { ...keys.urgeEvent(app.id, app.version, urge.id), ...entry }, ConditionExpression: IS_NEW } }, whenConditionFails: 'already' },
      ...effects.map((item) => ({ item })),
    ];
    const outcome = await transact(this.db, items);
    return outcome === 'written' ? 'recorded' : outcome;
  }

  /**
   * A condition, for a transaction, that the application is still in the wait a timer belongs to: the same status and
   * level, and no change recorded since the one that started it (`round`, its `updatedAt` then).
   */
  stillWaiting(id: string, wait: { status: 'PENDING' | 'RETURNED'; level: string; round: string }): DocTransactItem {
    return {
      ConditionCheck: {
        TableName: this.table,
        Key: keys.application(id),
        ConditionExpression: '#status = :status AND #level = :level AND #updatedAt = :round AND attribute_not_exists(#awaiting)',
        ExpressionAttributeNames: { '#status': A.status, '#level': A.currentLevel, '#updatedAt': A.updatedAt, '#awaiting': A.awaitingRecord },
        ExpressionAttributeValues: { ':status': wait.status, ':level': wait.level, ':round': wait.round },
      },
    };
  }

  /** For a transaction: the one-per-region place `app` holds given up (a certificate's end frees it). */
  releaseGuardItem(app: Pick<ApplicationRecord, 'id' | 'type' | 'regionCode'>): DocTransactItem {
    return releaseGuardItem(this.table, app);
  }

  /** The engine acknowledged what the outbox held at `at` (it is gone when the workflow's next state ran). */
  async clearOutbox(id: string, at: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.application(id),
          UpdateExpression: 'REMOVE #outbox, #outboxPk, #outboxAt',
          ConditionExpression: '#outboxAt = :at',
          ExpressionAttributeNames: { '#outbox': A.outbox, '#outboxPk': IDX.outbox.pk, '#outboxAt': IDX.outbox.sk },
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    } catch (error) {
      // Another change since: its own outbox is not this one to clear.
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  /** Outbox entries written before `before` (ISO), oldest first: work the engine may not have received. */
  async listOutbox(before: string, limit = 100): Promise<ApplicationRecord[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: IDX.outbox.name,
        KeyConditionExpression: '#pk = :pk AND #at < :before',
        ExpressionAttributeNames: { '#pk': IDX.outbox.pk, '#at': IDX.outbox.sk },
        ExpressionAttributeValues: { ':pk': keys.outbox, ':before': before },
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map(fromItem);
  }

  /** Tasks awaiting the office of `region`, oldest first (`order: 'desc'`: newest first). */
  listInbox(region: string, page: PageRequest, filter: ListFilter = {}): Promise<Page<ApplicationRecord>> {
    return this.listIndex(IDX.inbox, { ':pk': keys.inbox(region) }, page, filter, 'asc');
  }

  /** An organisation's own applications, newest first (`order: 'asc'`: oldest first). */
  listByOwner(org: string, page: PageRequest, filter: ListFilter = {}): Promise<Page<ApplicationRecord>> {
    return this.listIndex(IDX.byOwner, { ':pk': keys.owner(org) }, page, filter, 'desc');
  }

  /**
   * Applications hosted anywhere under `regionPrefix` (a region code; the province's is all), by region then time; with
   * a fragment to find (`q`), read from the search index under the fragment's rarest-looking bigram.
   */
  listByRegion(regionPrefix: string, page: PageRequest, filter: ListFilter = {}): Promise<Page<ApplicationRecord>> {
    if (filter.q) return this.search(regionPrefix, page, { ...filter, q: filter.q });
    const { status, ...rest } = filter;
    const index = status ? IDX.byStatus : IDX.byRegion;
    return this.listIndex(index, { ':pk': status ? keys.regionStatus(status) : keys.regionAll, ':prefix': regionPrefix }, page, rest, 'asc');
  }

  /** Applications whose searchable text holds `filter.q`, under `regionPrefix`: one Query of the search index, then their items read by key. */
  private async search(regionPrefix: string, page: PageRequest, filter: ListFilter & { q: string }): Promise<Page<ApplicationRecord>> {
    const pk = keys.searchPk(queryKey(filter.q));
    const cursor = decodeCursor(page.cursor);
    // A cursor of another query (another fragment's partition) would start nowhere sensible.
    if (cursor && cursor.pk !== pk) throw new DomainError('validation', '分页游标无效', { issues: [{ path: 'cursor', message: '分页游标与搜索内容不符，请从第一页重新查询' }] });
    const { status, ...onEntry } = filter;
    const where = filterOf(onEntry);
    return this.collect(
      {
        KeyConditionExpression: KEY_CONDITION.sortKeyPrefix,
        ExpressionAttributeValues: { ':pk': pk, ':prefix': regionPrefix, ...where.values },
        ...(where.expression ? { FilterExpression: where.expression, ExpressionAttributeNames: where.names } : {}),
        ScanIndexForward: (filter.order ?? 'asc') === 'asc',
      },
      page,
      keyOf,
      async (entries) => {
        const found = await this.getMany(entries.map((entry) => entry[ATTR.search.id] as string));
        return entries.map((entry) => {
          const app = found.get(entry[ATTR.search.id] as string);
          return app && (!status || app.status === status) && searchTextOf(app).includes(filter.q) ? app : undefined;
        });
      },
    );
  }

  /** Applications by id, read by key (BatchGet, consistent), in any order; those not found are left out. */
  private async getMany(ids: string[]): Promise<Map<string, ApplicationRecord>> {
    const found = new Map<string, ApplicationRecord>();
    for (let i = 0; i < ids.length; i += 100) {
      let request: Record<string, any> | undefined = {
        [this.table]: { Keys: [...new Set(ids.slice(i, i + 100))].map((id) => keys.application(id)), ConsistentRead: true },
      };
      while (request && Object.keys(request).length) {
        const out: BatchGetCommandOutput = await this.db.send(new BatchGetCommand({ RequestItems: request }));
        for (const item of out.Responses?.[this.table] ?? []) found.set(item[A.id], fromItem(item));
        request = out.UnprocessedKeys;
      }
    }
    return found;
  }

  private listIndex(
    index: { name: string; pk: string; sk: string },
    key: { ':pk': string; ':prefix'?: string },
    page: PageRequest,
    filter: ListFilter,
    natural: 'asc' | 'desc',
  ): Promise<Page<ApplicationRecord>> {
    const where = filterOf(filter);
    return this.collect(
      {
        IndexName: index.name,
        KeyConditionExpression: key[':prefix'] ? '#pk = :pk AND begins_with(#sk, :prefix)' : '#pk = :pk',
        ExpressionAttributeNames: { '#pk': index.pk, ...(key[':prefix'] ? { '#sk': index.sk } : {}), ...where.names },
        ExpressionAttributeValues: { ...key, ...where.values },
        ...(where.expression ? { FilterExpression: where.expression } : {}),
        ScanIndexForward: (filter.order ?? natural) === 'asc',
      },
      page,
      (item) => ({ ...keyOf(item), [index.pk]: item[index.pk], [index.sk]: item[index.sk] }),
      async (items) => items.map(fromItem),
    );
  }

  /**
   * One page of a Query: read on while a filter leaves the page short, at most FILTERED_ROUNDS reads of
   * FILTERED_READ items each (so a rare filter costs the same at any size of the table: a short page with a cursor
   * then says there may be more). A page filled mid-read ends at its last item, and the cursor is that item's key.
   */
  private async collect<T>(
    input: Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ExclusiveStartKey'>,
    page: PageRequest,
    cursorOf: (item: Record<string, any>) => Record<string, unknown>,
    take: (items: Record<string, any>[]) => Promise<(T | undefined)[]>,
  ): Promise<Page<T>> {
    const filtered = Boolean(input.FilterExpression);
    const items: T[] = [];
    let start: Record<string, unknown> | undefined = decodeCursor(page.cursor);
    for (let round = 1; ; round++) {
      const out = await this.db.send(
        new QueryCommand({ ...input, TableName: this.table, Limit: filtered ? FILTERED_READ : page.limit - items.length, ExclusiveStartKey: start }),
      );
      const read = out.Items ?? [];
      const taken = await take(read);
      for (let i = 0; i < read.length; i++) {
        const item = taken[i];
        if (item === undefined) continue;
        items.push(item);
        if (items.length === page.limit) {
          return { items, cursor: encodeCursor(i === read.length - 1 ? out.LastEvaluatedKey : cursorOf(read[i]!)) };
        }
      }
      start = out.LastEvaluatedKey;
      if (!start || round >= FILTERED_ROUNDS) return { items, cursor: encodeCursor(start) };
    }
  }

  /** For a decision's transaction: the entry of the office's 已办 list. */
  decidedItem(officeRegion: string, app: Pick<ApplicationRecord, 'id' | 'caseNo' | 'type' | 'regionCode' | 'form'>, entry: HistoryEntry): DocTransactItem {
    const form = app.form as { name?: string; organisation?: { name?: string } };
    const D = ATTR.decided;
    return {
      Put: {
        TableName: this.table,
        Item: {
          ...keys.decided(officeRegion, entry.at, app.id),
          [D.applicationId]: app.id,
          [D.caseNo]: app.caseNo,
          [D.type]: app.type,
          [D.name]: form.name ?? null,
          [D.organisation]: form.organisation?.name ?? null,
          [D.regionCode]: app.regionCode,
          [D.action]: entry.action,
          [D.level]: entry.level,
          [D.at]: entry.at,
          [D.comment]: entry.comment,
          [D.actor]: { sub: entry.actor.sub, name: entry.actor.name },
        },
        ConditionExpression: IS_NEW,
      },
    };
  }

  /** What the office of `officeRegion` decided, newest first (已办): one Query of its partition. */
  async listDecided(officeRegion: string, page: PageRequest): Promise<Page<DecidedEntry>> {
    return this.collect(
      { KeyConditionExpression: KEY_CONDITION.partition, ExpressionAttributeValues: { ':pk': keys.decidedPk(officeRegion) }, ScanIndexForward: false },
      page,
      keyOf,
      async (items) => items.map((item) => withoutKey(item) as unknown as DecidedEntry),
    );
  }
}

/** A decision in an office's 已办 list. */
export interface DecidedEntry {
  applicationId: string;
  caseNo: string | null;
  type: string;
  name: string | null;
  organisation: string | null;
  regionCode: string;
  action: 'approve' | 'reject' | 'return';
  level: DecidingLevel;
  at: string;
  comment: string | null;
  actor: { sub: string; name: string };
}

/** What a list is narrowed to and in which order; every field optional. */
export interface ListFilter {
  status?: Status;
  type?: string;
  /** Hosted under this region code (a filter: for a list keyed otherwise, as an organisation's). */
  regionPrefix?: string;
  /** Submitted at or after / at or before (ISO instants). */
  from?: string;
  to?: string;
  /** A normalized fragment (functions/domain/search.ts parseQuery) of the searchable text. */
  q?: string;
  /** By the list's order ascending or descending; each list has its own default. */
  order?: 'asc' | 'desc';
}

/** Reads per page a filtered list may make, and the items each evaluates. */
const FILTERED_ROUNDS = 10;
const FILTERED_READ = 100;

/** A FilterExpression of what a list is narrowed to (attributes that the application item and a search entry share). */
function filterOf(filter: ListFilter): { expression?: string; names: Record<string, string>; values: Record<string, unknown> } {
  const parts: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (filter.status) {
    parts.push('#fStatus = :fStatus');
    names['#fStatus'] = A.status;
    values[':fStatus'] = filter.status;
  }
  if (filter.type) {
    parts.push('#fType = :fType');
    names['#fType'] = A.type;
    values[':fType'] = filter.type;
  }
  if (filter.from || filter.to) names['#fAt'] = A.submittedAt;
  if (filter.from) {
    parts.push('#fAt >= :fFrom');
    values[':fFrom'] = filter.from;
  }
  if (filter.to) {
    parts.push('#fAt <= :fTo');
    values[':fTo'] = filter.to;
  }
  if (filter.regionPrefix) {
    parts.push('begins_with(#fRegion, :fRegion)');
    names['#fRegion'] = A.regionCode;
    values[':fRegion'] = filter.regionPrefix;
  }
  if (filter.q) {
    parts.push('contains(#fText, :fText)');
    names['#fText'] = A.searchText;
    values[':fText'] = filter.q;
  }
  return { expression: parts.length ? parts.join(' AND ') : undefined, names, values };
}

/**
 * A form's change as the search index sees it: nothing when the searchable text is the same; else the new text's
 * entries written (each carries the text its filter reads) and the entries of bigrams it no longer has deleted.
 */
function reindexItems(table: string, app: ApplicationRecord, form: Record<string, unknown>, room: number): DocTransactItem[] {
  const after = { ...app, form };
  if (searchTextOf(after) === searchTextOf(app)) return [];
  const kept = new Set(searchKeysOf(after));
  const gone = searchKeysOf(app).filter((gram) => !kept.has(gram));
  // A long name renamed whole may not fit beside the change's other items: its last bigrams are then not indexed (an
  // entry left with the old text is checked against the application's own text when found).
  const written = searchItems(after).slice(0, Math.max(0, room - gone.length));
  return [
    ...written.map((Item) => ({ Put: { TableName: table, Item } })),
    ...gone.map((gram) => ({ Delete: { TableName: table, Key: keys.searchEntry(gram, app.regionCode, app.submittedAt, app.id) } })),
  ];
}

/** DynamoDB's limit of items in one transaction. */
const MAX_TRANSACTION_ITEMS = 100;

/** Gives up the guard `app` holds, if it holds one (reject, withdraw, expiry, a certificate's end); another holder's stays. */
export function releaseGuardItem(table: string, app: Pick<ApplicationRecord, 'id' | 'type' | 'regionCode'>): DocTransactItem {
  return {
    Delete: {
      TableName: table,
      Key: keys.guard(app.type, app.regionCode),
      ConditionExpression: `${IS_NEW} OR #holder = :id`,
      ExpressionAttributeNames: { '#holder': ATTR.guard.holder },
      ExpressionAttributeValues: { ':id': app.id },
    },
  };
}
