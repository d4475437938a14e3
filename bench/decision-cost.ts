// What the notifications (issue 15) cost a decision: the same township approval answered by this commit's stack and
// by the stack of the commit before the notifications were merged (BENCH_BASELINE, 33063f5 by default), both running
// side by side in this one run, on one DynamoDB Local on disk (as npm start), in rounds of decisions sent alternately to one and
// the other so that the machine's load falls on both alike. A decision now writes its notices (the next office's
// task, 抄送, the applicant's) and their deliveries in its own transaction; before, it wrote the application alone.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childrenOf } from '#functions/regions/index.js';
import { waitingAtTownship } from './flows.js';
import { Api, log, round, startServer, summarize, type Dynamo, type Summary } from './lib.js';

/** The merge of the materials, the last commit of main without the notifications. */
export const DEFAULT_BASELINE = '33063f550e3ffe20d63f1dfe522fb92abb12e56b';
// At most 95 (65 waiting in one township inbox page of 100 with the warm-up).
const COUNT = Number(process.env.BENCH_DECISIONS ?? 60);
const WARMUP = 5;
/** Rounds of COUNT decisions each, in townships of their own: one inbox page holds a round. */
const ROUNDS = Number(process.env.BENCH_DECISION_ROUNDS ?? 3);

export interface DecisionCost {
  baseline: string;
  count: number;
  before: Summary;
  after: Summary;
  ratioP50: number;
  ratioMean: number;
}

const repo = fileURLToPath(new URL('..', import.meta.url));

/** A detached worktree of `ref` beside this checkout, sharing its node_modules (the dependencies did not change). */
function checkout(ref: string): { root: string; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'gd-kexie-bench-baseline-'));
  rmSync(root, { recursive: true });
  execFileSync('git', ['worktree', 'add', '--detach', root, ref], { cwd: repo, stdio: 'ignore' });
  symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'), 'dir');
  // Its stack without request limits, as this commit's bench server runs (one caller sends hundreds a minute here).
  const serve = join(root, 'bench/serve.ts');
  const text = readFileSync(serve, 'utf8');
  if (!text.includes('RATE_LIMITS')) writeFileSync(serve, text.replace("MATERIALS: 'optional' }", "MATERIALS: 'optional', RATE_LIMITS: 'caller=off,address=off,refused=off' }"));
  return {
    root,
    remove: () => {
      execFileSync('git', ['worktree', 'remove', '--force', root], { cwd: repo, stdio: 'ignore' });
      if (existsSync(root)) rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Townships of 阳江 (4417), apart from the 清远 ones the other parts use: one for each side in each round. */
function places(count: number): { township: string; county: string }[] {
  return childrenOf('4417').flatMap((county) => childrenOf(county.code).map((t) => ({ county: county.code, township: t.code }))).slice(0, count);
}

export async function benchDecisionCost(dynamo: Dynamo): Promise<DecisionCost> {
  const baseline = process.env.BENCH_BASELINE ?? DEFAULT_BASELINE;
  const base = checkout(baseline);
  const towns = places(2 * ROUNDS);
  const before = await startServer({ dynamodbEndpoint: dynamo.endpoint, suffix: '-baseline', root: base.root, quiet: true });
  const after = await startServer({ dynamodbEndpoint: dynamo.endpoint, suffix: '-decisions', quiet: true });
  const apis = { before: new Api(before.url), after: new Api(after.url) };
  try {
    const times = { before: [] as number[], after: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      const waiting = {
        before: await waitingAtTownship(apis.before, towns[2 * round], COUNT + WARMUP),
        after: await waitingAtTownship(apis.after, towns[2 * round + 1], COUNT + WARMUP),
      };
      for (let i = 0; i < COUNT + WARMUP; i++) {
        // Alternate which goes first, so that neither always follows the other's work.
        for (const side of i % 2 ? (['after', 'before'] as const) : (['before', 'after'] as const)) {
          const { t, ids } = waiting[side];
          const out = await apis[side].call('POST', `/v1/applications/${ids[i]}/decision`, { token: t.township, body: { action: 'approve' } });
          if (out.status !== 200) throw new Error(`${side}: decision refused: ${out.status} ${JSON.stringify(out.body)}`);
          if (i >= WARMUP) times[side].push(out.ms);
        }
      }
      // What is compared is what it says: this stack wrote the county's task notices, the earlier one had no centre.
      const notices = await apis.after.call('GET', '/v1/notifications?limit=100', { token: waiting.after.t.county });
      const tasks = notices.body.items?.filter((n: { kind: string }) => n.kind === 'task').length ?? 0;
      if (notices.status !== 200 || tasks < COUNT) throw new Error(`the county has ${tasks} task notices after ${COUNT + WARMUP} approvals`);
      const none = await apis.before.call('GET', '/v1/notifications', { token: waiting.before.t.county });
      if (none.status !== 404) throw new Error(`the baseline ${baseline} answers GET /v1/notifications with ${none.status}: not a stack without notifications`);
    }
    const result = {
      baseline,
      count: COUNT * ROUNDS,
      before: summarize(times.before),
      after: summarize(times.after),
      ratioP50: 0,
      ratioMean: 0,
    };
    result.ratioP50 = round(result.after.p50 / result.before.p50);
    result.ratioMean = round(result.after.mean / result.before.mean);
    log(`  a township's approval answered: before the notifications p50 ${result.before.p50} ms, now p50 ${result.after.p50} ms (×${result.ratioP50}; mean ×${result.ratioMean})`);
    return result;
  } finally {
    apis.before.close();
    apis.after.close();
    await Promise.allSettled([before.stop(), after.stop()]);
    base.remove();
  }
}
