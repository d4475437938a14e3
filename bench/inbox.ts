// An official's inbox page (GET /v1/tasks) at 1k and at 100k pending tasks: the tasks are seeded straight into
// the table with BatchWrite, as the workflow leaves them (the application item with its inbox index attributes),
// one township's inbox holding 1k and another's 100k; pages are timed alternately on both.
import { performance } from 'node:perf_hooks';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { taskAttributes, toItem } from '#functions/store/applications.js';
import { newApplication } from '#functions/domain/application.js';
import { log, percentile, round, type Api, type Dynamo } from './lib.js';
import { ORG, stationForm, tokensFor } from './workload.js';

const SMALL = 1_000;
const LARGE = Number(process.env.BENCH_INBOX_LARGE ?? 100_000);
const RUNS = 50;
const WARMUP = 5;
const WRITERS = 16;

/** A pending application as the store holds it once AwaitDecision has recorded its task at `township`. */
function pendingItem(township: string, n: number, at: number): Record<string, unknown> {
  const id = ulid(at);
  const submittedAt = new Date(at).toISOString();
  const dueAt = new Date(at + 5 * 86_400_000).toISOString();
  const expiresAt = new Date(at + 10 * 86_400_000).toISOString();
  const step = { id, action: 'submit' as const, final: false, level: 'township' as const, region: township, at: submittedAt, dueAt, expiresAt, timeoutSeconds: 864_000 };
  const record = newApplication({ id, type: 'society-station', regionCode: township, form: stationForm(n), applicant: { org: ORG, sub: 'bench-applicant', name: '广东省园艺学会' }, at: submittedAt, step });
  return {
    ...toItem({ ...record, outbox: null }),
    ...taskAttributes(record, { token: `bench-token-${id}`, level: 'township', since: submittedAt, dueAt, expiresAt }),
  };
}

async function seed(dynamo: Dynamo, table: string, township: string, count: number): Promise<number> {
  const t0 = performance.now();
  const start = Date.parse('2026-01-01T00:00:00Z');
  let next = 0;
  const writer = async () => {
    while (next < count) {
      const from = next;
      next = Math.min(count, next + 25);
      const items = Array.from({ length: next - from }, (_, k) => pendingItem(township, from + k, start + (from + k) * 1000));
      let pending: Record<string, any> | undefined = { [table]: items.map((Item) => ({ PutRequest: { Item } })) };
      for (let attempt = 0; pending && Object.keys(pending).length; attempt++) {
        if (attempt) await new Promise((r) => setTimeout(r, Math.min(1_000, 10 * 2 ** attempt)));
        const out: { UnprocessedItems?: Record<string, any> } = await dynamo.clients.db.send(new BatchWriteCommand({ RequestItems: pending }));
        pending = out.UnprocessedItems;
      }
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
  return round((performance.now() - t0) / 1000, 1);
}

export async function benchInbox(api: Api, dynamo: Dynamo, table: string, small: { township: string; county: string }, large: { township: string; county: string }) {
  const seeding = [
    { township: small.township, tasks: SMALL, seconds: await seed(dynamo, table, small.township, SMALL) },
    { township: large.township, tasks: LARGE, seconds: await seed(dynamo, table, large.township, LARGE) },
  ];
  log(`  seeded ${SMALL} and ${LARGE} pending tasks in ${seeding[0].seconds}s and ${seeding[1].seconds}s`);
  const tokens = [(await tokensFor(api, small)).township, (await tokensFor(api, large)).township];
  const times: number[][] = [[], []];
  const items: number[] = [0, 0];
  for (let run = 0; run < WARMUP + RUNS; run++) {
    for (const i of [0, 1]) {
      const out = await api.call('GET', '/v1/tasks', { token: tokens[i] });
      if (out.status !== 200) throw new Error(`GET /v1/tasks: ${out.status} ${JSON.stringify(out.body)}`);
      if (run >= WARMUP) times[i].push(out.ms);
      items[i] = out.body.items.length;
    }
  }
  const [atSmall, atLarge] = times.map((t, i) => {
    const sorted = [...t].sort((a, b) => a - b);
    return { tasks: i ? LARGE : SMALL, pageItems: items[i], p50: round(percentile(sorted, 50)), p90: round(percentile(sorted, 90)) };
  });
  const result = { runs: RUNS, seeding, small: atSmall, large: atLarge, ratioP50: round(atLarge.p50 / atSmall.p50) };
  log(`  inbox page (${atSmall.pageItems} items): p50 ${atSmall.p50} ms at ${SMALL}, ${atLarge.p50} ms at ${LARGE}: ×${result.ratioP50}`);
  return result;
}
