// The provincial registry: approved applications, their certificates, and the per-scope entries that make
// every registry filter one Query.
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DomainError, type ApplicationRecord } from '../domain/application.js';
import { regionScopes } from '../domain/region-codes.js';
import { PROVINCE, normaliseCertificateNo, withLifeDefaults, type RegistryFilter, type RegistryRecord } from '../domain/registry.js';
import type { CertificateStatus } from '../domain/certificate.js';
import type { EvaluationGrade } from '../domain/process.js';
import { ATTR, IS_NEW, KEY_CONDITION, TABLE_INDEXES as IDX, keys, withoutKey, type Key } from './keys.js';
import { decodeCursor, encodeCursor, type Page } from './cursor.js';
import { partitionItems } from './partition.js';
import type { PageRequest } from './applications.js';
import { StatsStore } from './stats.js';
import { transact, type DocTransactItem, type Guarded } from './transactions.js';

const A = ATTR.application;

/**
 * The partition keys of a record's registry entries: all, by type, by region, by type and region, for the
 * province and each ancestor region (at most 10). A query of any type × any region is then one partition.
 */
export function scopesOf(record: Pick<RegistryRecord, 'type' | 'regionCode'>): string[] {
  const regions = [undefined, ...regionScopes(record.regionCode)];
  return regions.flatMap((region) => [keys.registryScope({ region }), keys.registryScope({ type: record.type, region })]);
}

/**
 * The items of a record's registry entries, one per scope, each carrying the whole record, and each also in its
 * scope's partition of its status on the byStatus index (`REG#<type>#<region>#<status>`), so a filter by status is
 * one Query of the index too.
 */
export function entriesOf(record: RegistryRecord): Record<string, unknown>[] {
  // The contact person is personal data: on the certificate's own item only.
  const { contact: _contact, ...listed } = record;
  return scopesOf(record).map((scope) => {
    const key = keys.registryEntry(scope, record.approvedAt, record.id);
    return { ...key, ...listed, ...statusIndexOf(scope, key.sk, record.status) };
  });
}

/** The keys of a record's registry entries (to delete them when a change moves the station to another region). */
export function entryKeysOf(record: Pick<RegistryRecord, 'type' | 'regionCode' | 'approvedAt' | 'id'>): Key[] {
  return scopesOf(record).map((scope) => keys.registryEntry(scope, record.approvedAt, record.id));
}

/** A certificate's annual report deadline on the due index: the year it is for, due at `dueAt`. */
export function reportDueItemOf(certificateNo: string, year: number, dueAt: string): Record<string, unknown> {
  const key = keys.reportDue(certificateNo);
  return { ...key, [ATTR.reportDue.certificateNo]: certificateNo, [ATTR.reportDue.year]: year, [ATTR.due.kind]: 'report', [IDX.due.pk]: keys.due, [IDX.due.sk]: keys.dueOrder(dueAt, key, String(year)) };
}

function statusIndexOf(scope: string, sk: string, status: CertificateStatus) {
  return { [IDX.byStatus.pk]: keys.registryStatusScope(scope, status), [IDX.byStatus.sk]: sk };
}

/** The certificate's own item: the record, its version (every change of it is conditional on it), its term's end on the due index. */
export function certificateItemOf(record: RegistryRecord, version: number): Record<string, unknown> {
  const key = keys.certificate(record.certificateNo);
  const item: Record<string, unknown> = { ...key, ...record, [C.version]: version };
  if (record.status === 'ACTIVE' && record.validUntil) {
    Object.assign(item, { [ATTR.due.kind]: 'term', [IDX.due.pk]: keys.due, [IDX.due.sk]: keys.dueOrder(record.validUntil, key) });
  }
  return item;
}

/** The partition that answers a filter: `REG#<type|*>#<region|*>`. */
export function scopeOfFilter(filter: Pick<RegistryFilter, 'type' | 'region'>): string {
  return keys.registryScope({ type: filter.type, region: filter.region && filter.region !== PROVINCE ? filter.region : undefined });
}

const C = ATTR.certificate;

/** The record's fields of an entry or certificate item, whatever its age (withLifeDefaults), without the index attributes. */
function recordOfItem(item: Record<string, unknown>): RegistryRecord {
  const stored = withoutKey(item) as Record<string, any>;
  const record: RegistryRecord = withLifeDefaults({
    certificateNo: stored.certificateNo,
    id: stored.id,
    type: stored.type,
    name: stored.name,
    organisation: stored.organisation,
    regionCode: stored.regionCode,
    approvedAt: stored.approvedAt,
    status: stored[C.status],
    validUntil: stored[C.validUntil],
  });
  for (const field of ['revokedAt', 'dissolvedAt', 'expiredAt', 'reason', 'address', 'pendingChange', 'pendingRenewal'] as const) if (typeof stored[field] === 'string') record[field] = stored[field];
  for (const field of ['experts', 'contact', 'changedAt', 'reports', 'evaluations'] as const) if (stored[field] && typeof stored[field] === 'object') record[field] = stored[field];
  return record;
}

/** A certificate as stored: its record and the version its next change must be conditional on (1 for one written before versions). */
export interface StoredCertificate {
  record: RegistryRecord;
  version: number;
  /** Whether its item carries a status (written since certificates had a life). */
  migrated: boolean;
}

/** A certificate's history entry: what happened, when, by whom (an office or the organisation), why. */
export interface CertificateEvent {
  at: string;
  action: 'revoke' | 'dissolve' | 'expire' | 'change' | 'renew';
  actor: { sub: string; name: string; role: string; level?: string; region?: string };
  reason: string | null;
  /** A change's: the fields it changed, and the change application. */
  changes?: string[];
  applicationId?: string;
  /** A renewal's: the grade and the term's end it left. */
  grade?: EvaluationGrade;
  validUntil?: string;
}

export class RegistryStore {
  readonly stats: StatsStore;

  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly table: string,
  ) {
    this.stats = new StatsStore(db, table);
  }

  /** The last certificate number given in a year (0 before the first). */
  async lastCertificateNumber(year: number): Promise<number> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.certificateCounter(year), ConsistentRead: true }));
    return (out.Item?.[ATTR.counter.last] as number | undefined) ?? 0;
  }

  /**
   * Records the approval of `app` (read at its version, awaiting its certificate) as `record`, whose number is the
   * one after `counter.last` in `counter.year`: the year's counter, the application APPROVED, the certificate, its registry entries and the plan's
   * progress counters, in one transaction. 'lost_race': something it read changed meanwhile (the number was given to
   * another, the application moved on, another approval counted the same region or expert first): read again.
   */
  async recordApproval(app: ApplicationRecord, record: RegistryRecord, counter: { year: number; last: number }, effects: DocTransactItem[] = []): Promise<'recorded' | 'lost_race'> {
    const { last } = counter;
    const counterKey = keys.certificateCounter(counter.year);
    const counted = await this.stats.approvalItems(app);
    const items: Guarded<'lost_race'>[] = [
      {
        item: {
          Put: {
            TableName: this.table,
            Item: { ...counterKey, [ATTR.counter.last]: last + 1 },
            ConditionExpression: last === 0 ? IS_NEW : '#last = :last',
            ...(last === 0 ? {} : { ExpressionAttributeNames: { '#last': ATTR.counter.last }, ExpressionAttributeValues: { ':last': last } }),
          },
        },
        whenConditionFails: 'lost_race',
      },
      {
        item: {
          Update: {
            TableName: this.table,
            Key: keys.application(app.id),
            UpdateExpression:
              'SET #status = :approved, #statusPk = :statusPk, #certificateNo = :no, #approvedAt = :at, #updatedAt = :at, #version = :next ' +
              'REMOVE #awaitingRecord, #outbox, #outboxPk, #outboxAt',
            ConditionExpression: '#version = :version AND #awaitingRecord = :true',
            ExpressionAttributeNames: {
              '#status': A.status,
              '#statusPk': IDX.byStatus.pk,
              '#certificateNo': A.certificateNo,
              '#approvedAt': A.approvedAt,
              '#updatedAt': A.updatedAt,
              '#version': A.version,
              '#awaitingRecord': A.awaitingRecord,
              '#outbox': A.outbox,
              '#outboxPk': IDX.outbox.pk,
              '#outboxAt': IDX.outbox.sk,
            },
            ExpressionAttributeValues: {
              ':approved': 'APPROVED',
              ':statusPk': keys.regionStatus('APPROVED'),
              ':no': record.certificateNo,
              ':at': record.approvedAt,
              ':version': app.version,
              ':next': app.version + 1,
              ':true': true,
            },
          },
        },
        whenConditionFails: 'lost_race',
      },
      {
        item: { Put: { TableName: this.table, Item: certificateItemOf(record, 1), ConditionExpression: IS_NEW } },
        whenConditionFails: 'lost_race',
      },
      ...entriesOf(record).map((item) => ({ item: { Put: { TableName: this.table, Item: item } } })),
      ...counted.map((item) => ({ item, whenConditionFails: 'lost_race' as const })),
      // What the approval causes (its notices, the end of the wait's timer), written with it.
      ...effects.map((item) => ({ item })),
    ];
    const outcome = await transact(this.db, items);
    return outcome === 'written' ? 'recorded' : 'lost_race';
  }

  /**
   * Records an annual report or a change whose last level approved it (read at its version, awaiting its record) as
   * APPROVED, with `guarded` (its certificate's write, conditional on the certificate's version) and `effects`, all or
   * nothing. 'stale': the application or its certificate changed meanwhile (read again).
   */
  async recordProcessApproval(app: ApplicationRecord, at: string, guarded: DocTransactItem[], effects: DocTransactItem[]): Promise<'recorded' | 'stale' | 'contended'> {
    return transact(this.db, [
      {
        item: {
          Update: {
            TableName: this.table,
            Key: keys.application(app.id),
            UpdateExpression: 'SET #status = :approved, #statusPk = :statusPk, #approvedAt = :at, #updatedAt = :at, #version = :next REMOVE #awaiting, #outbox, #outboxPk, #outboxAt',
            ConditionExpression: '#version = :version AND #awaiting = :true',
            ExpressionAttributeNames: {
              '#status': A.status,
              '#statusPk': IDX.byStatus.pk,
              '#approvedAt': A.approvedAt,
              '#updatedAt': A.updatedAt,
              '#version': A.version,
              '#awaiting': A.awaitingRecord,
              '#outbox': A.outbox,
              '#outboxPk': IDX.outbox.pk,
              '#outboxAt': IDX.outbox.sk,
            },
            ExpressionAttributeValues: { ':approved': 'APPROVED', ':statusPk': keys.regionStatus('APPROVED'), ':at': at, ':version': app.version, ':next': app.version + 1, ':true': true },
          },
        },
        whenConditionFails: 'stale' as const,
      },
      ...guarded.map((item) => ({ item, whenConditionFails: 'stale' as const })),
      ...effects.map((item) => ({ item })),
    ]).then((outcome) => (outcome === 'written' ? 'recorded' : outcome));
  }

  /** The record of a certificate, by its ASCII or printed number; undefined for an unknown or malformed one. */
  async getCertificate(certificateNo: string): Promise<RegistryRecord | undefined> {
    return (await this.getStoredCertificate(certificateNo, false))?.record;
  }

  /** The certificate with its version, read consistently (for a change of it). */
  async getStoredCertificate(certificateNo: string, consistent = true): Promise<StoredCertificate | undefined> {
    const canonical = normaliseCertificateNo(certificateNo);
    if (!canonical) return undefined;
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.certificate(canonical), ConsistentRead: consistent }));
    if (!out.Item) return undefined;
    return { record: recordOfItem(out.Item), version: Number(out.Item[C.version] ?? 1), migrated: out.Item[C.status] !== undefined };
  }

  /**
   * Gives records written before certificates had a life what they now carry: their status (ACTIVE), their term's end
   * and their entries in the byStatus index, so a filter by status finds them too. Reads the registry's one partition
   * of all records page by page (a Query, never a Scan); a record already given its status is left alone (each
   * certificate's write is conditional on having none), so running it again, or alongside an ending, is harmless.
   * A marker item records that it ran, so a start after that reads nothing. Answers how many records it gave a status.
   */
  async backfillLife(): Promise<number> {
    const marker = keys.migration('registry-life');
    const done = await this.db.send(new GetCommand({ TableName: this.table, Key: marker, ConsistentRead: true }));
    if (done.Item) return 0;
    let migrated = 0;
    for await (const item of partitionItems(this.db, this.table, keys.registryScope({}))) {
      if (item[C.status] !== undefined) continue;
      const record = recordOfItem(item);
      const outcome = await transact(this.db, [
        {
          item: { Put: { TableName: this.table, Item: certificateItemOf(record, 1), ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#status)', ExpressionAttributeNames: { '#status': C.status } } },
          whenConditionFails: 'migrated' as const,
        },
        ...entriesOf(record).map((entry) => ({ item: { Put: { TableName: this.table, Item: entry } } })),
      ]);
      if (outcome === 'written') migrated += 1;
    }
    await this.db.send(new PutCommand({ TableName: this.table, Item: { ...marker, at: new Date().toISOString(), migrated } }));
    return migrated;
  }

  /** A certificate's history, oldest first (one Query of its partition). */
  async certificateHistory(certificateNo: string): Promise<CertificateEvent[]> {
    const events: CertificateEvent[] = [];
    for await (const item of partitionItems(this.db, this.table, keys.certificate(certificateNo).pk)) {
      if (String(item.sk).startsWith(keys.eventPrefix)) events.push(withoutKey(item) as unknown as CertificateEvent);
    }
    return events;
  }

  /**
   * Records the end of an active certificate read at `stored.version` as `ended` (its record with the ending's fields):
   * the certificate (off the due index), its registry entries moved to the ending's status partitions, one history
   * entry, and `effects` (the counters it leaves, the plan rule's place it frees, its notices), all or nothing.
   * 'stale': another change of the certificate won (two revocations racing: one wins).
   */
  async endCertificate(stored: StoredCertificate, ended: RegistryRecord, event: CertificateEvent, effects: DocTransactItem[], dueTurn?: string): Promise<'recorded' | 'stale' | 'contended'> {
    const next = stored.version + 1;
    // Written before versions, a certificate has none: version 1 then, and still of another status than this ending.
    const conditions = [stored.version === 1 ? '(attribute_not_exists(#version) OR #version = :version) AND #status <> :ended' : '#version = :version'];
    const names: Record<string, string> = { '#version': C.version, ...(stored.version === 1 ? { '#status': C.status } : {}) };
    const values: Record<string, unknown> = { ':version': stored.version, ...(stored.version === 1 ? { ':ended': ended.status } : {}) };
    if (dueTurn !== undefined) {
      // The sweeper acts on the turn it read: one transaction may not also check the item apart.
      conditions.push('#dueSk = :seen');
      names['#dueSk'] = IDX.due.sk;
      values[':seen'] = dueTurn;
    }
    const items: Guarded<'stale'>[] = [
      {
        item: { Put: { TableName: this.table, Item: certificateItemOf(ended, next), ConditionExpression: conditions.join(' AND '), ExpressionAttributeNames: names, ExpressionAttributeValues: values } },
        whenConditionFails: 'stale',
      },
      { item: { Put: { TableName: this.table, Item: { ...keys.certificateEvent(ended.certificateNo, next), ...event }, ConditionExpression: IS_NEW } }, whenConditionFails: 'stale' },
      ...entriesOf(ended).map((item) => ({ item: { Put: { TableName: this.table, Item: item } } })),
      // A counter another approval or ending changed meanwhile: read again, as for the certificate itself.
      ...effects.map((item) => ({ item, whenConditionFails: 'stale' as const })),
    ];
    const outcome = await transact(this.db, items);
    return outcome === 'written' ? 'recorded' : outcome;
  }

  /**
   * For a transaction: the certificate read at `stored.version` written as `record` (its next version) with its registry
   * entries; the first item's condition fails when another change of the certificate came first. `event`: its history
   * entry (a change's). `moved`: the entries of the region it leaves, deleted.
   */
  certificateWrite(stored: StoredCertificate, record: RegistryRecord, options: { event?: CertificateEvent; moved?: Pick<RegistryRecord, 'type' | 'regionCode' | 'approvedAt' | 'id'> } = {}): DocTransactItem[] {
    const next = stored.version + 1;
    const legacy = stored.version === 1;
    const items: DocTransactItem[] = [
      {
        Put: {
          TableName: this.table,
          Item: certificateItemOf(record, next),
          ConditionExpression: legacy ? 'attribute_exists(pk) AND (attribute_not_exists(#version) OR #version = :version)' : '#version = :version',
          ExpressionAttributeNames: { '#version': C.version },
          ExpressionAttributeValues: { ':version': stored.version },
        },
      },
    ];
    if (options.event) items.push({ Put: { TableName: this.table, Item: { ...keys.certificateEvent(record.certificateNo, next), ...options.event }, ConditionExpression: IS_NEW } });
    const kept = new Set(entryKeysOf(record).map((key) => `${key.pk}|${key.sk}`));
    if (options.moved) for (const key of entryKeysOf(options.moved)) if (!kept.has(`${key.pk}|${key.sk}`)) items.push({ Delete: { TableName: this.table, Key: key } });
    items.push(...entriesOf(record).map((item) => ({ Put: { TableName: this.table, Item: item } })));
    return items;
  }

  /** For a transaction: the certificate's report deadline at `year`'s (replacing the one before). */
  reportDueItem(certificateNo: string, year: number, dueAt: string): DocTransactItem {
    return { Put: { TableName: this.table, Item: reportDueItemOf(certificateNo, year, dueAt) } };
  }

  /**
   * The report deadline read at its turn `due` moved on to `next`'s year, with `items` (the year marked overdue, the
   * county's notice), all or nothing. 'stale': another sweeper took it, or the certificate changed meanwhile.
   */
  async moveReportDeadline(due: { seen: string }, certificateNo: string, next: { year: number; dueAt: string }, items: DocTransactItem[]): Promise<'moved' | 'stale' | 'contended'> {
    const outcome = await transact(this.db, [
      {
        item: {
          Put: {
            TableName: this.table,
            Item: reportDueItemOf(certificateNo, next.year, next.dueAt),
            ConditionExpression: '#dueSk = :seen',
            ExpressionAttributeNames: { '#dueSk': IDX.due.sk },
            ExpressionAttributeValues: { ':seen': due.seen },
          },
        },
        whenConditionFails: 'stale' as const,
      },
      ...items.map((item) => ({ item, whenConditionFails: 'stale' as const })),
    ]);
    return outcome === 'written' ? 'moved' : outcome;
  }

  /** For a transaction: the report deadline gone (the certificate ended). */
  clearReportDueItem(certificateNo: string): DocTransactItem {
    return { Delete: { TableName: this.table, Key: keys.reportDue(certificateNo) } };
  }

  /**
   * Approved records, newest first, filtered by type, region (any ancestor code) and approval time range
   * (inclusive ISO instants): one Query of the filter's own partition, its sort key bounded by the range.
   * Reads one record beyond the page to know whether another page follows, so the last page's cursor is null.
   */
  async query(filter: RegistryFilter, page: PageRequest): Promise<Page<RegistryRecord>> {
    const pk = scopeOfFilter(filter);
    const { low, high } = keys.registryRange(filter.from, filter.to);
    const after = this.cursorPosition(page.cursor, low, high);
    // A status is its scope's partition of the byStatus index, sorted by the same key as the scope's own.
    const byStatus = filter.status ? { pk: keys.registryStatusScope(pk, filter.status) } : undefined;
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        ...(byStatus
          ? {
              IndexName: IDX.byStatus.name,
              KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :low AND :high',
              ExpressionAttributeNames: { '#pk': IDX.byStatus.pk, '#sk': IDX.byStatus.sk },
              ExpressionAttributeValues: { ':pk': byStatus.pk, ':low': low, ':high': high },
            }
          : { KeyConditionExpression: KEY_CONDITION.sortKeyBetween, ExpressionAttributeValues: { ':pk': pk, ':low': low, ':high': high } }),
        ScanIndexForward: false,
        Limit: page.limit + 1,
        ExclusiveStartKey:
          after === undefined ? undefined : byStatus ? { pk, sk: after, [IDX.byStatus.pk]: byStatus.pk, [IDX.byStatus.sk]: after } : { pk, sk: after },
      }),
    );
    const items = (out.Items ?? []) as (Key & Record<string, unknown>)[];
    // Fewer than asked with a LastEvaluatedKey means DynamoDB stopped at its 1 MB page size: more may follow.
    const more = items.length > page.limit || (items.length > 0 && out.LastEvaluatedKey !== undefined);
    const shown = items.slice(0, page.limit);
    return { items: shown.map(recordOfItem), cursor: more ? encodeCursor({ sk: shown.at(-1)!.sk }) : null };
  }

  /** Every matching record, page by page (for exports: one page in memory at a time). */
  async *each(filter: RegistryFilter, pageSize = 200): AsyncGenerator<RegistryRecord[]> {
    let cursor: string | null = null;
    do {
      const page: Page<RegistryRecord> = await this.query(filter, { limit: pageSize, cursor });
      if (page.items.length) yield page.items;
      cursor = page.cursor;
    } while (cursor);
  }

  /** A cursor holds the sort key of the last record shown; it must lie inside this query's range. */
  private cursorPosition(cursor: string | null | undefined, low: string, high: string): string | undefined {
    const key = decodeCursor(cursor);
    if (!key) return undefined;
    if (typeof key.sk !== 'string' || key.sk < low || key.sk > high) {
      throw new DomainError('validation', '分页游标无效', { issues: [{ path: 'cursor', message: '分页游标与查询条件不符，请从第一页重新查询' }] });
    }
    return key.sk;
  }
}
