// Benchmark (not a test): one page of the demand library (GET /v1/demands: DemandStore.list, and with `q`
// DemandStore.search) at 1k and at 100k published needs in one county, on DynamoDB Local in memory (issue 17: ≤ 1.2 ×).
// Each need is seeded with exactly the items its posting writes (DemandStore.create's transaction, captured: the need,
// its history entry, its list entries and its bigram postings). A list is one Query of its scope's partition and a
// search reads one bigram's postings, so a page should cost the same however many needs there are.
// Run: npx tsx bench/demands.ts (BENCH_DEMANDS_LARGE=20000 for a quicker run). Writes bench/results-demands.json.
import '#infra/local/polyfills.js';
import { performance } from 'node:perf_hooks';
import type { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { demandKinds, matchesQuery, newDemand, normaliseQuery, queryGram, searchGrams, type Demand, type DemandEvent } from '#functions/domain/demand.js';
import { childrenOf } from '#functions/regions/index.js';
import { DemandStore, type DemandFilter } from '#functions/store/demands.js';
import { batchPut, createKeyTables, log, pageRow, round, seededRandom, startMemoryDynamo, timePages, writePageResults } from './lib.js';

const SMALL = 1_000;
const LARGE = Number(process.env.BENCH_DEMANDS_LARGE ?? 100_000);
const PAGE = 20;
const RUNS = 40;
const WARMUP = 5;
const WRITERS = 16;
const COUNTY = '441882'; // 连州市

const PRODUCTS = ['柑橘', '蔬菜', '茶叶', '水稻', '生猪', '花卉', '中药材', '食用菌', '淮山', '番薯', '沙糖桔', '腊味'];
const ASKS = ['病虫害防治', '品种改良', '加工技术', '电商销售', '冷链仓储', '种养结合'];
const INDUSTRIES = ['planting', 'livestock', 'processing', 'ecommerce'];
/** The one need of each set the "unique fragment" searches look for. */
const NEEDLE = '金鸡岭南药套种';

function needsOf(count: number, next: () => number): Demand[] {
  const villages = childrenOf(COUNTY).flatMap((t) => childrenOf(t.code).map((v) => v.code));
  const start = Date.parse('2025-01-01T00:00:00Z');
  return Array.from({ length: count }, (_, n) => {
    const at = new Date(start + n * 60_000).toISOString();
    const product = PRODUCTS[Math.floor(next() * PRODUCTS.length)]!;
    const ask = ASKS[Math.floor(next() * ASKS.length)]!;
    const regionCode = villages[Math.floor(next() * villages.length)]!;
    return newDemand(
      {
        id: ulid(Date.parse(at)),
        kind: demandKinds[n % demandKinds.length]!,
        industry: INDUSTRIES[Math.floor(next() * INDUSTRIES.length)]!,
        regionCode,
        title: n === Math.floor(count / 2) ? `${NEEDLE}技术指导` : `${product}${ask}需求`,
        description: `本村${product}种植约${50 + (n % 300)}亩，希望有经验的站点来村开展${ask}指导。`,
        expectedOutcome: null,
        wantedBy: null,
        postedBy: { level: 'township', region: regionCode.slice(0, 9), sub: 'bench', name: '乡镇科协' },
      },
      at,
    );
  });
}

/** The items DemandStore.create writes for `demand`: its transaction, captured instead of sent. */
async function postingItems(demand: Demand): Promise<Record<string, unknown>[]> {
  const captured: Record<string, unknown>[] = [];
  const capture = {
    send: async (command: TransactWriteCommand) => {
      for (const item of command.input.TransactItems ?? []) if (item.Put?.Item) captured.push(item.Put.Item);
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
  const event: DemandEvent = { at: demand.postedAt, action: 'post', actor: { sub: 'bench', name: '乡镇科协', role: 'official' }, comment: null };
  await new DemandStore(capture, 'capture').create(demand, event, searchGrams(demand));
  return captured;
}

async function seed(store: DemandStore, needs: Demand[]): Promise<number> {
  let next = 0;
  let items = 0;
  const writer = async () => {
    while (next < needs.length) {
      const all = await postingItems(needs[next++]!);
      items += all.length;
      await batchPut(store.db, store.table, all);
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
  return items;
}

type Query = { name: string; filter: Omit<DemandFilter, 'status'>; q?: string };

async function page(store: DemandStore, query: Query) {
  if (!query.q) return store.list({ ...query.filter, status: 'PUBLISHED' }, { limit: PAGE });
  const normalised = normaliseQuery(query.q)!;
  return store.search(queryGram(normalised)!, query.filter, { limit: PAGE }, (d) => d.status === 'PUBLISHED' && matchesQuery(d, normalised));
}

async function main() {
  const began = performance.now();
  const dynamo = await startMemoryDynamo();
  process.once('exit', () => void dynamo.stop());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  try {
    const tables = ['demands-1k', 'demands-large'];
    await createKeyTables(dynamo, tables);
    const stores = tables.map((table) => new DemandStore(dynamo.clients.db, table));
    const sets = [needsOf(SMALL, seededRandom(1)), needsOf(LARGE, seededRandom(2))];
    const seeding = [];
    for (const [i, store] of stores.entries()) {
      const t0 = performance.now();
      const items = await seed(store, sets[i]!);
      seeding.push({ table: store.table, needs: sets[i]!.length, items, seconds: round((performance.now() - t0) / 1000) });
      log(`  seeded ${store.table}: ${sets[i]!.length} needs, ${items} items, in ${seeding.at(-1)!.seconds}s`);
    }

    const township = childrenOf(COUNTY)[1]!.code;
    const queries: Query[] = [
      { name: 'the county, a kind (a full page)', filter: { region: COUNTY, kind: 'training' } },
      // Every filter fills its page at 1k too: a page of fewer items costs less, and the ratio would say nothing.
      { name: 'the county, a kind and an industry', filter: { region: COUNTY, kind: 'technology', industry: 'planting' } },
      { name: 'a township (a full page)', filter: { region: township } },
      { name: 'the province, a kind (a full page)', filter: { region: '44', kind: 'project' } },
      { name: 'search: a unique fragment, the county', filter: { region: COUNTY }, q: NEEDLE.slice(0, 4) },
      { name: 'search: a common word (a full page)', filter: { region: COUNTY }, q: '病虫害' },
      { name: 'search: a word and a kind (a full page)', filter: { region: COUNTY, kind: 'training' }, q: '柑橘' },
    ];
    const results = [];
    for (const query of queries) {
      const timed = await timePages((i) => page(stores[i]!, query), RUNS, WARMUP);
      const row = pageRow(query.name, 'needs', [sets[0]!.length, sets[1]!.length], timed);
      results.push(row);
    }
    writePageResults('results-demands.json', began, {
      what: `One page of the demand library (limit ${PAGE}) at ${SMALL} and at ${LARGE} published needs in one county`,
      method: 'two tables in one DynamoDB Local, each need seeded with the items its posting writes; each page timed alternately on both, through DemandStore.list and DemandStore.search',
      runsPerQuery: RUNS,
      seeding,
      queries: results,
    });
  } finally {
    await dynamo.stop();
  }
}

await main();
process.exit(0);
