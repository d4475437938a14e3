// The map of Guangdong in a real browser (Debian's chromium driven by playwright-core) against the local stack, on a
// desktop and on a phone: the dashboard's station map opens 清远市's counties by a click and by Enter, shows 连州市's
// count as its table and its CSV do, shades by one type when asked; the administrator's gap map goes from the province
// to 清远市's counties and lists 连州市's townships beside them, its table a township's villages; no CSP violation on the way.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startLocalStack, type LocalStack } from '#infra/local/stack.js';
import { childrenOf } from '#functions/regions/index.js';
import { creditCodes } from '#forms/fixtures.js';
import { seedApproved } from '../integration/registry-fixtures.js';
import { httpClient } from '../support/local.js';
import { ORG, submission } from '../support/submissions.js';

const root = resolve(import.meta.dirname, '../..');
const screenshots = join(root, 'test-results/screenshots');
const viewports = [
  ['desktop', { width: 1280, height: 900 }],
  ['phone', { width: 375, height: 812 }],
] as const;
/** Two cores shared by several runs: a page's answer may take a few seconds. */
const patiently = { timeout: 10_000 };

let dataDir: string;
let stack: LocalStack;
let browser: Browser;

beforeAll(async () => {
  execFileSync('node', ['web/build-if-stale.mjs'], { cwd: root, stdio: 'inherit' });
  mkdirSync(screenshots, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'gd-kexie-map-browser-'));
  // Materials optional: the pipeline's application is submitted with its form alone.
  stack = await startLocalStack({ dataDir, port: await freePort(), quiet: true, sweepEveryMs: 0, reconcileEveryMs: 0, env: { MATERIALS: 'optional' } });
  // 连州市: a 学会服务站 in 大路边镇 and a 乡村振兴学会联合体科技服务站 of the county; 英德市: one 学会服务站
  await seedApproved(stack.services, { type: 'society-station', regionCode: '441882102', at: new Date() });
  await seedApproved(stack.services, { type: 'consortium-station', regionCode: '441882', at: new Date() });
  await seedApproved(stack.services, { type: 'society-station', regionCode: '441881101', at: new Date(), org: creditCodes.countyFederation });
  // In the approval pipeline: one application awaiting 大路边镇, submitted as an applicant submits it.
  const api = httpClient(stack.url);
  const applicant = await api.token({ role: 'applicant', org: ORG, name: '连州市果蔬专业技术协会' });
  const submitted = await api.call('POST', '/v1/applications', { token: applicant, body: submission('society-station', '441882102') });
  if (submitted.status !== 201) throw new Error(`submission refused: ${submitted.text}`);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** A page signed in as `account`, with the CSP violations it reports and the paths it fetched from the first load on. */
async function signedIn(account: string, viewport: { width: number; height: number }): Promise<{ page: Page; csp: string[]; fetched: string[] }> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const csp: string[] = [];
  const fetched: string[] = [];
  page.on('request', (request) => fetched.push(new URL(request.url()).pathname));
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) csp.push(message.text());
  });
  await page.goto(`${stack.url}/sign-in`);
  await page.getByRole('button', { name: account }).click();
  await page.waitForURL((url) => url.pathname !== '/sign-in');
  return { page, csp, fetched };
}

const shoot = (page: Page, name: string) => page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
/** The spoken label of a region of the map `map` (its path's aria-label), found by the region's name. */
const labelOf = (page: Page, map: string, name: string) => page.locator(`figure[aria-labelledby="${map}"] path[aria-label^="${name}："]`).getAttribute('aria-label');

describe('the map of Guangdong in a browser', () => {
  for (const [label, viewport] of viewports) {
    it(`shows the stations by city and, opened by a click or by Enter, 清远市's counties with the table's and the CSV's figures (${label})`, async () => {
      // Act: the administrator signs in (to 备案查询), then opens 进度统计
      const { page, csp, fetched } = await signedIn('省科协管理员', viewport);
      await page.getByRole('heading', { level: 1 }).waitFor();
      const mapCode = () => fetched.filter((path) => /^\/assets\/region-map-[\w-]+\.js$/.test(path));
      expect(mapCode(), 'the map is not loaded before a page shows it').toEqual([]);
      await page.goto(`${stack.url}/dashboard`);

      // Assess: the province's cities, each read out with its count, as the table beside says
      await expect.poll(async () => labelOf(page, 'station-map', '清远市'), patiently).toBe('清远市：3 个站点与协会');
      expect(await page.locator('#station-table tr[data-code="4418"] td').textContent()).toBe('3');
      expect(await page.locator('figure[aria-labelledby="station-map"] path[role="button"]').count()).toBe(21);
      expect(await page.locator('.map-note').textContent()).toContain('示意图，非标准地图');
      expect(mapCode()).toHaveLength(1);
      await shoot(page, `map-dashboard-${label}`);

      // Act: a click on 清远市
      await page.locator('figure[aria-labelledby="station-map"] path[aria-label^="清远市："]').click();

      // Assess: its counties, 连州市 with 2 and 英德市 with 1, in the map and the table
      await expect.poll(async () => page.locator('#station-map').textContent(), patiently).toContain('清远市各县（市、区）');
      expect(await labelOf(page, 'station-map', '连州市')).toBe('连州市：2 个站点与协会');
      expect(await labelOf(page, 'station-map', '英德市')).toBe('英德市：1 个站点与协会');
      expect(await page.locator('figure[aria-labelledby="station-map"] path[aria-label]').count()).toBe(childrenOf('4418').length);
      expect(await page.locator('#station-table tr[data-code="441882"] td').textContent()).toBe('2');
      await shoot(page, `map-dashboard-qingyuan-${label}`);

      // Act: the table saved as CSV
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出清远市各县 CSV' }).click()]);

      // Assess: UTF-8 with BOM, Chinese headers, the same figures
      expect(download.suggestedFilename()).toMatch(/^进度统计-按县-清远市-\d{8}\.csv$/);
      const csv = readFileSync((await download.path())!, 'utf8');
      expect(csv.startsWith('\uFEFF区划代码,县（市、区）,地级市,全部类型,')).toBe(true);
      const lines = csv.slice(1).trim().split('\r\n');
      expect(lines).toHaveLength(childrenOf('4418').length + 1);
      const header = lines[0]!.split(',');
      const lianzhou = lines.find((line) => line.startsWith('441882,'))!.split(',');
      expect(lianzhou.slice(0, 4)).toEqual(['441882', '连州市', '清远市', '2']);
      expect(lianzhou[header.indexOf('乡村振兴学会联合体科技服务站')]).toBe('1');

      // Act: shaded by one type
      await page.getByLabel('按类型着色').selectOption({ label: '乡村振兴学会联合体科技服务站' });

      // Assess
      await expect.poll(async () => labelOf(page, 'station-map', '连州市'), patiently).toBe('连州市：1 个乡村振兴学会联合体科技服务站');
      expect(await labelOf(page, 'station-map', '英德市')).toBe('英德市：0 个乡村振兴学会联合体科技服务站');
      expect(await page.locator('#station-table tr[data-code="441881"] td').textContent()).toBe('0');

      // Act: back to the province, then 清远市 by the keyboard
      await page.getByRole('button', { name: '← 返回全省' }).click();
      const qingyuan = page.locator('figure[aria-labelledby="station-map"] path[aria-label^="清远市："]');
      await qingyuan.focus();
      await page.keyboard.press('Enter');

      // Assess
      await expect.poll(async () => labelOf(page, 'station-map', '连州市'), patiently).toBe('连州市：1 个乡村振兴学会联合体科技服务站');
      expect(csp).toEqual([]);
      await page.context().close();
    }, 90_000);
  }

  for (const [label, viewport] of viewports) {
    it(`shows the approval pipeline: in progress by level, overdue by city and a city's counties, each table with its CSV (${label})`, async () => {
      // Act
      const { page, csp } = await signedIn('省科协管理员', viewport);
      await page.goto(`${stack.url}/dashboard`);

      // Assess: the one application awaiting the township, in the chart and its table
      await page.getByRole('heading', { name: '审批进度' }).waitFor(patiently);
      const township = page.locator('#pipeline-stages-table tbody tr').first();
      expect(await township.locator('th').textContent()).toBe('乡镇待审批');
      expect(await township.locator('td').first().textContent()).toBe('1');
      expect(await page.locator('#pipeline-overdue-table tbody tr').count()).toBe(21);
      expect(await page.locator('#pipeline-days-table tbody tr').count()).toBe(3);
      expect(await page.locator('#pipeline-returns-table tbody tr', { hasText: '年度报告' }).count()).toBe(1);
      await page.locator('#pipeline-heading').scrollIntoViewIfNeeded();
      await shoot(page, `pipeline-dashboard-${label}`);

      // Act: the in-progress table saved as CSV
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#chart-pipeline-stages').locator('xpath=..').getByRole('button', { name: '导出 CSV' }).click()]);

      // Assess
      expect(download.suggestedFilename()).toMatch(/^审批进度-各环节在办-\d{8}\.csv$/);
      const csv = readFileSync((await download.path())!, 'utf8');
      expect(csv.slice(1).trim().split('\r\n')).toEqual(['环节,件数,其中超期', '乡镇待审批,1,0', '县（区）待审批,0,0', '省待审批,0,0', '退回修改待重新提交,0,']);

      // Act: 清远市's counties
      await page.getByRole('button', { name: '清远市：查看各县（区）超期' }).click();

      // Assess: its counties, 连州市 with its one application in progress
      await expect.poll(async () => page.locator('#pipeline-overdue-table caption').textContent(), patiently).toBe('清远市各县（市、区）超期未办');
      expect(await page.locator('#pipeline-overdue-table tbody tr').count()).toBe(childrenOf('4418').length);
      expect(await page.locator('#pipeline-overdue-table tr[data-code="441882"] td').last().textContent()).toBe('1');
      await page.getByRole('button', { name: '返回全省各市' }).click();
      expect(await page.locator('#pipeline-overdue-table tbody tr').count()).toBe(21);
      expect(csp).toEqual([]);
      await page.context().close();
    }, 90_000);
  }

  it('shows an administrator the gaps by city, a city\'s counties, and a county\'s townships beside them', async () => {
    // Act
    const { page, csp } = await signedIn('省科协管理员', viewports[0][1]);
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '缺口清单' }).click();

    // Assess: 清远市 lacks the station in all its counties but 连州市
    const lacking = childrenOf('4418').length - 1;
    await expect.poll(async () => labelOf(page, 'gap-map', '清远市'), patiently).toBe(`清远市：${lacking} 个县（区）尚无学会联合体站`);
    expect(await page.locator('#gap-table tr[data-code="4418"]').textContent()).toContain(`${lacking} 个县（区）尚无乡村振兴学会联合体科技服务站`);
    await shoot(page, 'map-gaps-province');

    // Act: 清远市, then 连州市
    await page.locator('figure[aria-labelledby="gap-map"] path[aria-label^="清远市："]').click();
    await expect.poll(async () => labelOf(page, 'gap-map', '英德市'), patiently).toBe('英德市：尚无学会联合体科技服务站');
    expect(await labelOf(page, 'gap-map', '连州市')).toBe('连州市：已有学会联合体科技服务站');
    await page.locator('figure[aria-labelledby="gap-map"] path[aria-label^="连州市："]').press('Enter');

    // Assess: 连州市's townships listed beside the city's map, 连州市 marked on it
    await page.waitForURL(/region=441882$/);
    await expect.poll(async () => page.locator('#gap-table tr[data-code="441882102"]').textContent(), patiently).toContain('大路边镇');
    expect(await page.locator('figure[aria-labelledby="gap-map"] path[aria-label^="连州市："]').getAttribute('aria-current')).toBe('true');
    await shoot(page, 'map-gaps-county');

    // Act: the table opens a township's villages, as the map opens a city
    await page.locator('#gap-table').getByRole('link', { name: '大路边镇' }).click();

    // Assess
    await page.waitForURL(/region=441882102$/);
    await expect.poll(async () => page.locator('#gap-table tr[data-code="441882102201"]').textContent(), patiently).toContain('尚无农村专业技术协会');
    expect(csp).toEqual([]);
    await page.context().close();
  }, 90_000);
});
