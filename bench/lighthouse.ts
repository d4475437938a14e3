// Benchmark (not a test): Lighthouse 12 (mobile: its simulated slow 4G and 4× slower CPU) on the pages issue 18
// names: sign-in, the application form, the inbox and a certificate, against the local stack in Debian's Chromium;
// and the JavaScript each page loads (gzip, as the local server sends it) beside the shell's first chunk.
// Run: npx tsx bench/lighthouse.ts (LIGHTHOUSE_RUNS=3 by default: the median of each page). Writes
// bench/results-lighthouse.json. The figures vary with the machine's load: run it alone.
import '#infra/local/polyfills.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import lighthouse from 'lighthouse';
import { chromium, type BrowserContext } from 'playwright-core';
import { freePort, startLocalStack } from '#infra/local/stack.js';
import { chainTokens, httpClient, taskInInbox } from '../test/support/local.js';
import { submission } from '../test/support/submissions.js';
import { requiredMaterials } from '../test/support/materials.js';
import { seedApproved } from '../test/integration/registry-fixtures.js';
import { log, round } from './lib.js';

const root = resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.LIGHTHOUSE_RUNS ?? 3);

interface PageResult {
  page: string;
  path: string;
  /** The median run's scores (0–100). */
  performance: number;
  accessibility: number;
  bestPractices: number;
  runs: number[];
  /** The median run's metrics, ms. */
  fcpMs: number;
  lcpMs: number;
  tbtMs: number;
  /** Every script the page loaded, as sent (gzip), KiB. */
  scriptKiB: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** The shell's first JS (what every page loads first: the entry and the chunks the HTML preloads with it), gzip -9, KiB. */
function entryChunkKiB(): number {
  const html = readFileSync(join(root, 'web/dist/index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/assets\/([^"]+\.js)"/g)].map((m) => m[1]!);
  return round(files.reduce((sum, file) => sum + gzipSync(readFileSync(join(root, 'web/dist/assets', file)), { level: 9 }).length, 0) / 1024);
}

async function measure(context: BrowserContext, port: number, page: string, url: string, path: string): Promise<PageResult> {
  const runs: NonNullable<Awaited<ReturnType<typeof lighthouse>>>[] = [];
  // Lighthouse keeps the storage (the signed-in session) when told to, its HTTP cache with it: each run starts cold.
  const cdp = await context.newCDPSession(context.pages()[0]!);
  for (let i = 0; i < RUNS; i++) {
    await cdp.send('Network.clearBrowserCache');
    const result = await lighthouse(url, {
      port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance', 'accessibility', 'best-practices'],
      // Keep the signed-in session (localStorage) the context holds.
      disableStorageReset: true,
    });
    if (!result) throw new Error(`lighthouse: no result for ${url}`);
    runs.push(result);
  }
  await cdp.detach();
  const scores = runs.map((r) => Math.round((r.lhr.categories.performance?.score ?? 0) * 100));
  const chosen = runs[scores.indexOf(median(scores))]!.lhr;
  const metric = (id: string) => Math.round(Number(chosen.audits[id]?.numericValue ?? 0));
  const resources = (chosen.audits['resource-summary']?.details as { items?: { resourceType: string; transferSize: number }[] } | undefined)?.items ?? [];
  const script = resources.find((r) => r.resourceType === 'script')?.transferSize ?? 0;
  const row: PageResult = {
    page,
    path,
    performance: median(scores),
    accessibility: Math.round((chosen.categories.accessibility?.score ?? 0) * 100),
    bestPractices: Math.round((chosen.categories['best-practices']?.score ?? 0) * 100),
    runs: scores,
    fcpMs: metric('first-contentful-paint'),
    lcpMs: metric('largest-contentful-paint'),
    tbtMs: metric('total-blocking-time'),
    scriptKiB: round(script / 1024),
  };
  log(`lighthouse ${page}: performance ${row.performance} (${scores.join(', ')}), a11y ${row.accessibility}, best practices ${row.bestPractices}, FCP ${row.fcpMs} ms, LCP ${row.lcpMs} ms, JS ${row.scriptKiB} KiB`);
  return row;
}

async function main() {
  execFileSync('node', ['web/build-if-stale.mjs'], { cwd: root, stdio: 'inherit' });
  const dataDir = mkdtempSync(join(tmpdir(), 'gd-kexie-lighthouse-'));
  const profile = mkdtempSync(join(tmpdir(), 'gd-kexie-lighthouse-profile-'));
  const stack = await startLocalStack({ dataDir, port: await freePort(), quiet: true });
  const debugPort = await freePort();
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [`--remote-debugging-port=${debugPort}`, '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    // Prepare: a certificate to verify, a task in the township's inbox
    const api = httpClient(stack.url);
    const tokens = await chainTokens(api);
    const station = await seedApproved(stack.services, { type: 'society-station', regionCode: '441882102', at: new Date() });
    const submitted = await api.call('POST', '/v1/applications', {
      token: tokens.applicant,
      body: { ...submission('society-station', '441882102'), materials: (await requiredMaterials(api, tokens.applicant, 'society-station')).refs },
    });
    if (submitted.status !== 201) throw new Error(`seeding: ${submitted.text}`);
    await taskInInbox(api, tokens.township, submitted.body.id);

    const page = context.pages()[0] ?? (await context.newPage());
    const signIn = async (account: string) => {
      await page.goto(`${stack.url}/sign-in`);
      await page.getByRole('button', { name: account }).click();
      await page.waitForURL((url) => url.pathname !== '/sign-in');
    };
    const results: PageResult[] = [];
    const at = (path: string) => `${stack.url}${path}`;
    const certificatePath = `/certificates/${encodeURIComponent(station.certificateNo)}`;
    results.push(await measure(context, debugPort, 'sign-in', at('/sign-in'), '/sign-in'));
    results.push(await measure(context, debugPort, 'certificate', at(certificatePath), '/certificates/{no}'));
    await signIn('寒鸭村菜心专业技术协会');
    results.push(await measure(context, debugPort, 'form', at('/apply/rural-tech-association'), '/apply/rural-tech-association'));
    await signIn('大路边镇科协');
    results.push(await measure(context, debugPort, 'inbox', at('/inbox'), '/inbox'));

    const out = {
      when: new Date().toISOString(),
      lighthouse: JSON.parse(readFileSync(join(root, 'node_modules/lighthouse/package.json'), 'utf8')).version as string,
      chromium: context.browser()?.version() ?? '',
      runsPerPage: RUNS,
      entryChunkKiB: entryChunkKiB(),
      chunks: readdirSync(join(root, 'web/dist/assets')).filter((f) => f.endsWith('.js')).length,
      pages: results,
    };
    writeFileSync(new URL('./results-lighthouse.json', import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
    log(`lighthouse: written to bench/results-lighthouse.json (first chunk ${out.entryChunkKiB} KiB gzip)`);
  } finally {
    await context.close();
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  }
}

await main();
