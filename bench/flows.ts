// Timings of the local stack over HTTP: submissions per second at 1, 10 and 50 concurrent clients, and the
// time from a decision to the next level's task showing in GET /v1/tasks.
import { performance } from 'node:perf_hooks';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { closedLoop, cpuSeconds, log, round, sleep, summarize, type Api, type Dynamo, type Server } from './lib.js';
import { submit, tokensFor } from './workload.js';

export const THROUGHPUT_LEVELS = [
  { clients: 1, count: 300 },
  { clients: 10, count: 2_000 },
  { clients: 50, count: 2_500 },
];
const LEVEL_SECONDS = 12;

/** Submissions per second and latency at each level of concurrency, with where the CPU went. */
export async function benchThroughput(api: Api, server: Server, dynamo: Dynamo, place: { township: string; county: string }, levels = THROUGHPUT_LEVELS) {
  const t = await tokensFor(api, place);
  let n = 0;
  // Warm up: the JIT of Node and of DynamoDB Local's JVM.
  await closedLoop(10, 400, 20, () => submit(api, t.applicant, place.township, n++));
  await sleep(1_000);
  const results = [];
  for (const level of levels) {
    await server.reset();
    const cpu0 = { server: await cpuSeconds(server.pid), dynamo: await cpuSeconds(dynamo.pid) };
    const run = await closedLoop(level.clients, level.count, LEVEL_SECONDS, () => submit(api, t.applicant, place.township, n++));
    // The workflow's part of each submission (its first task) runs on after the answer: let it finish.
    await sleep(1_500);
    const cpu1 = { server: await cpuSeconds(server.pid), dynamo: await cpuSeconds(dynamo.pid) };
    const stats = await server.stats();
    const perSubmission = (a?: number, b?: number) => (a === undefined || b === undefined || !run.done ? undefined : round(((b - a) * 1000) / run.done, 1));
    const calls = Object.entries(stats.capacity);
    const result = {
      clients: level.clients,
      ...run,
      cpuMsPerSubmission: { server: perSubmission(cpu0.server, cpu1.server), dynamodbLocal: perSubmission(cpu0.dynamo, cpu1.dynamo) },
      dynamodbCallsPerSubmission: Object.fromEntries(calls.map(([table, c]) => [table.replace(/-.*$/, ''), round(c.calls / Math.max(1, run.done), 2)])),
    };
    log(
      `  ${String(level.clients).padStart(2)} clients: ${result.perSecond}/s, p50 ${run.latency.p50} ms, p99 ${run.latency.p99} ms (${run.done} in ${run.seconds}s; ` +
        `CPU ms per submission: server ${result.cpuMsPerSubmission.server}, DynamoDB Local ${result.cpuMsPerSubmission.dynamodbLocal}) ${JSON.stringify(run.statuses)}`,
    );
    results.push(result);
  }
  return results;
}

/** How many conditional PutItems of an application-sized item DynamoDB Local takes per second at 10 clients. */
export async function benchDynamoCeiling(dynamo: Dynamo, table: string, clients = 10, seconds = 4) {
  const payload = 'x'.repeat(1_500);
  let i = 0;
  let done = 0;
  const deadline = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        const k = `BENCH#${process.pid}#${i++}`;
        await dynamo.clients.dynamodb.send(
          new PutItemCommand({ TableName: table, Item: { pk: { S: k }, sk: { S: 'APP' }, v: { S: payload } }, ConditionExpression: 'attribute_not_exists(pk)' }),
        );
        done += 1;
      }
    }),
  );
  const perSecond = round(done / ((performance.now() - t0) / 1000), 1);
  log(`  DynamoDB Local alone: ${perSecond} conditional PutItem/s at ${clients} clients`);
  return { clients, perSecond };
}

/** `count` applications submitted at `place`, every one waiting in the township's inbox; the chain's tokens. */
export async function waitingAtTownship(api: Api, place: { township: string; county: string }, count: number) {
  const t = await tokensFor(api, place);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const out = await submit(api, t.applicant, place.township, i);
    if (out.status !== 201) throw new Error(`submission refused: ${out.status} ${JSON.stringify(out.body)}`);
    ids.push(out.body.id);
  }
  for (const deadline = Date.now() + 30_000; ; ) {
    const out = await api.call('GET', '/v1/tasks?limit=100', { token: t.township });
    if (out.body.items.length >= count) break;
    if (Date.now() > deadline) throw new Error('the township inbox did not fill');
    await sleep(50);
  }
  return { t, ids };
}

/** From a township's approval to the application showing in the county's GET /v1/tasks, one at a time. */
export async function benchDecisionToTask(api: Api, place: { township: string; county: string }, count = 50) {
  const { t, ids } = await waitingAtTownship(api, place, count);
  const visible: number[] = [];
  const afterAnswer: number[] = [];
  const polls: number[] = [];
  for (const id of ids) {
    const t0 = performance.now();
    const decided = await api.call('POST', `/v1/applications/${id}/decision`, { token: t.township, body: { action: 'approve' } });
    if (decided.status !== 200) throw new Error(`decision refused: ${decided.status} ${JSON.stringify(decided.body)}`);
    const answered = performance.now();
    for (let n = 1; ; n++) {
      const out = await api.call('GET', '/v1/tasks?limit=100', { token: t.county });
      if (out.body.items.some((item: { id: string }) => item.id === id)) {
        const now = performance.now();
        visible.push(now - t0);
        afterAnswer.push(now - answered);
        polls.push(n);
        break;
      }
      if (performance.now() - t0 > 10_000) throw new Error(`${id} not in the county inbox after 10 s`);
    }
  }
  const result = { count, fromDecision: summarize(visible), afterAnswer: summarize(afterAnswer), pollsNeeded: summarize(polls) };
  log(`  decision → task visible: p50 ${result.fromDecision.p50} ms, p99 ${result.fromDecision.p99} ms (after the answer: p50 ${result.afterAnswer.p50}, p99 ${result.afterAnswer.p99})`);
  return result;
}
