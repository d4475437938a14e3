// bench/README.md from bench/results.json: the targets of issue 8 against what was measured, then the detail.
import type { BundleResult } from './bundles.js';
import { round, type Summary } from './lib.js';
import { ATTACH_RATIO_TARGET, UPLOAD_RATIO_TARGET, type MaterialsResult } from './materials.js';

export interface Results {
  when: string;
  seconds?: number;
  machine: { node: string; cpus: number; cpuModel: string; loadAverageAtStart: number[]; loadAverageAtEnd?: number[] };
  bundles?: { options: string; runs: number; baselineMs: number; bundles: BundleResult[] };
  throughput?: { dynamodb: string; levels: ThroughputLevel[]; dynamodbCeiling: { clients: number; perSecond: number } };
  throughputInMemory?: { dynamodb: string; levels: ThroughputLevel[] };
  decisionToTask?: { count: number; fromDecision: Summary; afterAnswer: Summary; pollsNeeded: Summary };
  inbox?: { runs: number; seeding: { township: string; tasks: number; seconds: number }[]; small: InboxPage; large: InboxPage; ratioP50: number };
  notifications?: {
    centre?: Awaited<ReturnType<typeof import('./notifications.js').benchNotificationCentre>>;
    decisionToNotice?: Awaited<ReturnType<typeof import('./notifications.js').benchDecisionToNotice>>;
    decisionCost?: import('./decision-cost.js').DecisionCost;
  };
  registry?: {
    source: string;
    when: string;
    medianRatioP50: number;
    statusMedianRatioP50?: number;
    pageSize: number;
    records: number[];
    queries: { name: string; small: { p50: number; matching: number }; large: { p50: number; matching: number }; ratioP50: number; byStatus?: boolean }[];
  };
  /** bench/search.ts's own results (bench/results-search.json), as npm run bench found them. */
  search?: {
    source: string;
    when: string;
    applications: number[];
    medianRatioP50: number;
    worstRatioP50: number;
    queries: {
      name: string;
      small: { p50: number; found: number; more: boolean };
      large: { p50: number; found: number; more: boolean };
      ratioP50: number;
      /** The page size timed (fewer than 20 when the search finds fewer at 1k: as many returned at both sizes). */
      limit?: number;
      /** Then the same for a full page of 20 (the larger table returning more). */
      fullPage?: { small: { p50: number; found: number; more: boolean }; large: { p50: number; found: number; more: boolean }; ratioP50: number };
    }[];
  };
  /** bench/demands.ts's own results (bench/results-demands.json): the demand library's pages (issue 17). */
  demands?: {
    source: string;
    when: string;
    needs: number[];
    medianRatioP50: number;
    worstRatioP50: number;
    queries: { name: string; small: { p50: number; found: number; more: boolean }; large: { p50: number; found: number; more: boolean }; ratioP50: number }[];
  };
  /** bench/lighthouse.ts's own results (bench/results-lighthouse.json): the pages in Lighthouse, mobile (issue 18). */
  lighthouse?: {
    source: string;
    when: string;
    lighthouse: string;
    chromium: string;
    runsPerPage: number;
    entryChunkKiB: number;
    chunks: number;
    pages: { page: string; path: string; performance: number; accessibility: number; bestPractices: number; runs: number[]; fcpMs: number; lcpMs: number; tbtMs: number; scriptKiB: number }[];
  };
  cost?: Awaited<ReturnType<typeof import('./cost.js').benchCost>>;
  materials?: MaterialsResult;
  targets?: TargetRow[];
  /** Parts a BENCH_ONLY run did not measure, kept from earlier results: each part with when it was measured. */
  kept?: Record<string, string>;
}

interface ThroughputLevel {
  clients: number;
  done: number;
  seconds: number;
  perSecond: number;
  latency: Summary;
  statuses: Record<string, number>;
  cpuMsPerSubmission: { server?: number; dynamodbLocal?: number };
  dynamodbCallsPerSubmission: Record<string, number>;
}

interface InboxPage {
  tasks: number;
  pageItems: number;
  p50: number;
  p90: number;
}

export interface TargetRow {
  what: string;
  target: string;
  measured: string;
  met: boolean;
  gap: string;
}

const kib = (bytes: number) => (bytes / 1024).toFixed(1);
/** A unit price as people read it: "$0.025 per 1,000", "$0.625 per million". */
function price(dollars: number): string {
  for (const [scale, name] of [[1_000, '1,000'], [1_000_000, 'million']] as const) {
    const scaled = dollars * scale;
    if (scaled >= 0.01 && scaled < 1000) return `$${+scaled.toPrecision(4)} per ${name}`;
  }
  return `$${dollars}`;
}
const times = (x: number) => `×${x.toFixed(2)}`;

/** "met", or how far off: by how much and as a multiple of the target. */
function atMost(measured: number, limit: number, unit: string): { met: boolean; gap: string } {
  if (measured <= limit) return { met: true, gap: 'met' };
  return { met: false, gap: `${(measured - limit).toFixed(unit === '' ? 2 : 1)}${unit} over (${times(measured / limit)} the target)` };
}
function atLeast(measured: number, floor: number, unit: string): { met: boolean; gap: string } {
  if (measured >= floor) return { met: true, gap: 'met' };
  return { met: false, gap: `${(floor - measured).toFixed(1)}${unit} short (${times(measured / floor)} the target)` };
}

export function targetRows(r: Results, cost: { transitions: number; dollarsPer10k: number }): TargetRow[] {
  const rows: TargetRow[] = [];
  for (const b of r.bundles?.bundles.filter((b) => b.usesSdk && !b.floor) ?? []) {
    const min = atMost(b.minifiedBytes / 1024, 280, ' KiB');
    const gz = atMost(b.gzipBytes / 1024, 90, ' KiB');
    rows.push({
      what: `${b.name} bundle size (${b.entry})`,
      target: '≤ 280 KiB minified, ≤ 90 KiB gzip',
      measured: `${kib(b.minifiedBytes)} KiB, ${kib(b.gzipBytes)} KiB gzip`,
      met: min.met && gz.met,
      gap: min.met && gz.met ? 'met' : `minified ${min.gap}; gzip ${gz.gap}`,
    });
  }
  // The smallest handler with the SDK clients (bench/floor-sdk.ts): what no function using them can go below.
  const sdkFloor = r.bundles?.bundles.find((b) => b.floor && b.usesSdk);
  for (const b of r.bundles?.bundles.filter((b) => b.usesSdk && !b.floor) ?? []) {
    rows.push({
      what: `${b.name} import in a fresh process`,
      target: '≤ 1.8 × `node -e 0` (median of 20)',
      measured: `${times(b.ratio)} (${b.importMs} ms vs ${r.bundles!.baselineMs} ms${sdkFloor ? `; the SDK floor ${times(sdkFloor.ratio)}` : ''})`,
      ...atMost(b.ratio, 1.8, ''),
    });
  }
  const ten = r.throughput?.levels.find((l) => l.clients === 10);
  if (ten) {
    rows.push({ what: 'local submissions at 10 concurrent clients', target: '≥ 600 /s', measured: `${ten.perSecond} /s`, ...atLeast(ten.perSecond, 600, ' /s') });
    rows.push({ what: 'their p99 latency', target: '≤ 40 ms', measured: `${ten.latency.p99} ms`, ...atMost(ten.latency.p99, 40, ' ms') });
  }
  if (r.decisionToTask) {
    const p99 = r.decisionToTask.fromDecision.p99;
    rows.push({ what: 'decision → next level’s task in GET /v1/tasks', target: '≤ 200 ms p99', measured: `${p99} ms p99 (p50 ${r.decisionToTask.fromDecision.p50})`, ...atMost(p99, 200, ' ms') });
  }
  if (r.inbox) {
    rows.push({
      what: `inbox page at ${r.inbox.large.tasks / 1000}k vs ${r.inbox.small.tasks / 1000}k pending tasks`,
      target: '≤ 1.2 × (p50)',
      measured: `${times(r.inbox.ratioP50)} (${r.inbox.small.p50} → ${r.inbox.large.p50} ms)`,
      ...atMost(r.inbox.ratioP50, 1.2, ''),
    });
  }
  if (r.search) {
    const [small, large] = r.search.applications;
    rows.push({
      what: `application search page at ${large! / 1000}k vs ${small! / 1000}k applications (bench/search.ts)`,
      target: '≤ 1.2 × (p50; every search)',
      measured: `worst ${times(r.search.worstRatioP50)}, median ${times(r.search.medianRatioP50)} (${r.search.queries.map((q) => times(q.ratioP50)).join(', ')})`,
      ...atMost(r.search.worstRatioP50, 1.2, ''),
    });
  }
  if (r.demands) {
    const [small, large] = r.demands.needs;
    rows.push({
      what: `demand library page, filtered and searched, at ${large! / 1000}k vs ${small! / 1000}k needs (issue 17; bench/demands.ts)`,
      target: '≤ 1.2 × (p50; every list and search)',
      measured: `worst ${times(r.demands.worstRatioP50)}, median ${times(r.demands.medianRatioP50)} (${r.demands.queries.map((q) => times(q.ratioP50)).join(', ')})`,
      ...atMost(r.demands.worstRatioP50, 1.2, ''),
    });
  }
  if (r.lighthouse) {
    const l = r.lighthouse;
    const worst = Math.min(...l.pages.map((p) => p.performance));
    rows.push({
      what: `Lighthouse mobile performance: ${l.pages.map((p) => p.page).join(', ')} (issue 18; bench/lighthouse.ts, median of ${l.runsPerPage})`,
      target: '≥ 95 each',
      measured: l.pages.map((p) => `${p.page} ${p.performance}`).join(', '),
      ...(worst >= 95 ? { met: true, gap: 'met' } : { met: false, gap: `${95 - worst} short on the worst page` }),
    });
    rows.push({
      what: 'JavaScript a page needs first: the shell\'s first JS (its entry and the chunks the HTML preloads), gzip (pages load their own chunks when shown)',
      target: '≤ 30 KiB',
      measured: `${l.entryChunkKiB} KiB (every script of a page as sent: ${l.pages.map((p) => `${p.page} ${p.scriptKiB}`).join(', ')} KiB)`,
      ...atMost(l.entryChunkKiB, 30, ' KiB'),
    });
  }
  if (r.notifications?.centre) {
    const c = r.notifications.centre;
    const [small, large] = [c.reads[0].at[0].notices, c.reads[0].at.at(-1)!.notices];
    rows.push({
      what: `notification centre at ${large / 1000}k vs ${small / 1000}k notices for one office (bench/notifications.ts)`,
      target: '≤ 1.2 × (p50; worst of its 3 reads)',
      measured: `worst ${times(c.worstRatioP50)} (${c.reads.map((read) => times(read.ratioP50)).join(', ')})`,
      ...atMost(c.worstRatioP50, 1.2, ''),
    });
  }
  if (r.notifications?.decisionToNotice) {
    const d = r.notifications.decisionToNotice;
    rows.push({
      what: 'decision → the next office’s task notice in its centre',
      target: '≤ 1000 ms p99',
      measured: `${d.fromDecision.p99} ms p99 (p50 ${d.fromDecision.p50}; after the decision’s answer p99 ${d.afterAnswer.p99})`,
      ...atMost(d.fromDecision.p99, 1000, ' ms'),
    });
  }
  if (r.notifications?.decisionCost) {
    const c = r.notifications.decisionCost;
    rows.push({
      what: 'a decision’s answer with its notices vs before the notifications (bench/decision-cost.ts)',
      target: '≤ 1.1 × (p50, the same run)',
      measured: `${times(c.ratioP50)} (${c.before.p50} → ${c.after.p50} ms; mean ${times(c.ratioMean)})`,
      ...atMost(c.ratioP50, 1.1, ''),
    });
  }
  if (r.registry) {
    const plain = r.registry.queries.filter((q) => !q.byStatus);
    const worst = plain.reduce((a, q) => (q.ratioP50 > a.ratioP50 ? q : a));
    rows.push({
      what: `registry page at ${r.registry.records[1] / 1000}k vs ${r.registry.records[0] / 1000}k records (bench/registry.ts)`,
      target: `≤ 1.2 × (p50; median of its ${plain.length} filters)`,
      measured: `${times(r.registry.medianRatioP50)} median; worst ${times(worst.ratioP50)} (${worst.name})`,
      ...atMost(r.registry.medianRatioP50, 1.2, ''),
    });
    const byStatus = r.registry.queries.filter((q) => q.byStatus);
    if (byStatus.length && r.registry.statusMedianRatioP50 !== undefined) {
      const worstByStatus = byStatus.reduce((a, q) => (q.ratioP50 > a.ratioP50 ? q : a));
      rows.push({
        what: `registry page filtered by status at ${r.registry.records[1] / 1000}k vs ${r.registry.records[0] / 1000}k records (issue 16)`,
        target: `≤ 1.2 × (p50; median of its ${byStatus.length} status filters)`,
        measured: `${times(r.registry.statusMedianRatioP50)} median; worst ${times(worstByStatus.ratioP50)} (${worstByStatus.name})`,
        ...atMost(r.registry.statusMedianRatioP50, 1.2, ''),
      });
    }
  }
  if (r.materials) {
    const u = r.materials.upload;
    const m = r.materials.submission;
    rows.push({
      what: '10 MB upload through the local stack, until checked (issue 14)',
      target: `≥ ${UPLOAD_RATIO_TARGET} × a plain presigned PUT to the same S3 server (p50)`,
      measured: `${times(u.ratio)} (${u.stackMBps} vs ${u.floorMBps} MB/s; the bytes stored alone ${times(u.sentRatio ?? u.ratio)})`,
      ...atLeast(u.ratio, UPLOAD_RATIO_TARGET, ''),
    });
    rows.push({
      what: `a submission with its ${m.materials} materials attached (issue 14)`,
      target: `≤ ${ATTACH_RATIO_TARGET} × the same submission without (p50)`,
      measured: `${times(m.ratioP50)} (${m.without.p50} → ${m.with.p50} ms)`,
      ...atMost(m.ratioP50, ATTACH_RATIO_TARGET, ''),
    });
  }
  const apiBundle = r.bundles?.bundles.find((b) => b.name === 'api');
  if (apiBundle?.materialsBytes) {
    rows.push({
      what: 'what materials add to the api bundle (issue 14; their own modules, bench/bundles.ts materialModules)',
      target: '≤ 25 KiB',
      measured: `${kib(apiBundle.materialsBytes)} KiB`,
      ...atMost(apiBundle.materialsBytes / 1024, 25, ' KiB'),
    });
  }
  if (r.cost) {
    const c = r.cost;
    rows.push({ what: 'state transitions, three-level path', target: `≤ ${cost.transitions}`, measured: String(c.perApplication.transitions), ...atMost(c.perApplication.transitions, cost.transitions, '') });
    rows.push({
      what: 'cost per 10,000 applications (published prices)',
      target: `≤ $${cost.dollarsPer10k}`,
      measured: `$${c.dollarsPer10k.total.toFixed(2)}`,
      ...atMost(c.dollarsPer10k.total, cost.dollarsPer10k, ''),
    });
  }
  return rows;
}

const table = (head: string[], rows: (string | number)[][]) =>
  [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');

/** Why the submission rate is what it is: where the CPU of one submission goes, and what two cores allow then. */
function throughputNote(r: Results): string {
  const t = r.throughput!;
  const ten = t.levels.find((l) => l.clients === 10) ?? t.levels[0];
  const cpu = (ten.cpuMsPerSubmission.server ?? NaN) + (ten.cpuMsPerSubmission.dynamodbLocal ?? NaN);
  const bound = (r.machine.cpus * 1000) / cpu;
  const memory = r.throughputInMemory?.levels[0];
  return `Each submission cost ${ten.cpuMsPerSubmission.server} ms of the server's CPU and ${ten.cpuMsPerSubmission.dynamodbLocal} ms of DynamoDB Local's at
${ten.clients} clients, so ${r.machine.cpus} cores cannot serve more than about ${Math.round(bound)} a second, with the load generator and whatever else
runs here taking their share. DynamoDB Local alone takes ${t.dynamodbCeiling.perSecond} conditional PutItems a second at ${t.dynamodbCeiling.clients} clients
here, and a submission makes the calls counted above: on the application table (\`applications\`; in AWS the same two)
and on the local engine's own table (\`sfn-executions\`: its durable state — start, checkpoint, token recorded — which
stands in for Step Functions and does not exist in AWS).${memory ? ` With DynamoDB Local in memory the same stack reached ${memory.perSecond}/s at ${memory.clients} clients (${memory.cpuMsPerSubmission.server} + ${memory.cpuMsPerSubmission.dynamodbLocal} ms of CPU a submission): the disk costs something, the CPU per submission sets the limit.` : ''} The issue's 600/s is out of reach for the whole local stack on ${r.machine.cpus} cores of this machine; in AWS
each request runs in its own Lambda and DynamoDB is not on the same cores.`;
}

export function renderReadme(r: Results, cost: { transitions: number; dollarsPer10k: number }): { text: string; targets: TargetRow[] } {
  const targets = targetRows(r, cost);
  const parts: string[] = [];
  parts.push(`# Benchmarks

Written by \`npm run bench\` (bench/run.ts) on ${r.when.slice(0, 10)}; the numbers are in [results.json](results.json).${
      r.kept && Object.keys(r.kept).length
        ? `\nThis run measured some parts only (\`BENCH_ONLY\`); kept from earlier runs: ${Object.entries(r.kept)
            .map(([part, when]) => `${part} (${when.slice(0, 16).replace('T', ' ')} UTC)`)
            .join(', ')}.`
        : ''
    }
Run it again to refresh both. ${r.kept && Object.keys(r.kept).length ? 'This partial run took' : 'It takes'} about ${Math.max(1, Math.round((r.seconds ?? 0) / 60))} minute${Math.round((r.seconds ?? 0) / 60) > 1 ? 's' : ''} on ${r.machine.cpus} cores
(Node ${r.machine.node}, load average ${r.machine.loadAverageAtStart.join(' / ')} at the start${r.machine.loadAverageAtEnd ? `, ${r.machine.loadAverageAtEnd.join(' / ')} at the end` : ''}).
Times on a shared machine are noisy: the targets are ratios where they can be, and each section says what it timed.

## Targets (issues 8 and 14)

${table(
  ['what', 'target', 'measured', 'status'],
  targets.map((t) => [t.what, t.target, t.measured, t.met ? '**met**' : t.gap]),
)}
`);

  if (r.bundles) {
    const b = r.bundles;
    parts.push(`## Lambda bundles

Built with ${b.options === 'infra/bundling.ts' ? 'the options the project function construct deploys with (`infra/bundling.ts`: esbuild, minified ESM for Node, `mainFields: [module, main]`, the AWS SDK bundled)' : b.options},
the region data beside a bundle that reads it. Import time: \`node index.mjs\` in a fresh process with the
environment Lambda gives it (median of ${b.runs}, interleaved with \`node -e 0\`, ${b.baselineMs} ms here). Two floors are
bundled the same way: a bare Hono handler (\`bench/floor.ts\`), and the smallest handler that does what a submission
does (\`bench/floor-sdk.ts\`: Hono, zod/mini, a conditional put and a StartExecution), which every function that uses
the SDK clients starts from.

${table(
  ['bundle', 'uses the SDK', 'minified', 'gzip', 'import (median)', '× node -e 0'],
  b.bundles.map((x) => [`${x.name} (\`${x.entry}\`)`, x.usesSdk ? 'yes' : 'no', `${kib(x.minifiedBytes)} KiB`, `${kib(x.gzipBytes)} KiB`, `${x.importMs} ms`, times(x.ratio)]),
)}

\`test/infra/bundle-size.test.ts\` gates each bundle's size on esbuild's output (a ceiling that catches regressions, and
the issue's budget, an expected failure for a bundle still over it); its failure message names the biggest packages.
`);
  }

  if (r.throughput) {
    const rows = [...r.throughput.levels.map((l) => ['on disk', l] as const), ...(r.throughputInMemory?.levels ?? []).map((l) => ['in memory', l] as const)];
    parts.push(`## Submissions

\`POST /v1/applications\` over loopback with keep-alive, closed loop (each client sends its next submission when
the last is answered), against the local stack in its own process as \`npm start\` runs it. Each submission is the
whole path: validation, the transaction (application, history, outbox), \`StartExecution\` to the local engine,
which records its first task. Warmed up first; bounded counts (at most 12 s a level).

${table(
  ['DynamoDB Local', 'clients', 'submissions', '/s', 'p50 ms', 'p99 ms', 'CPU ms per submission: server / DynamoDB Local', 'DynamoDB calls per submission', 'answers'],
  rows.map(([where, l]) => [
    where,
    l.clients,
    l.done,
    l.perSecond,
    l.latency.p50,
    l.latency.p99,
    `${l.cpuMsPerSubmission.server ?? '?'} / ${l.cpuMsPerSubmission.dynamodbLocal ?? '?'}`,
    Object.entries(l.dynamodbCallsPerSubmission).map(([t, n]) => `${t} ${n}`).join(', '),
    Object.entries(l.statuses).map(([s, n]) => `${s}: ${n}`).join(', '),
  ]),
)}

${throughputNote(r)}
`);
  }

  if (r.decisionToTask) {
    const d = r.decisionToTask;
    parts.push(`## Decision → next level's task

${d.count} applications approved by the township one at a time; after each approval the county official's
\`GET /v1/tasks\` is read until the application shows (no pause between reads).

${table(
  ['measured from', 'p50 ms', 'p99 ms', 'max ms'],
  [
    ['sending the decision', d.fromDecision.p50, d.fromDecision.p99, d.fromDecision.max],
    ['its answer', d.afterAnswer.p50, d.afterAnswer.p99, d.afterAnswer.max],
  ],
)}

Inbox reads needed: p50 ${d.pollsNeeded.p50}, max ${d.pollsNeeded.max}.
`);
  }

  if (r.materials) {
    const u = r.materials.upload;
    const m = r.materials.submission;
    const api = r.bundles?.bundles.find((b) => b.name === 'api');
    parts.push(`## Materials (issue 14)

**A 10 MB file** (a one-page PDF with a large image-like stream, which the check reads to its end and passes), sent
${u.runs} times each way, alternately, on the local stack as \`npm start\` runs it: the floor is a plain presigned PUT of the
same bytes to the same local S3 server, made with the SDK's presigner; through the stack is ${u.check}.

${table(
  ['path', 'p50 ms', 'max ms', 'MB/s at p50'],
  [
    ['plain presigned PUT (floor)', u.floor.p50, u.floor.max, u.floorMBps],
    ...(u.sent ? [['through the stack: stored (the slot and the PUT)', u.sent.p50, u.sent.max, round(u.bytes / 1048576 / (u.sent.p50 / 1000), 1)]] : []),
    ['through the stack: checked (until GET says ready)', u.stack.p50, u.stack.max, u.stackMBps],
  ],
)}

**A submission with its materials**: the society station's form alone, and the same with its ${m.materials} required materials
(each a checked upload made beforehand, as the pages make them while the form is filled in), ${m.runs} of each,
alternately, one at a time. With materials the API reads the uploads (one BatchGetItem) and attaches them in the
submission's transaction; their bytes stay where they were written and checked.

${table(
  ['submission', 'p50 ms', 'p99 ms', 'max ms'],
  [
    ['without materials', m.without.p50, m.without.p99, m.without.max],
    [`with ${m.materials} materials`, m.with.p50, m.with.p99, m.with.max],
  ],
)}
${api?.materialsBytes ? `\nIn the api bundle, the modules that exist for materials take ${kib(api.materialsBytes)} KiB (minified) of its ${kib(api.minifiedBytes)} KiB; the modules they share with the rest grew a little too.\n` : ''}
An application's materials are attributes of its item, read with it (one GetItem): no list or search reads them,
so there is no page of materials to time at 1k and 100k.
`);
  }

  if (r.inbox || r.registry || r.search || r.demands) {
    parts.push(`## Pages at 1k and 100k`);
    if (r.inbox) {
      const i = r.inbox;
      parts.push(`
**Inbox** (\`GET /v1/tasks\`, the default page of ${i.small.pageItems}): pending tasks seeded with BatchWrite into DynamoDB Local
(in memory) as the workflow leaves them (the application item with \`inboxPk\`/\`inboxSk\` from \`functions/store/keys.ts\`),
${i.small.tasks} in one township's inbox and ${i.large.tasks} in another's, both in one table; each page timed alternately on
both, ${i.runs} times.

${table(
  ['pending tasks', 'p50 ms', 'p90 ms', 'seeded in'],
  [
    [i.small.tasks, i.small.p50, i.small.p90, `${i.seeding[0].seconds} s`],
    [i.large.tasks, i.large.p50, i.large.p90, `${i.seeding[1].seconds} s`],
  ],
)}

Ratio of the p50s: ${times(i.ratioP50)}.
`);
    }
    if (r.registry) {
      const g = r.registry;
      parts.push(`
**Registry** (\`bench/registry.ts\`, run by \`npm run bench\`; its own results in [results-registry.json](results-registry.json),
${g.when.slice(0, 16).replace('T', ' ')} UTC): one page of ${g.pageSize} from \`RegistryStore.query\` at ${g.records[0]} and ${g.records[1]} records.

${table(
  ['filter', `p50 ms at ${g.records[0] / 1000}k`, `p50 ms at ${g.records[1] / 1000}k`, 'ratio'],
  g.queries.map((q) => [q.name, q.small.p50, q.large.p50, times(q.ratioP50)]),
)}

Median ratio: ${times(g.medianRatioP50)}.
`);
    }
    if (r.search) {
      const g = r.search;
      const found = (q: { found: number; more: boolean }) => `${q.found}${q.more ? '+' : ''}`;
      parts.push(`
**Application search** (\`bench/search.ts\`, run by \`npm run bench\`; its own results in [results-search.json](results-search.json),
${g.when.slice(0, 16).replace('T', ' ')} UTC): one page of \`GET /v1/applications?q=\` (\`ApplicationLists.listByRegion\`) at
${g.applications[0]} and ${g.applications[1]} applications in one county, each seeded as a submission writes it (its item,
its case number's item, one search index item per bigram). "+" : the page came back with a cursor (a full page, or the
read bound reached). A search that finds fewer than a page at ${g.applications[0]! / 1000}k is timed for the page it fills
there at both sizes (as many applications returned: the ratio is the table's cost), and for a full page of 20 beside it
(where the larger table returns more: the page's cost).

${table(
  ['search', 'page', `p50 ms at ${g.applications[0]! / 1000}k`, 'found', `p50 ms at ${g.applications[1]! / 1000}k`, 'found', 'ratio', 'a page of 20'],
  g.queries.map((q) => [
    q.name,
    q.limit ?? 20,
    q.small.p50,
    found(q.small),
    q.large.p50,
    found(q.large),
    times(q.ratioP50),
    q.fullPage ? `${q.fullPage.small.p50} (${found(q.fullPage.small)}) → ${q.fullPage.large.p50} ms (${found(q.fullPage.large)}): ${times(q.fullPage.ratioP50)}` : '—',
  ]),
)}

Median ratio: ${times(g.medianRatioP50)}; worst ${times(g.worstRatioP50)}.
`);
    }
    if (r.demands) {
      const g = r.demands;
      const found = (q: { found: number; more: boolean }) => `${q.found}${q.more ? '+' : ''}`;
      parts.push(`
**The demand library** (\`bench/demands.ts\`, run by \`npm run bench\`; its own results in [results-demands.json](results-demands.json),
${g.when.slice(0, 16).replace('T', ' ')} UTC): one page of \`GET /v1/demands\` filtered by region, kind and industry
(\`DemandStore.list\`, one Query of the filter's scope) and searched with \`q\` (\`DemandStore.search\`, one bigram's
postings), at ${g.needs[0]} and ${g.needs[1]} published needs in one county, each seeded with the items its posting writes
(the need, its history entry, its list entries, its postings). "+" : the page came back with a cursor.

${table(
  ['page', `p50 ms at ${g.needs[0]! / 1000}k`, 'found', `p50 ms at ${g.needs[1]! / 1000}k`, 'found', 'ratio'],
  g.queries.map((q) => [q.name, q.small.p50, found(q.small), q.large.p50, found(q.large), times(q.ratioP50)]),
)}

Median ratio: ${times(g.medianRatioP50)}; worst ${times(g.worstRatioP50)}.
`);
    }
  }

  if (r.lighthouse) {
    const l = r.lighthouse;
    parts.push(`## The pages in Lighthouse

\`bench/lighthouse.ts\` (run by \`npm run bench\`; its own results in [results-lighthouse.json](results-lighthouse.json),
${l.when.slice(0, 16).replace('T', ' ')} UTC): Lighthouse ${l.lighthouse}, its mobile settings (simulated slow 4G, 4× CPU
slowdown) in Chromium ${l.chromium}, against the local stack (compressed assets, as CloudFront serves them), signed in
where the page needs it; each page ${l.runsPerPage} times, the median run shown. The shell's first JS (its entry and the chunks the HTML preloads) is ${l.entryChunkKiB} KiB
gzip; the pages load their own code (${l.chunks} chunks) when first shown.

${table(
  ['page', 'path', 'performance', 'runs', 'accessibility', 'best practices', 'FCP ms', 'LCP ms', 'TBT ms', 'JS KiB (gzip)'],
  l.pages.map((p) => [p.page, `\`${p.path}\``, p.performance, p.runs.join(' / '), p.accessibility, p.bestPractices, p.fcpMs, p.lcpMs, p.tbtMs, p.scriptKiB]),
)}
`);
  }

  if (r.notifications) {
    const { centre, decisionToNotice: d } = r.notifications;
    parts.push(`## Notifications`);
    if (centre) {
      const sizes = centre.reads[0].at.map((a) => a.notices);
      parts.push(`
**The centre** (\`GET /v1/notifications\`, a page of ${centre.reads[0].at[0].items} and the unread count): notices seeded with BatchWrite into DynamoDB Local
(in memory) as a change writes them (\`functions/store/notice-writes.ts\`), ${sizes.join(', ')} for three offices of one county,
all in one table; each read timed in turn on the three offices, ${centre.runs} times. The list is one Query of the office's
partition, newest first; the unread count a COUNT Query after the reader's watermark, bounded at 100 (the pages show 99+).

${table(
  ['read', ...sizes.map((n) => `p50 ms at ${n / 1000}k`), `ratio ${sizes.at(-1)! / 1000}k / ${sizes[0] / 1000}k`],
  centre.reads.map((read) => [read.name, ...read.at.map((a) => a.p50), times(read.ratioP50)]),
)}

Seeded in ${centre.seeding.map((s) => `${s.seconds} s (${s.notices})`).join(', ')}.
`);
    }
    if (d) {
      parts.push(`
**Decision → the next office's centre**: ${d.count} applications approved by a township one at a time; after each approval the
county official's \`GET /v1/notifications\` is read until its task notice shows. The notice is written in the decision's own
transaction, so it is there once the decision is answered.

${table(
  ['measured', 'p50 ms', 'p99 ms', 'max ms'],
  [
    ['sending the decision → the notice listed', d.fromDecision.p50, d.fromDecision.p99, d.fromDecision.max],
    ['the decision’s answer → the notice listed', d.afterAnswer.p50, d.afterAnswer.p99, d.afterAnswer.max],
    ['the decision itself (its answer)', d.decision.p50, d.decision.p99, d.decision.max],
  ],
)}
`);
    }
  }

  if (r.notifications?.decisionCost) {
    const c = r.notifications.decisionCost;
    parts.push(`
**What the notices cost a decision** (\`bench/decision-cost.ts\`): the stack of commit \`${c.baseline.slice(0, 7)}\` (main before the
notifications were merged) and this one, started side by side in this run on one DynamoDB Local on disk; ${c.count} township
approvals on each (in rounds of 60 in townships of their own, each after 5 to warm up), sent alternately to one and the other. A decision now also writes, in its own
transaction, the next office's task notice and the deliveries its e-mail and robot settings ask for, the timer of the
next wait and its 已办 entry; it answers the application as it recorded it, where it used to read it back. Both stacks
run without request limits.

${table(
  ['the decision’s answer', 'p50 ms', 'p99 ms', 'mean ms', 'max ms'],
  [
    ['before the notifications', c.before.p50, c.before.p99, c.before.mean, c.before.max],
    ['now', c.after.p50, c.after.p99, c.after.mean, c.after.max],
    ['ratio', times(c.ratioP50), times(round(c.after.p99 / c.before.p99)), times(c.ratioMean), ''],
  ],
)}
`);
  }

  if (r.cost) {
    const c = r.cost;
    const p = c.perApplication;
    parts.push(`## What one application costs

${c.applications} applications through the three levels on the local stack (${c.path}), driven as people would:
${c.requestsPerApplication}. Counted per application:

${table(
  ['item', 'per application', 'unit price (USD)', 'per 10,000 applications'],
  [
    ['Step Functions Standard state transitions', p.transitions, price(c.prices.perTransition), `$${c.dollarsPer10k.stepFunctions.toFixed(4)}`],
    [
      'DynamoDB write / read request units',
      `${p.dynamodb.writeUnits} WRU / ${p.dynamodb.readUnits} RRU (${p.dynamodb.calls} calls)`,
      `${price(c.prices.perWriteUnit)} / ${price(c.prices.perReadUnit)}`,
      `$${c.dollarsPer10k.dynamodb.toFixed(4)}`,
    ],
    [
      'Lambda invocations (API + record-outcome), GB-s',
      `${p.lambda.api} + ${p.lambda.recordOutcome}; ${(p.lambda.apiGbSeconds + p.lambda.recordOutcomeGbSeconds).toFixed(3)} GB-s`,
      `${price(c.prices.perLambdaRequest)} requests; $${c.prices.perGbSecondArm} per GB-s (Arm)`,
      `$${c.dollarsPer10k.lambda.toFixed(4)}`,
    ],
    ['API Gateway HTTP API requests', p.httpApiRequests, price(c.prices.perHttpApiRequest), `$${c.dollarsPer10k.httpApi.toFixed(4)}`],
    ['**total**', '', '', `**$${c.dollarsPer10k.total.toFixed(2)}**`],
  ],
)}

DynamoDB by operation (capacity units per application, the table and its indexes; a transaction counts each item twice):
${c.dynamodbByOperation.map((o) => `${o.operation} ${o.units} (${o.calls} calls)`).join(', ')}.

Share of the bill: ${Object.entries(c.shareOfBill).map(([k, v]) => `${k} ${(v * 100).toFixed(0)}%`).join(', ')}. The reconciler runs once a minute
whatever the load: about $${c.fixedMonthly.reconciler} a month (${c.fixedMonthly.note}).

Prices: ${c.prices.region}, as of ${c.prices.asOf}. ${c.prices.note}
${c.prices.sources.map((s) => `- ${s}`).join('\n')}

${c.notes.map((n) => `- ${n}`).join('\n')}
`);
  }

  parts.push(`## Running it

\`\`\`sh
npm run bench                                  # everything, ~${Math.max(1, Math.round((r.seconds ?? 0) / 60))} minutes; writes bench/results.json and this file
BENCH_ONLY=bundles,cost npm run bench          # some parts only (bundles, throughput, latency, cost, materials, inbox, notifications, registry, search, demands)
BENCH_REGISTRY=reuse npm run bench             # keep bench/results-registry.json instead of running bench/registry.ts (~4 min)
\`\`\`

It needs what \`npm start\` needs (Java 17+ for DynamoDB Local) and uses loopback only. It is not part of \`npm test\`.
`);
  return { text: parts.join('\n'), targets };
}
