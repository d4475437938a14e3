// The demand library's pages in a real browser (Debian's chromium driven by playwright-core) against the local stack:
// a township posts a need in a village of 连州市, a certified station finds it by a Chinese word and responds, the
// township picks it and closes it with a rating, and the station's public certificate page shows it; the township's
// list of gaps names its villages without a 农技协.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startLocalStack, type LocalStack } from '#infra/local/stack.js';
import type { RegistryRecord } from '#functions/domain/registry.js';
import { seedApproved } from '../integration/registry-fixtures.js';

const root = resolve(import.meta.dirname, '../..');
const screenshots = join(root, 'test-results/screenshots');

let dataDir: string;
let stack: LocalStack;
let browser: Browser;
let station: RegistryRecord;

beforeAll(async () => {
  execFileSync('node', ['web/build-if-stale.mjs'], { cwd: root, stdio: 'inherit' });
  mkdirSync(screenshots, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'gd-kexie-demands-browser-'));
  stack = await startLocalStack({ dataDir, port: await freePort(), quiet: true, sweepEveryMs: 0, reconcileEveryMs: 0 });
  // The demo account 连州市农业科技发展有限公司 (91441882MA4UA1B2C9) holds an approved station's certificate.
  station = await seedApproved(stack.services, { type: 'society-station', regionCode: '441882102', at: new Date() });
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

async function signedIn(account: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(`${stack.url}/sign-in`);
  await page.getByRole('button', { name: account }).click();
  await page.waitForURL((url) => url.pathname !== '/sign-in');
  return page;
}

const shoot = (page: Page, name: string) => page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
const title = '沙糖桔黄龙病防控技术指导';
/** Two cores shared by several runs: a page's answer may take a few seconds. */
const patiently = { timeout: 10_000 };

describe('the demand library in a browser', () => {
  it('a township posts a need, a station finds it by a Chinese word and responds, the township picks it and rates it, and the certificate shows it', async () => {
    // Act: the township posts, with a title too short first (the problem shown at its field)
    const township = await signedIn('大路边镇科协');
    await township.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '需求库' }).click();
    await township.getByRole('link', { name: '发布需求' }).click();
    await township.getByLabel('需求类别').selectOption({ label: '技术' });
    await township.getByLabel('所属产业').selectOption({ label: '种植业' });
    await township.locator('#need-region-city').selectOption({ label: '清远市' });
    await township.locator('#need-region-county').selectOption({ label: '连州市' });
    await township.locator('#need-region-township').selectOption({ label: '大路边镇' });
    await township.locator('#need-region-village').selectOption({ label: '寒鸭村委会' });
    await township.getByLabel('需求标题').fill('短');
    await township.getByLabel('需求描述').fill('本村种植沙糖桔约两百亩，近两年黄龙病蔓延，急需柑橘病虫害防治专家到村现场指导。');
    await township.getByRole('button', { name: '发布需求' }).click();

    // Assess: refused at the title, nothing posted
    await expect.poll(async () => township.locator('#need-title-error').textContent(), patiently).toContain('至少4个字');

    // Act: corrected
    await township.getByLabel('需求标题').fill(title);
    await township.getByRole('button', { name: '发布需求' }).click();

    // Assess: the need's page, published
    await expect.poll(async () => township.getByRole('heading', { level: 1 }).textContent(), patiently).toBe(title);
    expect(await township.locator('.title-row .badge').textContent()).toBe('征集中');
    // The stations already near it: the certified station of 大路边镇, linked to its certificate
    const nearby = township.getByRole('region', { name: '附近的站点' });
    await expect.poll(async () => nearby.getByRole('link', { name: station.name }).getAttribute('href'), patiently).toBe(`/certificates/${encodeURIComponent(station.certificateNo)}`);
    expect(await nearby.textContent()).toContain('同一乡镇');
    const needUrl = township.url();
    await shoot(township, 'demand-posted');

    // Act: the station searches by a Chinese word, opens it and responds
    const applicant = await signedIn('连州市农业科技发展有限公司');
    await applicant.goto(`${stack.url}/demands`);
    await applicant.getByLabel('搜索').fill('黄龙病');
    await applicant.getByRole('button', { name: '查询' }).click();
    await applicant.getByRole('link', { name: title }).click();
    await applicant.getByLabel(/响应方案/).fill('派果树研究所专家两名驻村十天，现场诊断并培训果农。');
    await applicant.getByRole('button', { name: '提交响应' }).click();

    // Assess
    await expect.poll(async () => applicant.getByRole('status').filter({ hasText: '已响应' }).count(), patiently).toBe(1);
    await expect.poll(async () => applicant.getByRole('button', { name: '提交响应' }).count(), patiently).toBe(0);
    expect(await applicant.getByRole('heading', { name: '本单位的响应' }).count()).toBe(1);
    await shoot(applicant, 'demand-responded');

    // Act: the township picks the response, then closes it with five stars
    await township.goto(needUrl);
    await township.getByLabel(`选定 ${station.name}`).check();
    expect(await township.getByText('联系人：张伟 13800138000').count()).toBe(1);
    await township.getByRole('button', { name: '确认对接' }).click();
    await expect.poll(async () => township.locator('.title-row .badge').textContent(), patiently).toBe('已对接');
    await township.getByLabel(/完成情况/).fill('专家驻村十天，培训果农八十人，发病率明显下降。');
    await township.getByLabel('5 星').check();
    await township.getByLabel('培训人数').fill('80');
    await township.getByRole('button', { name: '办结并评价' }).click();

    // Assess: closed and rated, on the need's page and on the station's public certificate page
    await expect.poll(async () => township.locator('.title-row .badge').textContent(), patiently).toBe('已办结');
    expect(await township.getByRole('heading', { name: '办结评价' }).count()).toBe(1);
    await shoot(township, 'demand-closed');
    const publicPage = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    await publicPage.goto(`${stack.url}/certificates/${station.certificateNo}`);
    const taken = publicPage.getByRole('region', { name: '承接的需求' });
    await expect.poll(async () => taken.textContent(), patiently).toContain(title);
    expect(await taken.getByLabel('办结，评价 5 星').count()).toBe(1);
    // The township's list of gaps names its villages without a 农技协
    await township.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '缺口清单' }).click();
    const village = township.getByRole('row').filter({ hasText: '寒鸭村委会' });
    await expect.poll(async () => village.textContent(), patiently).toContain('尚无农村专业技术协会');
    await shoot(township, 'demand-gaps');
    // The station's notices lead to the need
    await applicant.goto(`${stack.url}/notifications`);
    await applicant.getByRole('link', { name: `需求已办结：${title}` }).click();
    await expect.poll(async () => new URL(applicant.url()).pathname, patiently).toBe(new URL(needUrl).pathname);
  }, 120_000);
});
