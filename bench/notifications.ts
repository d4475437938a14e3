// The notification centre (GET /v1/notifications: a page of the office's notices and its unread count) at 1k, 10k and
// 100k notices for one office: the notices are seeded straight into the table with BatchWrite as a change writes them
// (store/notice-writes.ts), each office holding one of the sizes; pages are timed in turn on all three, for an official
// who has read nothing (every notice unread: the count stops at 100) and for one who marked all read (the count
// Queries after the watermark), and the unread-only page. The list is a Query of the office's partition and the count
// a bounded COUNT Query: neither reads more as the office's notices grow. Also: how soon after a decision the next
// office's centre shows its task notice.
import { performance } from 'node:perf_hooks';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { recipients } from '#functions/domain/notifications.js';
import { NoticeWrites } from '#functions/store/notice-writes.js';
import { log, percentile, round, sleep, summarize, type Api, type Dynamo } from './lib.js';
import { waitingAtTownship } from './flows.js';

const SIZES = (process.env.BENCH_NOTIFICATIONS ?? '1000,10000,100000').split(',').map(Number);
const RUNS = 50;
const WARMUP = 5;
const WRITERS = 16;

async function seed(dynamo: Dynamo, table: string, township: string, count: number): Promise<number> {
  const t0 = performance.now();
  const writes = new NoticeWrites(dynamo.clients.db, table);
  const recipient = recipients.office({ level: 'township', region: township });
  const start = Date.parse('2026-01-01T00:00:00Z');
  let next = 0;
  const writer = async () => {
    while (next < count) {
      const from = next;
      next = Math.min(count, next + 25);
      const items = Array.from({ length: next - from }, (_, k) => {
        const at = start + (from + k) * 1000;
        const notice = { id: ulid(at), at: new Date(at).toISOString(), recipient, kind: 'task' as const, applicationId: ulid(at), title: `待审批：基准测试科技服务站${from + k}`, body: '申请单位提交了申请，请在期限前审批。' };
        return (writes.noticeItem(notice, false).Put as { Item: Record<string, unknown> }).Item;
      });
      let pending: Record<string, any> | undefined = { [table]: items.map((Item) => ({ PutRequest: { Item } })) };
      for (let attempt = 0; pending && Object.keys(pending).length; attempt++) {
        if (attempt) await sleep(Math.min(1_000, 10 * 2 ** attempt));
        const out: { UnprocessedItems?: Record<string, any> } = await dynamo.clients.db.send(new BatchWriteCommand({ RequestItems: pending }));
        pending = out.UnprocessedItems;
      }
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
  return round((performance.now() - t0) / 1000, 1);
}

const READS = [
  { name: 'page, nothing read (unread count at its bound of 100)', path: '/v1/notifications', reader: 'fresh' },
  { name: 'page, all marked read (count after the watermark)', path: '/v1/notifications', reader: 'caughtUp' },
  { name: 'unread only, all marked read (empty page)', path: '/v1/notifications?unread=true', reader: 'caughtUp' },
] as const;

export async function benchNotificationCentre(api: Api, dynamo: Dynamo, table: string, places: { township: string; county: string }[]) {
  const offices = SIZES.map((size, i) => ({ size, township: places[i].township }));
  const seeding: { notices: number; seconds: number }[] = [];
  for (const office of offices) seeding.push({ notices: office.size, seconds: await seed(dynamo, table, office.township, office.size) });
  log(`  seeded ${offices.map((o, i) => `${o.size} (${seeding[i].seconds}s)`).join(', ')} notices`);
  const readers = await Promise.all(
    offices.map(async (office) => {
      const claims = { role: 'official', level: 'township', region: office.township, name: '乡镇科协' };
      const fresh = await api.token({ ...claims, sub: `bench-fresh-${office.township}` });
      const caughtUp = await api.token({ ...claims, sub: `bench-caught-up-${office.township}` });
      const marked = await api.call('POST', '/v1/notifications/read-all', { token: caughtUp });
      if (marked.status !== 200) throw new Error(`read-all: ${marked.status} ${JSON.stringify(marked.body)}`);
      return { fresh, caughtUp };
    }),
  );
  const reads = [];
  for (const read of READS) {
    const times: number[][] = offices.map(() => []);
    const answers: { items: number; unread: number }[] = [];
    for (let run = 0; run < WARMUP + RUNS; run++) {
      for (const [i] of offices.entries()) {
        const out = await api.call('GET', read.path, { token: readers[i][read.reader] });
        if (out.status !== 200) throw new Error(`GET ${read.path}: ${out.status} ${JSON.stringify(out.body)}`);
        if (run >= WARMUP) times[i].push(out.ms);
        answers[i] = { items: out.body.items.length, unread: out.body.unread };
      }
    }
    const at = offices.map((office, i) => {
      const sorted = [...times[i]].sort((a, b) => a - b);
      return { notices: office.size, ...answers[i], p50: round(percentile(sorted, 50)), p90: round(percentile(sorted, 90)) };
    });
    const ratioP50 = round(at.at(-1)!.p50 / at[0].p50);
    reads.push({ name: read.name, path: read.path, at, ratioP50 });
    log(`  ${read.name}: p50 ${at.map((a) => `${a.p50} ms at ${a.notices}`).join(', ')}: ×${ratioP50}`);
  }
  return { runs: RUNS, seeding, reads, worstRatioP50: Math.max(...reads.map((r) => r.ratioP50)) };
}

/** From a township's approval to the county's centre showing the task notice, one at a time. */
export async function benchDecisionToNotice(api: Api, place: { township: string; county: string }, count = 50) {
  const { t, ids } = await waitingAtTownship(api, place, count);
  const visible: number[] = [];
  const afterAnswer: number[] = [];
  const decisions: number[] = [];
  for (const id of ids) {
    const t0 = performance.now();
    const decided = await api.call('POST', `/v1/applications/${id}/decision`, { token: t.township, body: { action: 'approve' } });
    if (decided.status !== 200) throw new Error(`decision refused: ${decided.status} ${JSON.stringify(decided.body)}`);
    decisions.push(decided.ms);
    const answered = performance.now();
    for (;;) {
      const out = await api.call('GET', '/v1/notifications?limit=5', { token: t.county });
      if (out.body.items.some((n: { applicationId?: string; kind: string }) => n.applicationId === id && n.kind === 'task')) {
        const now = performance.now();
        visible.push(now - t0);
        afterAnswer.push(now - answered);
        break;
      }
      if (performance.now() - t0 > 10_000) throw new Error(`${id}: no task notice for the county after 10 s`);
    }
  }
  const result = { count, fromDecision: summarize(visible), afterAnswer: summarize(afterAnswer), decision: summarize(decisions) };
  log(`  decision → the next office's task notice: p50 ${result.fromDecision.p50} ms, p99 ${result.fromDecision.p99} ms (the decision's answer: p50 ${result.decision.p50}, p99 ${result.decision.p99})`);
  return result;
}
