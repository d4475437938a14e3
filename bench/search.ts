// Benchmark (not a test): one page of the application search (GET /v1/applications?q=, ApplicationLists.listByRegion
// with `q`) at 1k and at 100k applications in a county, on DynamoDB Local in memory. Each application is seeded as a
// submission writes it: its item, its case number's item and one search index item per bigram (functions/domain/
// search.ts). A search reads one bigram's partition within the county's range, so its page should cost the same
// however many applications there are (a search that finds less than a page at 1k is compared at the page it
// fills there, and for a full page beside it). Run: npx tsx bench/search.ts (BENCH_SEARCH_LARGE=20000 for a quicker run).
// Writes bench/results-search.json.
import '#infra/local/polyfills.js';
import { performance } from 'node:perf_hooks';
import { ulid } from 'ulid';
import { newApplication, type ApplicationRecord } from '#functions/domain/application.js';
import { newCaseNumber } from '#functions/domain/case-number.js';
import { parseQuery } from '#functions/domain/search.js';
import { childrenOf } from '#functions/regions/index.js';
import { toItem } from '#functions/store/applications.js';
import { ApplicationLists, caseNumberItem, searchItems } from '#functions/store/application-lists.js';
import { batchPut, createKeyTables, log, pageRow, round, seededRandom, startMemoryDynamo, timePages, writePageResults } from './lib.js';
import { ORG, stationForm } from './workload.js';

const SMALL = 1_000;
const LARGE = Number(process.env.BENCH_SEARCH_LARGE ?? 100_000);
const PAGE = 20;
const RUNS = 40;
const WARMUP = 5;
const WRITERS = 16;

/** Words applications are named by: villages and products, so that names share some bigrams and not others. */
const PLACES = ['大路边', '星子', '保安', '九陂', '西岸', '东陂', '丰阳', '龙坪', '瑶安', '三水', '西江', '山塘', '黄花', '石角', '飞来峡', '浸潭'];
const PRODUCTS = ['柑橘', '蔬菜', '茶叶', '水稻', '生猪', '花卉', '中药材', '食用菌', '淮山', '番薯', '沙糖桔', '腊味'];

/** The one application each county has that the "unique name" query looks for. */
const NEEDLE = '金鸡岭南药种植';

function applicationsOf(county: string, count: number, next: () => number): ApplicationRecord[] {
  const townships = childrenOf(county).map((t) => t.code);
  const start = Date.parse('2025-01-01T00:00:00Z');
  return Array.from({ length: count }, (_, n) => {
    const at = new Date(start + n * 60_000);
    const id = ulid(at.getTime());
    const regionCode = townships[Math.floor(next() * townships.length)]!;
    const form = stationForm(n);
    form.name = n === Math.floor(count / 2) ? `连州市${NEEDLE}科技服务站` : `${PLACES[n % PLACES.length]}${PRODUCTS[Math.floor(next() * PRODUCTS.length)]}第${n}号科技服务站`;
    const step = { id, action: 'submit' as const, final: false, level: 'township' as const, region: regionCode, at: at.toISOString(), dueAt: at.toISOString(), expiresAt: at.toISOString(), timeoutSeconds: 1 };
    const app = newApplication({ id, caseNo: newCaseNumber(at, next), type: 'society-station', regionCode, form, applicant: { org: ORG, sub: 'bench', name: '广东省园艺学会' }, at: at.toISOString(), step });
    return { ...app, outbox: null };
  });
}

async function seed(store: ApplicationLists, apps: ApplicationRecord[]): Promise<number> {
  let next = 0;
  let items = 0;
  const writer = async () => {
    while (next < apps.length) {
      const app = apps[next++]!;
      const all = [toItem(app), caseNumberItem({ ...app, caseNo: app.caseNo! }), ...searchItems(app)];
      items += all.length;
      await batchPut(store.db, store.table, all);
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
  return items;
}

async function main() {
  const began = performance.now();
  const dynamo = await startMemoryDynamo();
  process.once('exit', () => void dynamo.stop());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  try {
    const tables = ['search-1k', 'search-large'];
    await createKeyTables(dynamo, tables);
    const stores = tables.map((table) => new ApplicationLists(dynamo.clients.db, table));
    const county = childrenOf('4418')[2]!.code;
    const sets = [applicationsOf(county, SMALL, seededRandom(1)), applicationsOf(county, LARGE, seededRandom(2))];
    const seeding = [];
    for (const [i, store] of stores.entries()) {
      const t0 = performance.now();
      const items = await seed(store, sets[i]!);
      seeding.push({ table: store.table, applications: sets[i]!.length, items, seconds: round((performance.now() - t0) / 1000) });
      log(`  seeded ${store.table}: ${sets[i]!.length} applications, ${items} items, in ${seeding.at(-1)!.seconds}s`);
    }

    const needle = (set: ApplicationRecord[]) => set[Math.floor(set.length / 2)]!;
    const queries: { name: string; q: (set: ApplicationRecord[]) => string; scope: string }[] = [
      { name: 'a unique name fragment, the county', q: () => NEEDLE.slice(0, 5), scope: county },
      { name: 'a unique name fragment, the province', q: () => NEEDLE.slice(2), scope: '44' },
      { name: 'a common fragment (a full page)', q: () => '柑橘', scope: county },
      { name: 'catalogue words only (a full page)', q: () => '科技服务站', scope: county },
      { name: 'place + product (a full page)', q: () => '大路边柑橘', scope: county },
      { name: 'a case number’s last 8 digits', q: (set) => needle(set).caseNo!.slice(4), scope: county },
    ];
    const results = [];
    for (const query of queries) {
      const run = (limit: number) => (i: 0 | 1) => stores[i]!.listByRegion(query.scope, { limit }, { q: parseQuery(query.q(sets[i]!))! });
      // Like for like: a search that finds less than a page at 1k is timed at both sizes for the page it fills there
      // (as many applications returned), and again for a full page, shown beside it (the larger table then returns
      // more, which is the page's cost, not the table's).
      const probe = await run(PAGE)(0);
      const limit = probe.cursor === null && probe.items.length < PAGE ? Math.max(1, probe.items.length) : PAGE;
      const row = { ...pageRow(query.name, 'applications', [sets[0]!.length, sets[1]!.length], await timePages(run(limit), RUNS, WARMUP)), limit };
      if (limit < PAGE) {
        const full = await timePages(run(PAGE), RUNS, WARMUP);
        log(`    the same for a page of ${PAGE}: p50 ${full.small.p50} ms (${full.small.found}) → ${full.large.p50} ms (${full.large.found}): ×${full.ratioP50}`);
        results.push({ ...row, fullPage: { small: full.small, large: full.large, ratioP50: full.ratioP50 } });
      } else results.push(row);
    }
    writePageResults('results-search.json', began, {
      what: `One page of the application search (limit ${PAGE}) at ${SMALL} and at ${LARGE} applications in one county`,
      method: 'two tables in one DynamoDB Local; each page timed alternately on both, through ApplicationLists.listByRegion',
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
