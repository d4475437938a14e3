// The provincial registry: approved applications, their certificates, and the per-scope entries that make
// every registry filter one Query.
import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DomainError, type Application } from '../domain/application.js';
import {
  PROVINCE,
  cstYear,
  formatCertificateNo,
  normaliseCertificateNo,
  type RegistryFilter,
  type RegistryRecord,
} from '../domain/registry.js';
import { keys } from './keys.js';
import { decodeCursor, encodeCursor, type Page } from './cursor.js';
import { fromItem, type DocTransactItem, type PageRequest } from './applications.js';
import { StatsStore } from './stats.js';

export { certificateTitle, formatCertificateNo, normaliseCertificateNo, type RegistryRecord } from '../domain/registry.js';

/** Region scopes a record is found under: every ancestor from city down to its host region. */
export function regionScopes(regionCode: string): string[] {
  return [4, 6, 9, 12].filter((n) => regionCode.length >= n).map((n) => regionCode.slice(0, n));
}

/**
 * The partition keys of a record's registry entries: all, by type, by region, by type and region, for the
 * province and each ancestor region (at most 10). A query of any type × any region is then one partition.
 */
export function scopesOf(record: Pick<RegistryRecord, 'type' | 'regionCode'>): string[] {
  const regions = [undefined, ...regionScopes(record.regionCode)];
  return regions.flatMap((region) => [keys.registryScope({ region }), keys.registryScope({ type: record.type, region })]);
}

/** The items of a record's registry entries, one per scope, each carrying the whole record. */
export function entriesOf(record: RegistryRecord): Record<string, unknown>[] {
  return scopesOf(record).map((scope) => ({ ...keys.registryEntry(scope, record.approvedAt, record.id), ...record }));
}

/** The partition that answers a filter: `REG#<type|*>#<region|*>`. */
export function scopeOfFilter(filter: Pick<RegistryFilter, 'type' | 'region'>): string {
  return keys.registryScope({ type: filter.type, region: filter.region && filter.region !== PROVINCE ? filter.region : undefined });
}

export function registryRecordOf(app: Application, certificateNo: string, approvedAt: string): RegistryRecord {
  const form = app.form as { name?: string; organisation?: { name?: string } };
  return {
    certificateNo,
    id: app.id,
    type: app.type,
    name: String(form.name ?? ''),
    organisation: String(form.organisation?.name ?? ''),
    regionCode: app.regionCode,
    approvedAt,
  };
}

const recordOfItem = ({ pk: _pk, sk: _sk, ...record }: Record<string, unknown>) => record as unknown as RegistryRecord;

/** Cancellation reasons that mean "someone else wrote first": read again and retry. */
function lostRace(error: unknown): boolean {
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return (
    (error as Error).name === 'TransactionCanceledException' &&
    reasons.some((reason) => reason.Code === 'ConditionalCheckFailed' || reason.Code === 'TransactionConflict')
  );
}

export class RegistryStore {
  readonly stats: StatsStore;

  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly table: string,
  ) {
    this.stats = new StatsStore(db, table);
  }

  /**
   * Makes an application whose last level approved it APPROVED: allocates the next certificate number of the
   * (CST) year and writes the application, the certificate, its registry entries and the plan's progress
   * counters in one transaction. A lost race (the number taken, a counter marker written meanwhile) reads
   * again and retries. Idempotent: an application already approved answers its certificate again.
   */
  async recordApproval(
    id: string,
    now: () => Date,
    extra: (app: Application, record: RegistryRecord) => DocTransactItem[] | Promise<DocTransactItem[]> = () => [],
  ): Promise<{ status: 'APPROVED'; certificateNo: string }> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.application(id), ConsistentRead: true }));
      if (!out.Item) throw new DomainError('not_found', `申请 ${id} 不存在`);
      const app = fromItem(out.Item);
      if (app.status === 'APPROVED' && app.certificateNo) return { status: 'APPROVED', certificateNo: app.certificateNo };
      if (!app.awaitingRecord || app.status !== 'PENDING') {
        throw new DomainError('conflict', `申请 ${id} 未经最后一级批准（状态 ${app.status}），不能登记`);
      }
      const at = now();
      const year = cstYear(at);
      const counterKey = keys.certificateCounter(year);
      const counter = await this.db.send(new GetCommand({ TableName: this.table, Key: counterKey, ConsistentRead: true }));
      const last = (counter.Item?.last as number | undefined) ?? 0;
      const certificateNo = formatCertificateNo(year, last + 1);
      const approvedAt = at.toISOString();
      const record = registryRecordOf(app, certificateNo, approvedAt);
      const [counted, added] = await Promise.all([this.stats.approvalItems(app), extra(app, record)]);
      try {
        await this.db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.table,
                  Item: { ...counterKey, last: last + 1 },
                  ConditionExpression: last === 0 ? 'attribute_not_exists(pk)' : '#last = :last',
                  ...(last === 0 ? {} : { ExpressionAttributeNames: { '#last': 'last' }, ExpressionAttributeValues: { ':last': last } }),
                },
              },
              {
                Update: {
                  TableName: this.table,
                  Key: keys.application(id),
                  UpdateExpression:
                    'SET #status = :approved, statusPk = :statusPk, certificateNo = :no, approvedAt = :at, updatedAt = :at, #version = :next REMOVE awaitingRecord, outbox, outboxPk, outboxAt',
                  ConditionExpression: '#version = :version AND awaitingRecord = :true',
                  ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
                  ExpressionAttributeValues: {
                    ':approved': 'APPROVED',
                    ':statusPk': keys.regionStatus('APPROVED'),
                    ':no': certificateNo,
                    ':at': approvedAt,
                    ':version': app.version,
                    ':next': app.version + 1,
                    ':true': true,
                  },
                },
              },
              { Put: { TableName: this.table, Item: { ...keys.certificate(certificateNo), ...record }, ConditionExpression: 'attribute_not_exists(pk)' } },
              ...entriesOf(record).map((item) => ({ Put: { TableName: this.table, Item: item } })),
              ...counted,
              ...added,
            ],
          }),
        );
        return { status: 'APPROVED', certificateNo };
      } catch (error) {
        if (!lostRace(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * Math.min(attempt + 1, 10)));
      }
    }
    throw new DomainError('unavailable', '证书编号分配繁忙，请稍后重试');
  }

  /** The record of a certificate, by its ASCII or printed number; undefined for an unknown or malformed one. */
  async getCertificate(certificateNo: string): Promise<RegistryRecord | undefined> {
    const canonical = normaliseCertificateNo(certificateNo);
    if (!canonical) return undefined;
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.certificate(canonical) }));
    return out.Item ? recordOfItem(out.Item) : undefined;
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
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high',
        ExpressionAttributeValues: { ':pk': pk, ':low': low, ':high': high },
        ScanIndexForward: false,
        Limit: page.limit + 1,
        ExclusiveStartKey: after === undefined ? undefined : { pk, sk: after },
      }),
    );
    const items = out.Items ?? [];
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
