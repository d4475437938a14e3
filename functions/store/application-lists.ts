// The application lists and their search: an organisation's own, an office's inbox, a region's (with the bigram index
// for `q`, functions/domain/search.ts), an office's decisions (已办), and case numbers. Apart from store/applications.ts
// so that the workflow's functions, which list nothing, do not carry them (test/infra/bundle-size.test.ts).
import { BatchGetCommand, GetCommand, QueryCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { DomainError, type ApplicationRecord, type HistoryEntry, type Status } from '../domain/application.js';
import type { DecidingLevel } from '../domain/chain.js';
import { narrowsBeyondKey, queryKey, searchKeysOf, type Searchable } from '../domain/search.js';
import { searchTextOf } from '../domain/search-text.js';
import { ATTR, IS_NEW, KEY_CONDITION, TABLE_INDEXES as IDX, keyOf, keys, withoutKey } from './keys.js';
import { fromItem, type PageRequest } from './applications.js';
import { decodeCursor, encodeCursor, type Page } from './cursor.js';
import type { DocTransactItem } from './transactions.js';
import { writeAll } from './batch.js';

const A = ATTR.application;
/** A search index entry: the application's own attributes that a search filters on without reading the application. */
const S = { id: A.id, text: A.searchText, type: A.type, submittedAt: A.submittedAt };
/** A case number's item: the application it was given to, and its organisation (the public lookup's check). */
const CASE = { holder: 'appId', org: 'org' };

/** The search index's entries of an application (one per bigram of its searchable fields). */
export function searchItems(app: Pick<ApplicationRecord, 'id' | 'type' | 'regionCode' | 'submittedAt'> & Searchable): Record<string, unknown>[] {
  const text = searchTextOf(app);
  return searchKeysOf(app).map((gram) => ({
    ...keys.searchEntry(gram, app.regionCode, app.submittedAt, app.id),
    [S.id]: app.id,
    [S.text]: text,
    [S.type]: app.type,
    [S.submittedAt]: app.submittedAt,
  }));
}

/** The case number's own item: unique by its key, and what the public lookup checks against. */
export function caseNumberItem(app: Pick<ApplicationRecord, 'id' | 'applicant'> & { caseNo: string }): Record<string, unknown> {
  return { ...keys.caseNumber(app.caseNo), [CASE.holder]: app.id, [CASE.org]: app.applicant.org };
}

/**
 * A form's change as the search index sees it: nothing when the searchable text is the same; else the new text's
 * entries written (each carries the text its filter reads) and the entries of bigrams it no longer has deleted.
 */
export function reindexItems(table: string, app: ApplicationRecord, form: Record<string, unknown>, room: number): DocTransactItem[] {
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


export class ApplicationLists {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  /**
   * Stores a submission with its index: its search entries are written first, batched (a write unit each where a
   * transaction costs two, and a transaction of a few items instead of fifty), then `store` runs its transaction with
   * the case number's item, unique (ApplicationStore.create's `caseNumber`). A search reads the application an entry
   * names and checks its text, so an entry of a submission that was never stored (a crash between the two) finds
   * nothing; those of a refused one are removed.
   */
  async indexed<T>(app: ApplicationRecord & { caseNo: string }, store: (caseNumber: DocTransactItem) => Promise<T>, stored: (outcome: T) => boolean): Promise<T> {
    const entries = searchItems(app);
    await writeAll(this.db, this.table, entries.map((put) => ({ put })));
    const outcome = await store({ Put: { TableName: this.table, Item: caseNumberItem(app), ConditionExpression: IS_NEW } });
    // When removing them fails they stay, harmless: no application of that id exists.
    if (!stored(outcome)) await writeAll(this.db, this.table, entries.map((item) => ({ delete: keyOf(item) }))).catch(() => undefined);
    return outcome;
  }

  /** For a change's transaction (ApplicationChange's `reindex`): the search entries of a changed form. */
  reindex(app: ApplicationRecord, form: Record<string, unknown>): (room: number) => DocTransactItem[] {
    return (room) => reindexItems(this.table, app, form, room);
  }

  /** The application a case number was given to, with the organisation it was given for. */
  async getCaseNumber(caseNo: string): Promise<{ id: string; org: string } | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.caseNumber(caseNo), ConsistentRead: true }));
    return out.Item ? { id: out.Item[CASE.holder], org: out.Item[CASE.org] } : undefined;
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
    const gram = queryKey(filter.q);
    const pk = keys.searchPk(gram);
    const cursor = decodeCursor(page.cursor);
    // A cursor of another query (another fragment's partition) would start nowhere sensible.
    if (cursor && cursor.pk !== pk) throw new DomainError('validation', '分页游标无效', { issues: [{ path: 'cursor', message: '分页游标与搜索内容不符，请从第一页重新查询' }] });
    const { status, ...onEntry } = filter;
    const where = filterOf(onEntry);
    // More to match than the partition's gram (another rare bigram, a type, dates): most entries read are left out, so
    // the first read takes more of them (one round trip where reads of 100 would take several as the table grows).
    const narrowed = narrowsBeyondKey(filter.q) || Boolean(filter.type || filter.from || filter.to);
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
        const found = await this.getMany(entries.map((entry) => entry[S.id] as string));
        return entries.map((entry) => {
          const app = found.get(entry[S.id] as string);
          return app && (!status || app.status === status) && searchTextOf(app).includes(filter.q) ? app : undefined;
        });
      },
      narrowed ? Math.max(FILTERED_READ, Math.min(NARROWED_FIRST_READ, page.limit * NARROWED_PER_RESULT)) : FILTERED_READ,
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
   * then says there may be more; `firstRead` items the first time). A page filled mid-read ends at its last item, and
   * the cursor is that item's key.
   */
  private async collect<T>(
    input: Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ExclusiveStartKey'>,
    page: PageRequest,
    cursorOf: (item: Record<string, any>) => Record<string, unknown>,
    take: (items: Record<string, any>[]) => Promise<(T | undefined)[]>,
    firstRead = FILTERED_READ,
  ): Promise<Page<T>> {
    const filtered = Boolean(input.FilterExpression);
    const items: T[] = [];
    let start: Record<string, unknown> | undefined = decodeCursor(page.cursor);
    for (let round = 1; ; round++) {
      const out = await this.db.send(
        new QueryCommand({ ...input, TableName: this.table, Limit: filtered ? (round === 1 ? firstRead : FILTERED_READ) : page.limit - items.length, ExclusiveStartKey: start }),
      );
      const read = out.Items ?? [];
      // Taken a page's worth at a time: a large read need not have every entry's application fetched.
      for (let from = 0; from < read.length; ) {
        const chunk = read.slice(from, from + page.limit - items.length);
        const taken = await take(chunk);
        for (let k = 0; k < chunk.length; k++) {
          const item = taken[k];
          if (item === undefined) continue;
          items.push(item);
          if (items.length === page.limit) {
            const i = from + k;
            return { items, cursor: encodeCursor(i === read.length - 1 ? out.LastEvaluatedKey : cursorOf(read[i]!)) };
          }
        }
        from += chunk.length;
      }
      start = out.LastEvaluatedKey;
      if (!start || round >= FILTERED_ROUNDS) return { items, cursor: encodeCursor(start) };
    }
  }

  /** For a decision's transaction: the entry of the office's 已办 list (its fields as DecidedEntry names them, as history entries are stored). */
  decidedItem(officeRegion: string, app: Pick<ApplicationRecord, 'id' | 'caseNo' | 'type' | 'regionCode' | 'form'>, entry: HistoryEntry): DocTransactItem {
    const form = app.form as { name?: string; organisation?: { name?: string } };
    const decided: DecidedEntry = {
      applicationId: app.id,
      caseNo: app.caseNo,
      type: app.type,
      name: form.name ?? null,
      organisation: form.organisation?.name ?? null,
      regionCode: app.regionCode,
      action: entry.action as DecidedEntry['action'],
      level: entry.level!,
      at: entry.at,
      comment: entry.comment,
      actor: { sub: entry.actor.sub, name: entry.actor.name },
    };
    return { Put: { TableName: this.table, Item: { ...keys.decided(officeRegion, entry.at, app.id), ...decided }, ConditionExpression: IS_NEW } };
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
/**
 * A search narrowed beyond its partition's gram reads more first (its later rounds FILTERED_READ): NARROWED_PER_RESULT
 * entries for each result the page asks for, at most NARROWED_FIRST_READ.
 */
const NARROWED_FIRST_READ = 400;
const NARROWED_PER_RESULT = 20;

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

