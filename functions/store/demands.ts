// The demand library in the single table: a need, its history and responses in its partition; its list entries, one
// per list scope (every filter one Query, newest first); its text-search postings; and the links from each matched
// station's certificate. Every change of a need is one transaction conditional on its version.
import { BatchGetCommand, DeleteCommand, GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { publicDemandStatuses, type CertificateDemand, type Demand, type DemandEvent, type DemandResponse, type DemandStatus } from '../domain/demand.js';
import { PROVINCE, regionScopes } from '../domain/region-codes.js';
import { ATTR, IS_NEW, KEY_CONDITION, TABLE_INDEXES as IDX, keys, withoutKey, type Key } from './keys.js';
import { decodeCursor, encodeCursor, type Page } from './cursor.js';
import { DomainError } from '../domain/application.js';
import type { PageRequest } from './applications.js';
import { partitionItems } from './partition.js';
import { transact, type DocTransactItem, type Guarded } from './transactions.js';
import type { UploadTaken } from './uploads.js';

const D = ATTR.demand;

/** A search reads its bigram's postings this many at a time, at most SEARCH_ROUNDS times per page. */
const SEARCH_READ = 100;
const SEARCH_ROUNDS = 10;

export interface DemandFilter {
  status: DemandStatus;
  /** Any region code; the province's is all. */
  region: string;
  kind?: string;
  industry?: string;
}

/**
 * The partition keys of a need's list entries in `status`: the province and each ancestor, × kind or any, × industry
 * or any. A status that is not public (a village's need awaiting or refused its office's confirmation) is listed by
 * region alone, kind and industry filtered on the entries: those lists are an office's few, and the publishing write
 * (which moves these entries and writes the public ones and the search postings) stays inside DynamoDB's 100 items.
 */
export function demandScopesOf(demand: Pick<Demand, 'regionCode' | 'kind' | 'industry'>, status: DemandStatus): string[] {
  const regions = [PROVINCE, ...regionScopes(demand.regionCode)];
  if (!publicDemandStatuses.has(status)) return regions.map((region) => keys.demandListScope({ status, region }));
  return regions.flatMap((region) =>
    [undefined, demand.kind].flatMap((kind) => [undefined, demand.industry].map((industry) => keys.demandListScope({ status, region, kind, industry }))),
  );
}

function toItem(demand: Demand): Record<string, unknown> {
  return { ...keys.demand(demand.id), ...demand };
}

function fromItem(item: Record<string, unknown>): Demand {
  const d = withoutKey(item) as unknown as Demand;
  return {
    id: d.id,
    kind: d.kind,
    industry: d.industry,
    regionCode: d.regionCode,
    title: d.title,
    description: d.description,
    expectedOutcome: d.expectedOutcome ?? null,
    wantedBy: d.wantedBy ?? null,
    status: d.status,
    postedBy: d.postedBy,
    postedAt: d.postedAt,
    updatedAt: d.updatedAt,
    version: Number(d.version),
    responseCount: Number(d.responseCount ?? 0),
    matchedResponseIds: d.matchedResponseIds ?? [],
    matchedAt: d.matchedAt ?? null,
    closure: d.closure ?? null,
    overdueAt: d.overdueAt ?? null,
    village: d.village ?? null,
    // Needs stored before village accounts were published at their posting.
    publishedAt: d.publishedAt ?? (publicDemandStatuses.has(d.status) ? d.postedAt : null),
    confirmBy: d.confirmBy ?? null,
    issues: d.issues ?? [],
    materials: d.materials ?? [],
  };
}

/** A list entry carries the need as it stood when it entered its status (a response changes only the count, not shown in lists). */
function listEntries(table: string, demand: Demand): DocTransactItem[] {
  return demandScopesOf(demand, demand.status).map((scope) => ({
    Put: { TableName: table, Item: { ...keys.demandListEntry(scope, demand.postedAt, demand.id), ...demand } },
  }));
}

function unlistEntries(table: string, demand: Demand, status: DemandStatus): DocTransactItem[] {
  return demandScopesOf(demand, status).map((scope) => ({ Delete: { TableName: table, Key: keys.demandListEntry(scope, demand.postedAt, demand.id) } }));
}

/** The change of a need read at `expected` to `next`: one history entry, and what else the same write holds. */
export interface DemandChange {
  expected: Demand;
  next: Demand;
  event: DemandEvent;
  /** Items of the change guarded by a condition of their own: a response's key, a matched response's state. */
  guarded?: Guarded<'duplicate' | 'stale' | UploadTaken>[];
  /** Its notices, its certificate links. */
  effects?: DocTransactItem[];
}

export class DemandStore {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  /**
   * A new need with its first history entry, its list entries and its search postings, all or nothing; `guarded`: its
   * attaches (an upload taken meanwhile: `taken:<uploadId>`, nothing stored).
   */
  async create(
    demand: Demand,
    event: DemandEvent,
    grams: string[],
    effects: DocTransactItem[] = [],
    guarded: Guarded<UploadTaken>[] = [],
  ): Promise<'created' | 'contended' | UploadTaken> {
    const items: Guarded<'exists' | UploadTaken>[] = [
      { item: { Put: { TableName: this.table, Item: toItem(demand), ConditionExpression: IS_NEW } }, whenConditionFails: 'exists' },
      { item: { Put: { TableName: this.table, Item: { ...keys.demandEvent(demand.id, demand.version), ...event }, ConditionExpression: IS_NEW } }, whenConditionFails: 'exists' },
      ...listEntries(this.table, demand).map((item) => ({ item })),
      ...this.gramItems(demand, grams).map((item) => ({ item })),
      ...effects.map((item) => ({ item })),
      ...guarded,
    ];
    const outcome = await transact(this.db, items);
    if (outcome === 'written') return 'created';
    return outcome.startsWith('taken:') ? (outcome as UploadTaken) : 'contended';
  }

  /** The text search's postings of a need (written when it is published: at an office's posting, at a village's confirmation). */
  gramItems(demand: Demand, grams: string[]): DocTransactItem[] {
    return grams.map((gram) => ({
      Put: {
        TableName: this.table,
        Item: { ...keys.demandGram(gram, demand.postedAt, demand.id), [D.id]: demand.id, [D.regionCode]: demand.regionCode, [D.kind]: demand.kind, [D.industry]: demand.industry },
      },
    }));
  }

  async get(id: string): Promise<Demand | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.demand(id), ConsistentRead: true }));
    return out.Item ? fromItem(out.Item) : undefined;
  }

  /** The need, its history and its responses: one Query of its partition. */
  async getWhole(id: string): Promise<{ demand: Demand; history: DemandEvent[]; responses: DemandResponse[] } | undefined> {
    let demand: Demand | undefined;
    const history: DemandEvent[] = [];
    const responses: DemandResponse[] = [];
    for await (const item of partitionItems(this.db, this.table, keys.demandPk(id))) {
      const sk = String(item.sk);
      if (sk === keys.demand(id).sk) demand = fromItem(item);
      else if (sk.startsWith(keys.eventPrefix)) history.push(withoutKey(item) as unknown as DemandEvent);
      else if (sk.startsWith(keys.demandResponsePrefix)) responses.push(withoutKey(item) as unknown as DemandResponse);
    }
    responses.sort((a, b) => a.respondedAt.localeCompare(b.respondedAt));
    return demand ? { demand, history, responses } : undefined;
  }

  /**
   * Records a change: the need (conditional on the version it was read at), its history entry, its list entries
   * moved when its status changes, and the change's own items. 'stale': another change came first; 'duplicate': a
   * guarded item says so (a second response of the organisation).
   */
  async recordChange(change: DemandChange): Promise<'recorded' | 'stale' | 'duplicate' | 'contended' | UploadTaken> {
    const { expected, next, event } = change;
    const items: Guarded<'stale' | 'duplicate' | UploadTaken>[] = [
      {
        item: {
          Put: {
            TableName: this.table,
            Item: toItem(next),
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': D.version },
            ExpressionAttributeValues: { ':expected': expected.version },
          },
        },
        whenConditionFails: 'stale',
      },
      { item: { Put: { TableName: this.table, Item: { ...keys.demandEvent(next.id, next.version), ...event }, ConditionExpression: IS_NEW } }, whenConditionFails: 'stale' },
      ...(change.guarded ?? []),
      ...(next.status !== expected.status ? [...unlistEntries(this.table, expected, expected.status), ...listEntries(this.table, next)].map((item) => ({ item })) : []),
      ...(change.effects ?? []).map((item) => ({ item })),
    ];
    const outcome = await transact(this.db, items);
    return outcome === 'written' ? 'recorded' : outcome;
  }

  /** For a change: a new response (its key refuses a second of the same organisation: 'duplicate'). */
  responseItem(response: DemandResponse): Guarded<'duplicate'> {
    return { item: { Put: { TableName: this.table, Item: { ...keys.demandResponse(response.demandId, response.org), ...response }, ConditionExpression: IS_NEW } }, whenConditionFails: 'duplicate' };
  }

  /** For a match: the response, still unmatched, becomes MATCHED. */
  matchedResponseItem(response: DemandResponse): Guarded<'stale'> {
    return {
      item: {
        Update: {
          TableName: this.table,
          Key: keys.demandResponse(response.demandId, response.org),
          UpdateExpression: 'SET #status = :matched',
          ConditionExpression: '#status = :submitted',
          ExpressionAttributeNames: { '#status': D.status },
          ExpressionAttributeValues: { ':matched': 'MATCHED', ':submitted': 'SUBMITTED' },
        },
      },
      whenConditionFails: 'stale',
    };
  }

  /** The link a matched station's certificate shows (written at the match, rewritten with the rating at the close). */
  certificateLinkItem(certificateNo: string, link: CertificateDemand): DocTransactItem {
    return { Put: { TableName: this.table, Item: { ...keys.certificateDemand(certificateNo, link.demandId), ...link } } };
  }

  /** The needs a certificate was matched with, newest first (one Query; at most `limit`). */
  async certificateDemands(certificateNo: string, limit = 50): Promise<CertificateDemand[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: KEY_CONDITION.partition,
        ExpressionAttributeValues: { ':pk': keys.certificateDemandPk(certificateNo) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((item) => withoutKey(item) as unknown as CertificateDemand);
  }

  /** For a change: the region's (and its city's and county's) count of needs without a response moves by `delta`. */
  unansweredItems(regionCode: string, delta: 1 | -1, counter: (code: string) => Key = keys.unansweredDemands): DocTransactItem[] {
    return regionScopes(regionCode)
      .filter((code) => code.length <= 9)
      .map((code) => ({
        Update: {
          TableName: this.table,
          Key: counter(code),
          UpdateExpression: 'ADD #n :delta',
          ExpressionAttributeNames: { '#n': ATTR.gap.n },
          ExpressionAttributeValues: { ':delta': delta },
        },
      }));
  }

  /** For a change: the count of needs waiting past DEMAND_RESPONSE_DAYS without a response moves by `delta`. */
  overdueItems(regionCode: string, delta: 1 | -1): DocTransactItem[] {
    return this.unansweredItems(regionCode, delta, keys.overdueDemands);
  }

  /** For a new need: its wait for a first response, due at `at` (the sweeper flags it then, store/sweep.ts `demand`). */
  agingItem(demand: Pick<Demand, 'id'>, at: string): DocTransactItem {
    const key = keys.demandAging(demand.id);
    return {
      Put: { TableName: this.table, Item: { ...key, [D.id]: demand.id, [ATTR.due.kind]: 'demand', [IDX.due.pk]: keys.due, [IDX.due.sk]: keys.dueOrder(at, key) } },
    };
  }

  /** For a village's need sent to its office: its wait for the confirmation, due at `at` (the sweeper reminds the office then). */
  confirmWaitItem(demand: Pick<Demand, 'id'>, at: string): DocTransactItem {
    const key = keys.demandConfirmWait(demand.id);
    return {
      Put: { TableName: this.table, Item: { ...key, [D.id]: demand.id, [ATTR.due.kind]: 'demand-confirm', [IDX.due.pk]: keys.due, [IDX.due.sk]: keys.dueOrder(at, key) } },
    };
  }

  /** For a change that settles a village's need (decided, withdrawn): its wait for the confirmation is over. */
  confirmWaitDone(id: string): DocTransactItem {
    return { Delete: { TableName: this.table, Key: keys.demandConfirmWait(id) } };
  }

  /** For the sweep that reminds of it: the wait taken, only if it is still there (of two sweeps, one reminds). */
  confirmWaitTaken(id: string): DocTransactItem {
    return { Delete: { TableName: this.table, Key: keys.demandConfirmWait(id), ConditionExpression: 'attribute_exists(pk)' } };
  }

  /** The wait of a village's need settled meanwhile is let go. */
  async forgetConfirmWait(id: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: keys.demandConfirmWait(id) }));
  }

  /** The wait of a need that has had its response (or has left PUBLISHED) is let go. */
  async forgetAging(id: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: keys.demandAging(id) }));
  }

  /** For a change: the wait is over (a first response, or the sweeper's flag). */
  agingDone(id: string): DocTransactItem {
    return { Delete: { TableName: this.table, Key: keys.demandAging(id) } };
  }

  /**
   * What GET /v1/gaps reads: how many needs without a response each of the regions `codes` has (and how many of those
   * waited too long), and which of the regions `covering` (by default the same) hold a coverage marker of `goal` (an
   * active station of the plan's kind there, functions/store/stats.ts). One BatchGet per 100 keys.
   */
  async gapsOf(
    codes: string[],
    goal: string | undefined,
    covering: string[] = codes,
  ): Promise<{ covered: Set<string>; unanswered: Map<string, number>; overdue: Map<string, number> }> {
    const wanted = [
      ...codes.map((code) => keys.unansweredDemands(code)),
      ...codes.map((code) => keys.overdueDemands(code)),
      ...(goal ? covering.map((code) => keys.coverage(goal, code)) : []),
    ];
    const covered = new Set<string>();
    const unanswered = new Map<string, number>();
    const overdue = new Map<string, number>();
    const overduePrefix = keys.overdueDemands('').pk;
    for (const item of await this.getItems(wanted)) {
      const pk = String(item.pk);
      const code = pk.slice(pk.lastIndexOf('#') + 1);
      if (pk.startsWith(overduePrefix)) overdue.set(code, Number(item[ATTR.gap.n] ?? 0));
      else if (pk.startsWith('GAP#')) unanswered.set(code, Number(item[ATTR.gap.n] ?? 0));
      else covered.add(code);
    }
    return { covered, unanswered, overdue };
  }

  private async getItems(wanted: Key[]): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let pending = [...wanted];
    let retries = 0;
    while (pending.length) {
      const batch = pending.slice(0, 100);
      pending = pending.slice(100);
      const out = await this.db.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: batch } } }));
      items.push(...((out.Responses?.[this.table] ?? []) as Record<string, unknown>[]));
      const left = (out.UnprocessedKeys?.[this.table]?.Keys ?? []) as Key[];
      if (left.length) {
        if (++retries > 8) throw Object.assign(new Error('BatchGet left keys unprocessed'), { name: 'ThrottlingException' });
        await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** retries));
      }
      pending.push(...left);
    }
    return items;
  }

  /** One list scope's needs, newest first (a status that is not public: its region's scope, kind and industry filtered). */
  async list(filter: DemandFilter, page: PageRequest): Promise<Page<Demand>> {
    const byRegion = !publicDemandStatuses.has(filter.status);
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':pk': keys.demandListScope(byRegion ? { status: filter.status, region: filter.region } : filter) };
    const filters: string[] = [];
    for (const field of byRegion ? (['kind', 'industry'] as const) : []) {
      if (!filter[field]) continue;
      names[`#${field}`] = D[field];
      values[`:${field}`] = filter[field];
      filters.push(`#${field} = :${field}`);
    }
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: KEY_CONDITION.partition,
        ExpressionAttributeValues: values,
        ...(filters.length ? { FilterExpression: filters.join(' AND '), ExpressionAttributeNames: names } : {}),
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor),
      }),
    );
    return { items: (out.Items ?? []).map(fromItem), cursor: encodeCursor(out.LastEvaluatedKey) };
  }

  /**
   * Several public list scopes (`filters`, e.g. one per paired city) as one list, newest first: one Query per scope
   * per page, each from the page's cursor (the sort key of the last need it showed: postedAt#id, the same order in
   * every scope), merged. Each reads one more than the page, so a page that is not full is the last (cursor null).
   */
  async listMerged(filters: DemandFilter[], page: PageRequest): Promise<Page<Demand>> {
    const cursor = decodeCursor(page.cursor);
    if (cursor && (Object.keys(cursor).length !== 1 || !cursor.before)) {
      throw new DomainError('validation', '分页游标无效', { issues: [{ path: 'cursor', message: '分页游标无效，请从第一页重新查询' }] });
    }
    const reads = await Promise.all(
      filters.map((filter) =>
        this.db.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: cursor ? KEY_CONDITION.sortKeyBefore : KEY_CONDITION.partition,
            ExpressionAttributeValues: { ':pk': keys.demandListScope(filter), ...(cursor ? { ':before': cursor.before } : {}) },
            ScanIndexForward: false,
            Limit: page.limit + 1,
          }),
        ),
      ),
    );
    const entries = reads.flatMap((out) => out.Items ?? []).sort((a, b) => String(b.sk).localeCompare(String(a.sk)));
    const shown = entries.slice(0, page.limit);
    return { items: shown.map(fromItem), cursor: entries.length > page.limit ? encodeCursor({ before: String(shown.at(-1)!.sk) }) : null };
  }

  /**
   * The needs posted under `gram`, newest first, inside the filter's region, kind and industry (filtered on the
   * postings), whose current record `accept` takes (its status, the whole search's text). A page is read until it is
   * full or the postings end; its cursor is the last posting read.
   */
  async search(gram: string, filter: Omit<DemandFilter, 'status'>, page: PageRequest, accept: (demand: Demand) => boolean): Promise<Page<Demand>> {
    const items: Demand[] = [];
    let start: Record<string, unknown> | undefined = decodeCursor(page.cursor);
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':pk': keys.demandGramPk(gram) };
    const filters: string[] = [];
    if (filter.region !== PROVINCE) {
      names['#region'] = D.regionCode;
      values[':region'] = filter.region;
      filters.push('begins_with(#region, :region)');
    }
    for (const field of ['kind', 'industry'] as const) {
      if (!filter[field]) continue;
      names[`#${field}`] = D[field];
      values[`:${field}`] = filter[field];
      filters.push(`#${field} = :${field}`);
    }
    // DynamoDB's Limit counts postings before the filter: a page's worth, then SEARCH_READ at a time, SEARCH_ROUNDS times at most
    // (a page costs the same at 1k needs or 100k, and a rare match ends with a cursor, not a scan of the partition);
    // the needs they name are read by key only as many at a time as the page still lacks.
    for (let round = 0; round < SEARCH_ROUNDS; round++) {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: KEY_CONDITION.partition,
          ExpressionAttributeValues: values,
          ...(filters.length ? { FilterExpression: filters.join(' AND '), ExpressionAttributeNames: names } : {}),
          ScanIndexForward: false,
          // A page's worth first (a common word fills it there), then SEARCH_READ (a filter that keeps few).
          Limit: round === 0 ? page.limit : SEARCH_READ,
          ExclusiveStartKey: start,
        }),
      );
      const postings = (out.Items ?? []) as (Key & Record<string, unknown>)[];
      for (let from = 0; from < postings.length; ) {
        const chunk = postings.slice(from, from + page.limit - items.length);
        const found = await this.getMany(chunk.map((item) => String(item[D.id])));
        for (const [i, posting] of chunk.entries()) {
          const demand = found.get(String(posting[D.id]));
          if (!demand || !accept(demand)) continue;
          items.push(demand);
          if (items.length === page.limit) {
            // The page ends at this posting: the next one starts after it (or nowhere, when it was the last).
            const last = from + i === postings.length - 1 && !out.LastEvaluatedKey;
            return { items, cursor: last ? null : encodeCursor({ pk: posting.pk, sk: posting.sk }) };
          }
        }
        from += chunk.length;
      }
      start = out.LastEvaluatedKey;
      if (!start) break;
    }
    return { items, cursor: encodeCursor(start) };
  }

  private async getMany(ids: string[]): Promise<Map<string, Demand>> {
    const found = new Map<string, Demand>();
    let pending: Key[] = [...new Set(ids)].map((id) => keys.demand(id));
    while (pending.length) {
      const batch = pending.slice(0, 100);
      pending = pending.slice(100);
      const out = await this.db.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: batch } } }));
      for (const item of out.Responses?.[this.table] ?? []) {
        const demand = fromItem(item);
        found.set(demand.id, demand);
      }
      pending.push(...((out.UnprocessedKeys?.[this.table]?.Keys ?? []) as Key[]));
    }
    return found;
  }
}
