// Applications, their history, their plan-rule guards and idempotent answers in the single table. The store speaks
// in the application's terms: what a caller asks to record, and what came of it ('created', 'duplicate', 'stale', …).
import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ApplicationRecord, HistoryEntry, Outbox } from '../domain/application.js';
import { regionAtLevel, type DecidingLevel } from '../domain/chain.js';
import { decisionOf, pipelineCounter, pipelineDelta } from '../domain/pipeline.js';
import { workingDaysTaken, type Calendar } from '../domain/working-days.js';
import { pipelineItems } from './pipeline.js';
import { searchTextOf } from '../domain/search-text.js';
import { ATTR, IS_NEW, TABLE_INDEXES as IDX, TTL_ATTRIBUTE, keys, withoutKey } from './keys.js';
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
  if (app.subject) item[A.subject] = app.subject;
  if (app.overdueLevel) item[A.overdueLevel] = app.overdueLevel;
  if (!app.uncounted) item[A.pipelineCounted] = true;
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

function outboxAttributes(outbox: Outbox, at: string) {
  return { [A.outbox]: outbox, [IDX.outbox.pk]: keys.outbox, [IDX.outbox.sk]: at };
}

/** The application as stored, read back (store/application-lists.ts reads it too). */
export function fromItem(item: Record<string, any>): ApplicationRecord {
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
    ...(item[A.subject] ? { subject: item[A.subject] } : {}),
    ...(item[A.overdueLevel] ? { overdueLevel: item[A.overdueLevel] } : {}),
    ...(item[A.pipelineCounted] ? {} : { uncounted: true }),
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
  /** A changed form's search index entries (store/application-lists.ts reindexItems), given the room the transaction has left. */
  reindex?: (room: number) => DocTransactItem[];
  /** Writes whose condition may fail, the change then 'stale' too: its certificate's (an annual report's, a change's). */
  guarded?: DocTransactItem[];
}

/**
 * The application as `change` leaves it once recorded (what `recordChange` wrote, without reading it back): the new
 * fields and version, the task it settled gone, the work handed to the workflow in its outbox.
 */
export function afterChange(change: ApplicationChange): ApplicationRecord {
  const { app, set, outbox } = change;
  return {
    ...app,
    ...set,
    version: change.expected.version + 1,
    task: null,
    taskToken: null,
    outbox,
    awaitingRecord: set.awaitingRecord ?? app.awaitingRecord,
    paused: 'paused' in set ? (set.paused ?? null) : app.paused,
    // The task it settled is no longer overdue anywhere; the change counts it in the pipeline.
    overdueLevel: null,
    uncounted: false,
  };
}

/** What the approval pipeline marks on an application: its task counted overdue (at a level), and itself counted in progress. */
interface PipelineMarks {
  overdueLevel: DecidingLevel | null;
  counted: boolean;
}

/** DynamoDB's limit of items in one transaction. */
const MAX_TRANSACTION_ITEMS = 100;

/** An upload attached as an application's material, in the application's own transaction (store/uploads.ts attachItem). */
export interface Attach {
  uploadId: string;
  materialId: string;
}

/** Weekends only: the calendar of a store given none (the days a decision took, for the pipeline's histogram). */
const WEEKENDS_ONLY: Calendar = { holidays: new Set(), workdays: new Set() };

/** How often a write is tried again that another transaction held an item of (the pipeline's counters are shared). */
const CONTENDED_ATTEMPTS = 8;

async function transactRetried<Outcome extends string>(db: DynamoDBDocumentClient, items: Guarded<Outcome>[]) {
  for (let attempt = 1; ; attempt++) {
    const outcome = await transact(db, items);
    if (outcome !== 'contended' || attempt >= CONTENDED_ATTEMPTS) return outcome;
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** Math.min(attempt, 5)));
  }
}

export class ApplicationStore {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly table: string,
    readonly calendar: Calendar = WEEKENDS_ONLY,
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
    options: {
      idempotency?: { sub: string; key: string; record: IdempotentAnswer; at: Date };
      guard?: boolean;
      attach?: Attach[];
      effects?: DocTransactItem[];
      /** Its case number's item (conditional: 'caseTaken' when the number is another's; store/application-lists.ts indexed). */
      caseNumber?: DocTransactItem;
      /** Writes whose condition may fail ('stale'): the certificate an annual report or a change is about, as it was read. */
      guarded?: DocTransactItem[];
    } = {},
  ): Promise<'created' | 'replayed' | 'duplicate' | 'contended' | 'caseTaken' | 'stale' | UploadTaken> {
    const items: Guarded<'replayed' | 'duplicate' | 'exists' | 'caseTaken' | 'stale' | UploadTaken>[] = [
      { item: { Put: { TableName: this.table, Item: toItem(app), ConditionExpression: IS_NEW } }, whenConditionFails: 'exists' },
      { item: { Put: { TableName: this.table, Item: eventItem(app.id, app.version, submitted), ConditionExpression: IS_NEW } }, whenConditionFails: 'exists' },
      // The number is unique by its item's key: another application's number drawn again is 'caseTaken' (draw anew).
      ...(options.caseNumber ? [{ item: options.caseNumber, whenConditionFails: 'caseTaken' as const }] : []),
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
    for (const item of options.guarded ?? []) items.push({ item, whenConditionFails: 'stale' });
    // The approval pipeline: +1 awaiting its first office, in the province, its city and its county.
    for (const item of pipelineItems(this.table, app.regionCode, pipelineDelta(null, app))) items.push({ item });
    const outcome = await transactRetried(this.db, items);
    if (outcome === 'written') return 'created';
    if (outcome.startsWith('taken:')) return outcome as UploadTaken;
    // 'exists' (a new ULID already taken) or 'contended' (another transaction on the same guard at this instant).
    return outcome === 'replayed' || outcome === 'duplicate' || outcome === 'caseTaken' || outcome === 'stale' ? outcome : 'contended';
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
    let seen: PipelineMarks = { overdueLevel: change.app.overdueLevel ?? null, counted: !change.app.uncounted };
    for (;;) {
      const outcome = await this.tryChange(change, seen);
      if (outcome !== 'stale') return outcome;
      // The overdue timer may have marked the task since it was read, or the backfill counted the application (neither
      // changes its version): the change is still this version's, and is tried again with them. Anything else is a
      // change that won.
      const now = await this.get(change.app.id);
      if (!now || now.version !== change.expected.version || (change.expected.token && now.taskToken !== change.expected.token)) return 'stale';
      const marks: PipelineMarks = { overdueLevel: now.overdueLevel ?? null, counted: !now.uncounted };
      if (marks.overdueLevel === seen.overdueLevel && marks.counted === seen.counted) return 'stale';
      seen = marks;
    }
  }

  /** One attempt of recordChange, with the application's pipeline marks as `seen`. */
  private async tryChange(change: ApplicationChange, seen: PipelineMarks): Promise<'recorded' | 'stale' | UploadTaken> {
    const { app, expected, set, entry, outbox } = change;
    const version = expected.version + 1;
    const names: Record<string, string> = { '#version': A.version };
    const values: Record<string, unknown> = { ':expected': expected.version, ':version': version };
    const sets = ['#version = :version'];
    const removes: string[] = [A.taskToken, A.taskSince, A.taskDueAt, A.taskExpiresAt, IDX.inbox.pk, IDX.inbox.sk, A.overdueLevel];
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
    // The pipeline's marks as seen: the counters below move by what was counted (the mark goes with the task).
    names['#overdueLevel'] = A.overdueLevel;
    if (seen.overdueLevel) {
      values[':overdueLevel'] = seen.overdueLevel;
      conditions.push('#overdueLevel = :overdueLevel');
    } else {
      conditions.push('attribute_not_exists(#overdueLevel)');
    }
    assign(A.pipelineCounted, true);
    conditions.push(seen.counted ? `#${A.pipelineCounted} = :${A.pipelineCounted}` : `attribute_not_exists(#${A.pipelineCounted})`);
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
    for (const item of change.guarded ?? []) items.push({ item, whenConditionFails: 'stale' });
    for (const item of pipelineItems(this.table, app.regionCode, this.pipelineDeltaOf(change, seen))) items.push({ item });
    if (change.reindex) for (const item of change.reindex(MAX_TRANSACTION_ITEMS - items.length)) items.push({ item });
    const outcome = await transactRetried(this.db, items);
    if (outcome === 'written') return 'recorded';
    return outcome.startsWith('taken:') ? (outcome as UploadTaken) : 'stale';
  }

  /** What a change adds to the approval pipeline's counters (functions/domain/pipeline.ts), with the marks as `seen` on the application. */
  private pipelineDeltaOf(change: ApplicationChange, seen: PipelineMarks): Record<string, number> {
    const { app, entry } = change;
    const since = app.task?.since ?? app.updatedAt;
    const decision = decisionOf(entry, app.type, workingDaysTaken(new Date(since), new Date(entry.at), this.calendar));
    return pipelineDelta({ ...app, overdueLevel: seen.overdueLevel, uncounted: !seen.counted }, afterChange(change), decision);
  }

  /**
   * For the overdue timer's transaction: the waiting task marked overdue (conditional, as `stillWaiting`, on the
   * application still in that wait and not yet marked), and +1 overdue at its level in its scopes. A change that
   * settles the task takes it off again, exactly once (recordChange's condition on the mark).
   */
  markOverdueItems(app: Pick<ApplicationRecord, 'id' | 'regionCode'>, wait: { level: DecidingLevel; round: string }): DocTransactItem[] {
    return [
      {
        Update: {
          TableName: this.table,
          Key: keys.application(app.id),
          UpdateExpression: 'SET #overdueLevel = :level',
          ConditionExpression:
            '#status = :pending AND #level = :level AND #updatedAt = :round AND attribute_not_exists(#awaiting) AND attribute_not_exists(#overdueLevel)',
          ExpressionAttributeNames: {
            '#status': A.status,
            '#level': A.currentLevel,
            '#updatedAt': A.updatedAt,
            '#awaiting': A.awaitingRecord,
            '#overdueLevel': A.overdueLevel,
          },
          ExpressionAttributeValues: { ':pending': 'PENDING', ':level': wait.level, ':round': wait.round },
        },
      },
      ...pipelineItems(this.table, app.regionCode, { [pipelineCounter.overdue(wait.level)]: 1 }),
    ];
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

}

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

/** For a transaction: a plan rule's place in `regionCode` taken by `holder` (free, or held by `holder` or by `from`). */
export function takeGuardItem(table: string, place: { type: string; regionCode: string }, holder: string, from?: string): DocTransactItem {
  return {
    Put: {
      TableName: table,
      Item: { ...keys.guard(place.type, place.regionCode), [ATTR.guard.holder]: holder },
      ConditionExpression: `${IS_NEW} OR #holder = :holder${from ? ' OR #holder = :from' : ''}`,
      ExpressionAttributeNames: { '#holder': ATTR.guard.holder },
      ExpressionAttributeValues: { ':holder': holder, ...(from ? { ':from': from } : {}) },
    },
  };
}
