// The provincial registry: approved applications, their certificates, and the per-scope entries that make
// every registry filter one Query.
import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DomainError, type Application } from '../domain/application.js';
import { keys } from './keys.js';
import { decodeCursor, encodeCursor, type Page } from './cursor.js';
import { fromItem, isConditionFailure, type DocTransactItem } from './applications.js';
import type { PageRequest } from './applications.js';

export interface RegistryRecord {
  certificateNo: string;
  id: string;
  type: string;
  name: string;
  organisation: string;
  regionCode: string;
  approvedAt: string;
}

/** Region scopes a record is found under: every ancestor from city down to its host region. */
export function regionScopes(regionCode: string): string[] {
  return [4, 6, 9, 12].filter((n) => regionCode.length >= n).map((n) => regionCode.slice(0, n));
}

/** The partition keys of a record's registry entries: all, by type, by region, by type and region. */
export function scopesOf(record: Pick<RegistryRecord, 'type' | 'regionCode'>): string[] {
  const regions = [undefined, ...regionScopes(record.regionCode)];
  return regions.flatMap((region) => [keys.registryScope({ region }), keys.registryScope({ type: record.type, region })]);
}

/** `GDKX-2026-000123`: ASCII, URL-safe, sequential per year. Shown to people as 粤科协备〔2026〕000123号. */
export function formatCertificateNo(year: number, serial: number): string {
  return `GDKX-${year}-${String(serial).padStart(6, '0')}`;
}

export function certificateTitle(certificateNo: string): string {
  const match = /^GDKX-(\d{4})-(\d{6})$/.exec(certificateNo);
  return match ? `粤科协备〔${match[1]}〕${match[2]}号` : certificateNo;
}

/** Accepts the ASCII form or the printed Chinese form of a certificate number. */
export function normaliseCertificateNo(text: string): string {
  const printed = /^粤科协备〔(\d{4})〕(\d{6})号$/.exec(text.trim());
  return printed ? formatCertificateNo(Number(printed[1]), Number(printed[2])) : text.trim().toUpperCase();
}

const cstYear = (at: Date) => new Date(at.getTime() + 8 * 3600_000).getUTCFullYear();

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

export class RegistryStore {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  /**
   * Makes an application whose last level approved it APPROVED: allocates the next certificate number of the
   * year and writes the application, the certificate and its registry entries in one transaction.
   * Idempotent: an application already approved answers its certificate again.
   */
  async recordApproval(
    id: string,
    now: () => Date,
    extra: (app: Application, record: RegistryRecord) => DocTransactItem[] = () => [],
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
              ...scopesOf(record).map((scope) => ({
                Put: { TableName: this.table, Item: { ...keys.registryEntry(scope, approvedAt, id), ...record } },
              })),
              ...extra(app, record),
            ],
          }),
        );
        return { status: 'APPROVED', certificateNo };
      } catch (error) {
        // Another approval took this number (or this one raced itself): read again and take the next.
        if (isConditionFailure(error, 0) || isConditionFailure(error, 1) || isConditionFailure(error, 2)) {
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * (attempt + 1)));
          continue;
        }
        throw error;
      }
    }
    throw new DomainError('unavailable', '证书编号分配繁忙，请稍后重试');
  }

  async getCertificate(certificateNo: string): Promise<RegistryRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.certificate(normaliseCertificateNo(certificateNo)) }));
    if (!out.Item) return undefined;
    const { pk: _pk, sk: _sk, ...record } = out.Item;
    return record as RegistryRecord;
  }

  /** Approved records, newest first, filtered by type, region (any ancestor code) and approval time range. */
  async query(filter: { type?: string; region?: string; from?: string; to?: string }, page: PageRequest): Promise<Page<RegistryRecord>> {
    const region = filter.region && filter.region !== '44' ? filter.region : undefined;
    const pk = keys.registryScope({ type: filter.type, region });
    const from = filter.from ?? '0000';
    // Entries sort by `${approvedAt}#${id}`: '~' sorts after every such suffix.
    const to = `${filter.to ?? '9999'}~`;
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': pk, ':from': from, ':to': to },
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor),
      }),
    );
    const items = (out.Items ?? []).map(({ pk: _pk, sk: _sk, ...record }) => record as RegistryRecord);
    return { items, cursor: encodeCursor(out.LastEvaluatedKey) };
  }
}
