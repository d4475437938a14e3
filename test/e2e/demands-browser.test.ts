// The demand library's pages in a real browser (Debian's chromium driven by playwright-core) against the local stack:
// a village of 连州市 (东峉塘村委会's account) posts a need with a photo (seen on the need's page), its township (大路边镇科协) returns it with a problem at its
// field, the village corrects it and the township confirms it; a certified station finds it by a Chinese word and
// responds, the township picks it and closes it with a rating, and the station's public certificate page shows it; the
// township's list of gaps names its villages without a 农技协.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startLocalStack, type LocalStack } from '#infra/local/stack.js';
import type { RegistryRecord } from '#functions/domain/registry.js';
import { seedApproved } from '../integration/registry-fixtures.js';
import { png } from '../support/files.js';

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
  it('a village posts a need, its township returns it, the village corrects it, the township confirms it; a station finds it by a Chinese word and responds, the township picks it and rates it, and the certificate shows it', async () => {
    // Act: the village posts, with a title too short first (the problem shown at its field)
    const village = await signedIn('东峉塘村委会');
    await expect.poll(async () => new URL(village.url()).pathname, patiently).toBe('/demands');
    await village.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '提交需求' }).click();
    await village.getByLabel('需求类别').selectOption({ label: '技术' });
    await village.getByLabel('所属产业').selectOption({ label: '种植业' });
    expect(await village.locator('#need-region-fixed').textContent()).toContain('441882102206');
    await village.getByLabel('需求标题').fill('短');
    await village.getByLabel('需求描述').fill('本村种植沙糖桔约两百亩，近两年黄龙病蔓延，急需专家到村现场指导。');
    // A photo of the orchard, sent straight to storage and checked before the need is sent
    await village.setInputFiles('#m-files-input', { name: '果园病叶.png', mimeType: 'image/png', buffer: png() });
    await expect.poll(async () => village.locator('.materials-editor .upload').textContent(), patiently).toContain('检查通过');
    await village.getByRole('button', { name: '提交乡镇确认' }).click();

    // Assess: refused at the title, nothing posted
    await expect.poll(async () => village.locator('#need-title-error').textContent(), patiently).toContain('至少4个字');

    // Act: corrected
    await village.getByLabel('需求标题').fill(title);
    await village.getByRole('button', { name: '提交乡镇确认' }).click();

    // Assess: the need's page, awaiting its township
    await expect.poll(async () => village.getByRole('heading', { level: 1 }).textContent(), patiently).toBe(title);
    expect(await village.locator('.title-row .badge').textContent()).toBe('待确认');
    const needUrl = village.url();
    // Its photo, listed with its size, opens in the page
    const files = village.getByRole('region', { name: '需求附件（1 个）' });
    expect(await files.textContent()).toContain('果园病叶.png');
    expect(await files.textContent()).toMatch(/PNG · \d+ KB/);
    await files.getByRole('button', { name: '打开 果园病叶.png' }).click();
    await expect.poll(async () => village.getByRole('img', { name: '预览：果园病叶.png' }).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), patiently).toBe(true);
    await shoot(village, 'demand-village-posted');

    // Act: the township finds it among the needs to confirm and returns it, naming the description
    const township = await signedIn('大路边镇科协');
    // Its 待办 says a village's need awaits it, with the working days left
    await expect.poll(async () => township.getByText(/条村委会提交的需求待确认/).textContent(), patiently).toMatch(/还剩 \d+ 个工作日|今天到期/);
    await township.getByRole('link', { name: '去需求库确认' }).click();
    const toConfirm = township.getByRole('region', { name: '待确认的村级需求' });
    await toConfirm.getByRole('link', { name: title }).click();
    await township.getByLabel('退回修改').check();
    await township.getByLabel(/^意见/).fill('请补充完善需求描述');
    await township.getByLabel('问题 1 所在栏目').selectOption({ label: '需求描述' });
    await township.getByLabel('问题 1 说明').fill('请写明病虫害防治的具体内容');
    await shoot(township, 'demand-confirm');
    await township.getByRole('button', { name: '提交确认意见' }).click();

    // Assess
    await expect.poll(async () => township.locator('.title-row .badge').textContent(), patiently).toBe('已退回');

    // Act: the village reads the problem at its field, corrects and sends it again
    await village.goto(needUrl);
    await expect.poll(async () => village.getByRole('region', { name: '需修改的问题（一次性告知）' }).textContent(), patiently).toContain('需求描述：请写明病虫害防治的具体内容');
    await village.getByRole('link', { name: '修改重新提交' }).click();
    await expect.poll(async () => village.locator('#need-description-error').textContent(), patiently).toContain('请写明病虫害防治的具体内容');
    await shoot(village, 'demand-correct');
    await village.getByLabel('需求描述').fill('本村种植沙糖桔约两百亩，近两年黄龙病蔓延，急需柑橘病虫害防治专家到村现场指导，培训果农规范用药。');
    await village.getByRole('button', { name: '修改后重新提交' }).click();
    await expect.poll(async () => village.locator('.title-row .badge').textContent(), patiently).toBe('待确认');

    // Act: the township confirms it
    await township.goto(needUrl);
    await township.getByLabel('确认发布').check();
    await township.getByRole('button', { name: '提交确认意见' }).click();

    // Assess: published, in the township's charge
    await expect.poll(async () => township.locator('.title-row .badge').textContent(), patiently).toBe('征集中');
    await shoot(township, 'demand-posted');
    // The stations already near it: the certified station of 大路边镇, linked to its certificate
    const nearby = township.getByRole('region', { name: '附近的站点' });
    await expect.poll(async () => nearby.getByRole('link', { name: station.name }).getAttribute('href'), patiently).toBe(`/certificates/${encodeURIComponent(station.certificateNo)}`);
    expect(await nearby.textContent()).toContain('同一乡镇');
    // The village is told
    await village.goto(`${stack.url}/notifications`);
    await expect.poll(async () => village.getByRole('link', { name: `需求已通过确认，发布到需求库：${title}` }).count(), patiently).toBe(1);

    // Act: the station searches by a Chinese word, opens it and responds
    const applicant = await signedIn('连州市农业科技发展有限公司');
    await applicant.goto(`${stack.url}/demands`);
    // Its own county first: the station is in 连州市
    await expect.poll(async () => applicant.getByRole('region', { name: '本县（区）的需求：连州市' }).getByRole('link', { name: title }).count(), patiently).toBe(1);
    await applicant.getByLabel('搜索').fill('黄龙病');
    await applicant.getByRole('button', { name: '查询' }).click();
    // 连州 is of 清远, which the default pairs give to 广州 (珠三角带粤东西北)
    await expect.poll(async () => applicant.locator('.cards li', { hasText: title }).textContent(), patiently).toContain('结对帮扶：广州市');
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
    const villageRow = township.getByRole('row').filter({ hasText: '寒鸭村委会' });
    await expect.poll(async () => villageRow.textContent(), patiently).toContain('尚无农村专业技术协会');
    await shoot(township, 'demand-gaps');
    // The station's notices lead to the need
    await applicant.goto(`${stack.url}/notifications`);
    await applicant.getByRole('link', { name: `需求已办结：${title}` }).click();
    await expect.poll(async () => new URL(applicant.url()).pathname, patiently).toBe(new URL(needUrl).pathname);
  }, 120_000);
});
