// `npm run bench`: every benchmark of issue 8 in one run, on this machine, against the local stack; writes
// bench/results.json and the table in bench/README.md (targets against what was measured).
//   BENCH_ONLY=bundles,throughput,latency,cost,materials,inbox,notifications,decisionCost,registry,search,demands,lighthouse   run only some parts (the others are kept from results.json)
//   BENCH_BASELINE=<commit>   the stack decisionCost compares a decision with (default: main before the notifications)
//   BENCH_REGISTRY=reuse   take bench/results-registry.json as it is instead of running bench/registry.ts again
//   BENCH_SEARCH=reuse     the same for bench/search.ts and bench/results-search.json (part `search`)
//   BENCH_DEMANDS=reuse    the same for bench/demands.ts and bench/results-demands.json (part `demands`)
//   BENCH_LIGHTHOUSE=reuse the same for bench/lighthouse.ts and bench/results-lighthouse.json (part `lighthouse`)
//   BENCH_RENDER=1         measure nothing: write bench/README.md again from bench/results.json
import '#infra/local/polyfills.js';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { benchBundles } from './bundles.js';
import { benchCost, TARGETS } from './cost.js';
import { benchDecisionCost } from './decision-cost.js';
import { benchDecisionToTask, benchDynamoCeiling, benchThroughput } from './flows.js';
import { benchInbox } from './inbox.js';
import { benchMaterials } from './materials.js';
import { benchDecisionToNotice, benchNotificationCentre } from './notifications.js';
import { Api, log, round, startDurableDynamo, startMemoryDynamo, startServer } from './lib.js';
import { renderReadme, type Results } from './report.js';
import { townships, townshipsOf } from './workload.js';

const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
const wanted = (part: string) => !only || only.includes(part);
const here = (file: string) => new URL(file, import.meta.url);

async function main() {
  const began = performance.now();
  const [throughputPlace, latencyPlace, costPlace, inboxSmall, inboxLarge, materialsPlace, noticePlace, centreCounty] = townships(8);
  const centreOffices = townshipsOf(centreCounty.county, 3);
  const results: Results = {
    when: new Date().toISOString(),
    machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', loadAverageAtStart: loadavg().map((l) => round(l)) },
  };

  if (wanted('bundles')) {
    log('bundles: size and import time');
    results.bundles = await benchBundles();
  }

  if (wanted('decisionCost')) {
    log('a decision’s answer with its notices, against the stack before the notifications, side by side');
    const dynamo = await startDurableDynamo();
    try {
      results.notifications = { ...results.notifications, decisionCost: await benchDecisionCost(dynamo) };
    } finally {
      await dynamo.stop();
    }
  }

  if (wanted('throughput') || wanted('latency') || wanted('cost') || wanted('materials') || wanted('notifications')) {
    log('the local stack as npm start runs it (DynamoDB Local on disk), the API in its own process');
    const dynamo = await startDurableDynamo();
    const server = await startServer({ dynamodbEndpoint: dynamo.endpoint, suffix: '-bench' });
    const api = new Api(server.url);
    try {
      if (wanted('throughput')) {
        log('submissions per second');
        const levels = await benchThroughput(api, server, dynamo, throughputPlace);
        const ceiling = await benchDynamoCeiling(dynamo, server.table);
        results.throughput = { dynamodb: 'on disk (as npm start)', levels, dynamodbCeiling: ceiling };
      }
      if (wanted('latency')) {
        log('decision → next level’s task visible');
        results.decisionToTask = await benchDecisionToTask(api, latencyPlace);
      }
      if (wanted('cost')) {
        log('cost of one application through three levels');
        results.cost = await benchCost(api, server, costPlace);
      }
      if (wanted('materials')) {
        log('materials: a 10 MB upload through the stack against a plain presigned PUT, and a submission with its materials');
        results.materials = await benchMaterials(api, server, materialsPlace);
      }
      if (wanted('notifications')) {
        log('decision → the next office’s task notice in its centre');
        results.notifications = { ...results.notifications, decisionToNotice: await benchDecisionToNotice(api, noticePlace) };
      }
    } finally {
      api.close();
      await server.stop();
      await dynamo.stop();
    }
  }

  if (wanted('throughput') || wanted('inbox') || wanted('notifications')) {
    log('the same stack on DynamoDB Local in memory (seeding 100k items on disk would take many minutes)');
    const dynamo = await startMemoryDynamo();
    const server = await startServer({ dynamodbEndpoint: dynamo.endpoint, suffix: '-bench' });
    const api = new Api(server.url);
    try {
      if (wanted('throughput')) {
        log('submissions per second, DynamoDB Local in memory (what the API and the engine reach when the store keeps up)');
        const levels = await benchThroughput(api, server, dynamo, throughputPlace, [{ clients: 10, count: 2_500 }]);
        results.throughputInMemory = { dynamodb: 'in memory', levels };
      }
      if (wanted('inbox')) {
        log('an inbox page at 1k and at 100k pending tasks');
        results.inbox = await benchInbox(api, dynamo, server.table, inboxSmall, inboxLarge);
      }
      if (wanted('notifications')) {
        log('the notification centre at 1k, 10k and 100k notices for one office');
        results.notifications = { ...results.notifications, centre: await benchNotificationCentre(api, dynamo, server.table, centreOffices) };
      }
    } finally {
      api.close();
      await server.stop();
      await dynamo.stop();
    }
  }

  if (wanted('registry')) {
    const file = here('./results-registry.json');
    if (process.env.BENCH_REGISTRY === 'reuse' && existsSync(file)) {
      log('registry page: bench/results-registry.json as it is (BENCH_REGISTRY=reuse)');
    } else if (existsSync(here('./registry.ts'))) {
      log('registry page at 1k and 100k records: bench/registry.ts');
      const out = spawnSync(process.execPath, ['--import', 'tsx', 'bench/registry.ts'], { cwd: new URL('..', import.meta.url), stdio: 'inherit', env: { ...process.env, NODE_NO_WARNINGS: '1' } });
      if (out.status !== 0) log(`bench/registry.ts failed (${out.status ?? out.signal}); its last results, if any, are used`);
    }
    if (existsSync(file)) {
      // The numbers the table needs; the whole run is bench/registry.ts's own file.
      const full = JSON.parse(readFileSync(file, 'utf8'));
      results.registry = {
        source: 'bench/results-registry.json',
        when: full.when,
        records: full.records,
        pageSize: full.pageSize,
        medianRatioP50: full.medianRatioP50,
        statusMedianRatioP50: full.statusMedianRatioP50,
        queries: full.queries.map((q: any) => ({ name: q.name, small: { p50: q.small.p50, matching: q.small.matching }, large: { p50: q.large.p50, matching: q.large.matching }, ratioP50: q.ratioP50, ...(q.byStatus ? { byStatus: true } : {}) })),
      };
    }
  }

  if (wanted('search')) {
    const file = here('./results-search.json');
    if (process.env.BENCH_SEARCH === 'reuse' && existsSync(file)) {
      log('application search: bench/results-search.json as it is (BENCH_SEARCH=reuse)');
    } else {
      log('application search page at 1k and 100k applications: bench/search.ts');
      const out = spawnSync(process.execPath, ['--import', 'tsx', 'bench/search.ts'], { cwd: new URL('..', import.meta.url), stdio: 'inherit', env: { ...process.env, NODE_NO_WARNINGS: '1' } });
      if (out.status !== 0) log(`bench/search.ts failed (${out.status ?? out.signal}); its last results, if any, are used`);
    }
    if (existsSync(file)) {
      const full = JSON.parse(readFileSync(file, 'utf8'));
      results.search = {
        source: 'bench/results-search.json',
        when: full.when,
        applications: full.seeding.map((s: { applications: number }) => s.applications),
        medianRatioP50: full.medianRatioP50,
        worstRatioP50: full.worstRatioP50,
        queries: full.queries.map((q: any) => ({ name: q.name, small: { p50: q.small.p50, found: q.small.found, more: q.small.more }, large: { p50: q.large.p50, found: q.large.found, more: q.large.more }, ratioP50: q.ratioP50 })),
      };
    }
  }

  if (wanted('demands')) {
    const file = here('./results-demands.json');
    if (process.env.BENCH_DEMANDS === 'reuse' && existsSync(file)) {
      log('demand library: bench/results-demands.json as it is (BENCH_DEMANDS=reuse)');
    } else {
      log('demand library page at 1k and 100k needs: bench/demands.ts');
      const out = spawnSync(process.execPath, ['--import', 'tsx', 'bench/demands.ts'], { cwd: new URL('..', import.meta.url), stdio: 'inherit', env: { ...process.env, NODE_NO_WARNINGS: '1' } });
      if (out.status !== 0) log(`bench/demands.ts failed (${out.status ?? out.signal}); its last results, if any, are used`);
    }
    if (existsSync(file)) {
      const full = JSON.parse(readFileSync(file, 'utf8'));
      results.demands = {
        source: 'bench/results-demands.json',
        when: full.when,
        needs: full.seeding.map((s: { needs: number }) => s.needs),
        medianRatioP50: full.medianRatioP50,
        worstRatioP50: full.worstRatioP50,
        queries: full.queries.map((q: any) => ({ name: q.name, small: { p50: q.small.p50, found: q.small.found, more: q.small.more }, large: { p50: q.large.p50, found: q.large.found, more: q.large.more }, ratioP50: q.ratioP50 })),
      };
    }
  }

  if (wanted('lighthouse')) {
    const file = here('./results-lighthouse.json');
    if (process.env.BENCH_LIGHTHOUSE === 'reuse' && existsSync(file)) {
      log('pages: bench/results-lighthouse.json as it is (BENCH_LIGHTHOUSE=reuse)');
    } else {
      log('pages in Lighthouse (mobile): bench/lighthouse.ts');
      const out = spawnSync(process.execPath, ['--import', 'tsx', 'bench/lighthouse.ts'], { cwd: new URL('..', import.meta.url), stdio: 'inherit', env: { ...process.env, NODE_NO_WARNINGS: '1' } });
      if (out.status !== 0) log(`bench/lighthouse.ts failed (${out.status ?? out.signal}); its last results, if any, are used`);
    }
    if (existsSync(file)) results.lighthouse = { source: 'bench/results-lighthouse.json', ...JSON.parse(readFileSync(file, 'utf8')) };
  }

  // A partial run keeps the parts it did not measure from the last results, and says so.
  if (only && existsSync(here('./results.json'))) {
    const earlier = JSON.parse(readFileSync(here('./results.json'), 'utf8')) as Results;
    const parts = ['bundles', 'throughput', 'throughputInMemory', 'decisionToTask', 'cost', 'materials', 'inbox', 'notifications', 'registry', 'search', 'demands', 'lighthouse'] as const;
    for (const part of parts.filter((p) => results[p] === undefined && earlier[p] !== undefined)) {
      (results as unknown as Record<string, unknown>)[part] = earlier[part];
      results.kept = { ...results.kept, [part]: earlier.kept?.[part] ?? earlier.when };
    }
    // The notifications' three measurements are parts of their own (decisionCost runs alone): keep those not run.
    if (results.notifications && earlier.notifications) {
      for (const [key, value] of Object.entries(earlier.notifications)) {
        const notices = results.notifications as Record<string, unknown>;
        if (notices[key] === undefined) notices[key] = value;
      }
    }
  }

  results.machine.loadAverageAtEnd = loadavg().map((l) => round(l));
  results.seconds = round((performance.now() - began) / 1000, 1);
  results.targets = undefined;
  const readme = renderReadme(results, TARGETS);
  results.targets = readme.targets;
  writeFileSync(here('./results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(here('./README.md'), readme.text);
  log(`done in ${results.seconds}s: bench/results.json and bench/README.md written`);
  for (const row of readme.targets) log(`  ${row.met ? 'met ' : 'GAP '} ${row.what}: ${row.measured} (target ${row.target})`);
}

if (process.env.BENCH_RENDER) {
  const results = JSON.parse(readFileSync(here('./results.json'), 'utf8')) as Results;
  writeFileSync(here('./README.md'), renderReadme(results, TARGETS).text);
  log('bench/README.md written from bench/results.json');
} else {
  await main();
}
process.exit(0);
