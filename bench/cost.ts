// What one application through three levels costs, counted from a real local run (state transitions from the
// local engine, DynamoDB capacity units as DynamoDB Local reports them, Lambda invocations and their time),
// times published AWS prices, per 10,000 applications.
import { performance } from 'node:perf_hooks';
import { log, round, sleep, summarize, type Api, type Server } from './lib.js';
import { submit, tokensFor } from './workload.js';

/**
 * Published on-demand prices, US East (N. Virginia), USD, without free tiers. China (Beijing, Ningxia) is priced
 * in CNY by Sinnet and NWCD and differs; these are for comparing against the target, which is in USD.
 */
export const PRICES = {
  region: 'us-east-1',
  asOf: '2026-11-29',
  sources: [
    'https://aws.amazon.com/step-functions/pricing/ — Standard workflows: $0.025 per 1,000 state transitions',
    'https://aws.amazon.com/dynamodb/pricing/on-demand/ — $0.625 per million write request units, $0.125 per million read request units (since the 2024-11-01 reduction)',
    'https://aws.amazon.com/lambda/pricing/ — $0.20 per million requests; Arm $0.0000133334 per GB-second (first 7.5 billion GB-s a month)',
    'https://aws.amazon.com/api-gateway/pricing/ — HTTP APIs: $1.00 per million requests (first 300 million a month, per 512 KB)',
  ],
  note: 'Read from the pages above as last published before the date; not fetched by the bench (it runs offline). Free tiers are left out.',
  perTransition: 0.025 / 1_000,
  perWriteUnit: 0.625 / 1_000_000,
  perReadUnit: 0.125 / 1_000_000,
  perLambdaRequest: 0.2 / 1_000_000,
  perGbSecondArm: 0.0000133334,
  perHttpApiRequest: 1.0 / 1_000_000,
} as const;

/** Memory of each function as infra/ deploys it (infra/api.ts: 1024 MB; the project function's default: 512 MB). */
const MEMORY_GB = { api: 1, recordOutcome: 0.5, reconciler: 0.5 };

export const TARGETS = { transitions: 12, dollarsPer10k: 3.5 };

/**
 * Drives `count` applications through township → county → province as people would: the applicant submits,
 * each official opens the inbox and approves, the applicant reads the result. Every request is counted.
 */
export async function benchCost(api: Api, server: Server, place: { township: string; county: string }, count = 20) {
  const t = await tokensFor(api, place);
  const apiMs: number[] = [];
  let requests = 0;
  const call = async (...args: Parameters<Api['call']>) => {
    const out = await api.call(...args);
    requests += 1;
    apiMs.push(out.ms);
    return out;
  };
  const inboxHas = async (token: string, id: string) => {
    for (;;) {
      const out = await call('GET', '/v1/tasks', { token });
      if (out.body.items.some((item: { id: string }) => item.id === id)) return;
      await sleep(200);
    }
  };

  await server.reset();
  const t0 = performance.now();
  // Five at a time, as offices work side by side; each waits its turn as a person would (no tight polling).
  const ids: string[] = [];
  for (let batch = 0; batch < count; batch += 5) {
    await Promise.all(
      Array.from({ length: Math.min(5, count - batch) }, async (_, k) => {
        const out = await submit(api, t.applicant, place.township, batch + k);
        requests += 1;
        apiMs.push(out.ms);
        if (out.status !== 201) throw new Error(`submission refused: ${out.status}`);
        const id = out.body.id as string;
        ids.push(id);
        for (const level of ['township', 'county', 'province'] as const) {
          await sleep(300);
          await inboxHas(t[level], id);
          const decided = await call('POST', `/v1/applications/${id}/decision`, { token: t[level], body: { action: 'approve' } });
          if (decided.status !== 200) throw new Error(`decision refused: ${decided.status} ${JSON.stringify(decided.body)}`);
        }
        for (;;) {
          await sleep(300);
          const read = await call('GET', `/v1/applications/${id}`, { token: t.applicant });
          if (read.body.status === 'APPROVED') break;
        }
      }),
    );
  }
  await sleep(500);
  const stats = await server.stats();
  const app = stats.capacity[server.table] ?? { read: 0, write: 0, calls: 0 };
  const per = (n: number) => round(n / count, 2);
  const billedSeconds = (ms: number[]) => ms.reduce((sum, m) => sum + Math.ceil(m), 0) / 1000;
  const perApplication = {
    transitions: per(stats.transitions),
    dynamodb: { writeUnits: per(app.write), readUnits: per(app.read), calls: per(app.calls) },
    lambda: {
      api: per(requests),
      recordOutcome: per(stats.recordOutcome.invocations),
      // The reconciler runs on a schedule (once a minute), not per application: see fixedMonthly.
      reconciler: 0,
      apiGbSeconds: round((billedSeconds(apiMs) * MEMORY_GB.api) / count, 4),
      recordOutcomeGbSeconds: round((billedSeconds(stats.recordOutcome.ms) * MEMORY_GB.recordOutcome) / count, 4),
    },
    httpApiRequests: per(requests),
  };
  const dollars = {
    stepFunctions: perApplication.transitions * PRICES.perTransition,
    dynamodb: perApplication.dynamodb.writeUnits * PRICES.perWriteUnit + perApplication.dynamodb.readUnits * PRICES.perReadUnit,
    lambda:
      (perApplication.lambda.api + perApplication.lambda.recordOutcome) * PRICES.perLambdaRequest +
      (perApplication.lambda.apiGbSeconds + perApplication.lambda.recordOutcomeGbSeconds) * PRICES.perGbSecondArm,
    httpApi: perApplication.httpApiRequests * PRICES.perHttpApiRequest,
  };
  const total = Object.values(dollars).reduce((a, b) => a + b, 0);
  const per10k = Object.fromEntries(Object.entries(dollars).map(([k, v]) => [k, round(v * 10_000, 4)])) as Record<keyof typeof dollars, number>;
  // The reconciler: one invocation a minute whatever the load, each one Query of the (usually empty) outbox index.
  const minutes = 30 * 24 * 60;
  const fixedMonthly = round(minutes * (PRICES.perLambdaRequest + 0.1 * MEMORY_GB.reconciler * PRICES.perGbSecondArm + 0.5 * PRICES.perReadUnit), 4);
  const result = {
    applications: count,
    path: 'society station hosted by a township: submit → township approve → county approve → province approve → RecordApproval',
    requestsPerApplication:
      'submit, GET /v1/tasks by each official until it shows (3+), 3 decisions, GET /v1/applications/{id} by the applicant until APPROVED (1+)',
    seconds: round((performance.now() - t0) / 1000, 1),
    perApplication,
    /** The application table's capacity by operation, per application, largest first. */
    dynamodbByOperation: Object.entries(stats.byOperation)
      .filter(([key]) => key.startsWith(`${server.table} `))
      .map(([key, v]) => ({ operation: key.slice(server.table.length + 1), units: per(v.units), calls: per(v.calls) }))
      .sort((a, b) => b.units - a.units),
    apiLatency: summarize(apiMs),
    recordOutcomeMs: summarize(stats.recordOutcome.ms),
    prices: PRICES,
    dollarsPer10k: { ...per10k, total: round(total * 10_000, 4) },
    shareOfBill: Object.fromEntries(Object.entries(dollars).map(([k, v]) => [k, round(v / total, 3)])),
    fixedMonthly: { reconciler: fixedMonthly, note: 'one invocation a minute (30 days), 100 ms at 512 MB, one eventually consistent Query each' },
    notes: [
      'Transitions: states entered by the local engine running the deployed definition (Choice and Succeed states count, as in AWS).',
      "DynamoDB: ConsumedCapacity (TOTAL, table and indexes) that DynamoDB Local reports for the application table; the local engine's own table stands in for Step Functions' state and is not billed.",
      'Lambda duration: each API request billed for its local latency (rounded up to 1 ms) at 1024 MB; record-outcome for its run time at 512 MB.',
      'Left out: CloudWatch Logs, X-Ray, data transfer, storage, free tiers.',
    ],
  };
  log(
    `  per application: ${perApplication.transitions} transitions, ${perApplication.dynamodb.writeUnits} WRU + ${perApplication.dynamodb.readUnits} RRU, ` +
      `${perApplication.lambda.api} API + ${perApplication.lambda.recordOutcome} record-outcome invocations; $${result.dollarsPer10k.total} per 10,000 applications`,
  );
  return result;
}
