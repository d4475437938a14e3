// The web pages in a real browser (Debian's chromium driven by playwright-core) against the local stack:
// an application from its form to its verified certificate, clicked through as each user would.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startLocalStack, type LocalStack } from '#infra/local/stack.js';
import { chainTokens, httpClient, taskInInbox } from '../support/local.js';
import { ORG, submission } from '../support/submissions.js';

const root = resolve(import.meta.dirname, '../..');
const screenshots = join(root, 'test-results/screenshots');
const desktop = { width: 1280, height: 900 };
const phone = { width: 375, height: 812 };

let dataDir: string;
let stack: LocalStack;
let browser: Browser;

beforeAll(async () => {
  // The stack serves web/dist: build it first if it is missing or older than web/.
  execFileSync('node', ['web/build-if-stale.mjs'], { cwd: root, stdio: 'inherit' });
  mkdirSync(screenshots, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'gd-kexie-browser-'));
  stack = await startLocalStack({ dataDir, port: await freePort(), quiet: true });
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

async function open(viewport: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  return { context, page };
}

const shoot = (page: Page, name: string) => page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });

async function signIn(page: Page, account: string) {
  await page.goto(`${stack.url}/sign-in`);
  await page.getByRole('button', { name: account }).click();
  await page.waitForURL((url) => url.pathname !== '/sign-in');
}

/** Reloads until `locator` shows: the workflow hands the application to the next level within a second or so. */
async function reloadUntilVisible(page: Page, locator: Locator, ms = 15_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await locator.isVisible()) return;
    if (Date.now() > deadline) throw new Error(`not shown after ${ms} ms: ${locator}`);
    await page.waitForTimeout(300);
    await page.reload();
    await page.waitForLoadState('networkidle');
  }
}

/** An official signs in, opens the application from the inbox, and decides with the `decide` step. */
async function fromInbox(account: string, shot: string, applicationName: string, decide: (page: Page) => Promise<void>, viewport = desktop) {
  const { context, page } = await open(viewport);
  await signIn(page, account);
  expect(new URL(page.url()).pathname).toBe('/inbox');
  const task = page.getByRole('article').filter({ hasText: applicationName });
  await reloadUntilVisible(page, task);
  await shoot(page, `${shot}-inbox`);
  await task.getByRole('link', { name: /^审批/ }).click();
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(applicationName);
  await decide(page);
  await context.close();
}

const decisionPanel = (page: Page) => page.getByRole('form', { name: /审批意见/ });
const badge = (page: Page) => page.locator('.title-row .status');

/**
 * Approves with a comment (the province's approval asks first), then waits, without a reload, for the page to
 * show where the workflow took the application: `next` is what the page says once it got there.
 */
const approve = (shot: string, next: string, final = false) => async (page: Page) => {
  const panel = decisionPanel(page);
  await panel.getByLabel('通过', { exact: true }).check();
  await panel.getByRole('textbox', { name: /^审批意见/ }).fill('材料齐全，同意');
  await shoot(page, `${shot}-application`);
  await panel.getByRole('button', { name: '提交审批意见' }).click();
  if (final) await page.getByRole('dialog').getByRole('button', { name: '确认通过' }).click();
  await page.getByText(next).waitFor({ timeout: 8_000 });
  expect(await page.getByRole('button', { name: /正在提交/ }).count()).toBe(0);
  await shoot(page, `${shot}-decided`);
};

/** An application of 大路边镇 that its township and county approved over HTTP: it awaits the province. */
async function awaitingProvince(name: string): Promise<{ id: string; province: string; api: ReturnType<typeof httpClient> }> {
  const api = httpClient(stack.url);
  const tokens = await chainTokens(api);
  const body = submission('commissioner-station', '441882102', ORG, (form) => (form.name = name));
  const submitted = await api.call('POST', '/v1/applications', { token: tokens.applicant, body });
  expect(submitted.status).toBe(201);
  const id: string = submitted.body.id;
  for (const official of [tokens.township, tokens.county]) {
    await taskInInbox(api, official, id);
    expect((await api.call('POST', `/v1/applications/${id}/decision`, { token: official, body: { action: 'approve' } })).status).toBe(200);
  }
  await taskInInbox(api, tokens.province, id);
  return { id, province: tokens.province, api };
}

describe('the web pages in a browser', () => {
  it('take an application from a form with a mistake, through a return and its correction, past three approvals to a verified certificate', async () => {
    const name = '连州市大路边镇寒鸭村菜心专业技术协会';

    // Prepare: the applicant signs in and picks a type from the catalogue.
    const applicant = await open(desktop);
    let page = applicant.page;
    await page.goto(`${stack.url}/`);
    await page.getByRole('heading', { name: '登录' }).waitFor();
    await shoot(page, '01-sign-in');
    await page.getByRole('button', { name: '寒鸭村菜心专业技术协会' }).click();
    await page.getByRole('heading', { name: '我的申请' }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: '申报' }).click();
    await page.getByRole('link', { name: /农村专业技术协会/ }).waitFor();
    await shoot(page, '02-catalogue');
    await page.getByRole('link', { name: /农村专业技术协会/ }).click();
    await page.getByRole('heading', { name: '农村专业技术协会申请表' }).waitFor();

    // Act: fill in the form (labels tied to inputs) with one mistake, a ten-digit mobile number.
    await page.locator('#region-city').selectOption({ label: '清远市' });
    await page.locator('#region-county').selectOption({ label: '连州市' });
    await page.locator('#region-township').selectOption({ label: '大路边镇' });
    await page.locator('#region-village').selectOption({ label: '寒鸭村委会' });
    await page.getByLabel('站点或协会名称').fill(name);
    await page.getByLabel('申请单位名称').fill(name);
    await expect.poll(() => page.getByLabel('申请单位统一社会信用代码').inputValue()).toBe('51441882MJ1234567W');
    await page.getByLabel('联系人姓名').fill('张伟');
    await page.getByLabel('联系人手机号').fill('1380013800');
    await page.getByLabel('详细地址').fill('广东省清远市连州市大路边镇寒鸭村委会旁');
    await page.getByLabel('申请概述').fill('围绕连州菜心组织种植户开展品种选育、绿色防控和品牌销售方面的技术交流。');
    await page.getByLabel('一村一品特色产品').fill('连州菜心');
    await page.getByLabel('所属产业').selectOption({ label: '种植业' });
    await page.getByLabel('会员人数').fill('126');
    await page.getByLabel('法定代表人姓名').fill('邓国平');
    await page.getByLabel('法定代表人手机号').fill('13929876543');
    await page.getByRole('button', { name: '提交申请' }).click();

    // Assess: the mistake is shown beside its field, and only it.
    const mobile = page.getByLabel('联系人手机号');
    await page.locator('#f-contact-mobile-error').waitFor();
    expect(await page.locator('#f-contact-mobile-error').textContent()).toContain('手机号');
    expect(await mobile.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('.field-error').count()).toBe(1);
    await shoot(page, '03-form-error');

    // Act: fix it and submit again.
    await mobile.fill('13800138000');
    await page.getByRole('button', { name: '提交申请' }).click();
    await page.getByText('申请已提交，等待审批。').waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(name);
    const id = new URL(page.url()).pathname.split('/').pop()!;
    await shoot(page, '04-submitted');
    await applicant.context.close();

    // The form and every error at once on a phone's screen: an empty form submitted.
    const phoneApplicant = await open(phone);
    page = phoneApplicant.page;
    await signIn(page, '连州市农业科技发展有限公司');
    await page.goto(`${stack.url}/apply/science-e-station`);
    await page.getByRole('heading', { name: /科普中国乡村e站/ }).waitFor();
    await shoot(page, '05-form-phone');
    await page.getByRole('button', { name: '提交申请' }).click();
    await page.locator('.error-summary').waitFor();
    expect(await page.locator('.field-error').count()).toBeGreaterThan(4);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
    await shoot(page, '06-form-errors-phone');
    await phoneApplicant.context.close();

    // The township's inbox on a phone.
    const phoneOfficial = await open(phone);
    await signIn(phoneOfficial.page, '大路边镇科协');
    await phoneOfficial.page.getByRole('article').filter({ hasText: name }).waitFor();
    expect(await phoneOfficial.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
    await shoot(phoneOfficial.page, '07-inbox-phone');
    await phoneOfficial.context.close();

    // Act: the township returns it with a problem named against a field (一次性告知).
    await fromInbox('大路边镇科协', '08-township', name, async (page) => {
      await page.getByLabel('退回修改').check();
      await page.getByRole('textbox', { name: /^审批意见/ }).fill('请核对会员人数');
      await page.getByLabel('问题 1 所在栏目').selectOption({ label: '会员人数' });
      await page.getByLabel('问题 1 说明').fill('会员人数与会员名册不符');
      await shoot(page, '08-township-return');
      await page.getByRole('button', { name: '提交审批意见' }).click();
      await page.getByText('已提交审批意见：退回修改。').waitFor();
      expect(await badge(page).textContent()).toBe('退回修改');
    });

    // Act: the applicant corrects it with the problem in view, beside the field it names.
    const correcting = await open(desktop);
    page = correcting.page;
    await signIn(page, '寒鸭村菜心专业技术协会');
    const card = page.getByRole('article').filter({ hasText: name });
    await card.getByText('退回修改').waitFor();
    await shoot(page, '09-my-applications-returned');
    await card.getByRole('link', { name: '查看问题并修改' }).click();
    await page.getByRole('heading', { name: '修改并重新提交' }).waitFor();
    expect(await page.locator('.problems').textContent()).toContain('会员人数与会员名册不符');
    expect(await page.locator('#f-memberCount-note').textContent()).toContain('会员人数与会员名册不符');
    await page.getByLabel('会员人数').fill('130');
    await shoot(page, '10-correct');
    await page.getByRole('button', { name: '重新提交' }).click();
    await page.getByText('已重新提交').waitFor();
    await correcting.context.close();

    // Act: the township sees what changed and approves; then the county and the province approve.
    await fromInbox('大路边镇科协', '11-township-again', name, async (page) => {
      expect(await page.locator('.record-row.changed').textContent()).toContain('会员人数');
      await approve('11-township-again', '当前在县（区）审批')(page);
    });
    await fromInbox('连州市科协', '12-county', name, approve('12-county', '当前在省审批'));
    await fromInbox('广东省科协', '13-province', name, approve('13-province', '已通过省级审批', true));

    // Assess: the applicant sees it approved, level by level.
    const back = await open(desktop);
    page = back.page;
    await signIn(page, '寒鸭村菜心专业技术协会');
    await page.goto(`${stack.url}/applications/${id}`);
    await reloadUntilVisible(page, page.getByText('已通过省级审批'));
    expect(await page.locator('.step.done').count()).toBe(3);
    await shoot(page, '14-approved');
    await back.context.close();

    // Assess: the admin finds it in the registry by type and county.
    const admin = await open(desktop);
    page = admin.page;
    await signIn(page, '省科协管理员');
    expect(new URL(page.url()).pathname).toBe('/registry');
    await page.getByLabel('类型').selectOption({ label: '农村专业技术协会' });
    await page.locator('#filter-region-city').selectOption({ label: '清远市' });
    await page.locator('#filter-region-county').selectOption({ label: '连州市' });
    await page.getByRole('button', { name: '查询' }).click();
    await page.waitForURL(/region=441882/);
    const row = page.getByRole('row').filter({ hasText: name });
    await row.waitFor();
    await shoot(page, '15-registry');
    const certificateNo = (await row.getByRole('cell').first().textContent())!.trim();
    expect(certificateNo).not.toBe('');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    expect(readFileSync((await download.path())!, 'utf8')).toContain(name);
    await shoot(page, '16-registry-exported');
    await page.getByRole('navigation').getByRole('link', { name: '进度统计' }).click();
    await page.getByText('对照行动方案目标').waitFor();
    await page.locator('.bars li').first().waitFor();
    await shoot(page, '17-dashboard');
    await admin.context.close();

    // Assess: anyone, signed in or not, verifies the certificate; the printable one carries the QR code.
    const citizen = await open(phone);
    page = citizen.page;
    await page.goto(`${stack.url}/certificates/${encodeURIComponent(certificateNo)}`);
    await page.getByText('证书真实有效').waitFor();
    expect(await page.getByText(name).first().isVisible()).toBe(true);
    await shoot(page, '18-certificate-phone');
    await citizen.context.close();
    const printer = await open(desktop);
    page = printer.page;
    await page.goto(`${stack.url}/certificates/${encodeURIComponent(certificateNo)}/print`);
    await page.locator('.qr-code svg').waitFor();
    expect(await page.getByText(name).first().isVisible()).toBe(true);
    await shoot(page, '19-certificate-print');
    await page.goto(`${stack.url}/certificates/NO-SUCH-CERTIFICATE`);
    await page.getByText('未找到证书编号').waitFor();
    await printer.context.close();
  }, 240_000);

  it('on a phone put the application before the decision, preselect nothing, ask before a final decision, and follow the approval to its certificate without a reload', async () => {
    // Prepare: an application awaiting the province, opened by the province's official on a phone.
    const name = '连州市大路边镇农村科技特派员工作站（省级审批）';
    const { id, province, api } = await awaitingProvince(name);
    const { context, page } = await open(phone);
    await signIn(page, '广东省科协');
    await page.goto(`${stack.url}/applications/${id}`);
    const panel = decisionPanel(page);
    await panel.waitFor();
    const decisions: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname.endsWith('/decision')) decisions.push(request.url());
    });

    // Assess: the whole content comes before the panel, and no result is chosen for the official.
    const content = (await page.locator('dl.record').first().boundingBox())!;
    expect((await panel.boundingBox())!.y).toBeGreaterThanOrEqual(content.y + content.height);
    expect(await panel.getByRole('radio').count()).toBe(3);
    expect(await panel.locator('input[type=radio]:checked').count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
    await shoot(page, '20-province-phone');

    // Act: a rejection asks first (the focus in the dialog); cancelling it decides nothing and gives the focus back.
    await panel.getByLabel('不予通过').check();
    await panel.getByRole('textbox', { name: /^审批意见/ }).fill('材料不全');
    await panel.getByRole('button', { name: '提交审批意见' }).click();
    const rejecting = page.getByRole('dialog', { name: '确认不予通过' });
    await rejecting.waitFor();
    expect(await page.evaluate(() => document.activeElement?.closest('dialog')?.open)).toBe(true);
    await shoot(page, '21-province-confirm-reject-phone');
    await rejecting.getByRole('button', { name: '取消' }).click();
    await rejecting.waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('提交审批意见');

    // Act: the approval asks too; Escape cancels it.
    await panel.getByLabel('通过', { exact: true }).check();
    await panel.getByRole('textbox', { name: /^审批意见/ }).fill('材料齐全，同意');
    await panel.getByRole('button', { name: '提交审批意见' }).click();
    const approving = page.getByRole('dialog', { name: '确认通过省级审批' });
    await approving.waitFor();
    await page.keyboard.press('Escape');
    await approving.waitFor({ state: 'hidden' });

    // Assess: still undecided, here and in the API.
    expect(decisions).toEqual([]);
    expect(await badge(page).textContent()).toBe('审批中');
    expect((await api.call('GET', `/v1/applications/${id}`, { token: province })).body.status).toBe('PENDING');
    await taskInInbox(api, province, id);

    // Act: approve, confirmed. A mark on the window tells whether the page was reloaded.
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));
    await panel.getByRole('button', { name: '提交审批意见' }).click();
    await approving.getByRole('button', { name: '确认通过' }).click();

    // Assess: within a few seconds, by itself, the page reads approved with the certificate's number and link.
    const recorded = page.getByRole('status').filter({ hasText: '已通过省级审批' });
    await recorded.waitFor({ timeout: 8_000 });
    const approved = (await api.call('GET', `/v1/applications/${id}`, { token: province })).body;
    expect(approved.status).toBe('APPROVED');
    expect(await recorded.textContent()).toContain(approved.certificateNo);
    expect(await recorded.getByRole('link', { name: '查验证书' }).getAttribute('href')).toBe(`/certificates/${encodeURIComponent(approved.certificateNo)}`);
    expect(await badge(page).textContent()).toBe('已通过');
    expect(await page.evaluate(() => (window as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(decisions).toHaveLength(1);
    expect(await page.getByRole('button', { name: /正在提交/ }).count()).toBe(0);
    expect(await panel.count()).toBe(0);
    await shoot(page, '22-province-approved-phone');
    await context.close();
  }, 120_000);
  it('let the province revoke a certificate with a reason after a confirmation; the public page then reads 已撤销 with the reason, and the registry finds it by status', async () => {
    // Prepare: a certificate, approved by the province over HTTP
    const name = '连州市大路边镇农村科技特派员工作站（撤销）';
    const { id, province, api } = await awaitingProvince(name);
    expect((await api.call('POST', `/v1/applications/${id}/decision`, { token: province, body: { action: 'approve' } })).status).toBe(200);
    let certificateNo = '';
    for (const deadline = Date.now() + 15_000; !certificateNo && Date.now() < deadline; ) {
      certificateNo = (await api.call('GET', `/v1/applications/${id}`, { token: province })).body.certificateNo ?? '';
      if (!certificateNo) await new Promise((r) => setTimeout(r, 300));
    }
    expect(certificateNo).not.toBe('');

    // Act: the province's official opens the certificate, asks to revoke without a reason, then with one, cancels once, confirms
    const official = await open(desktop);
    let page = official.page;
    await signIn(page, '广东省科协');
    await page.goto(`${stack.url}/certificates/${encodeURIComponent(certificateNo)}`);
    await page.getByText('证书真实有效').waitFor();
    const form = page.getByRole('form', { name: '撤销证书' });
    await form.getByRole('button', { name: '撤销证书' }).click();
    await form.getByText('请填写撤销原因').waitFor();
    await form.getByRole('textbox', { name: /撤销原因/ }).fill('经核查已停止服务，连续两年未报送年度报告');
    await form.getByRole('button', { name: '撤销证书' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(certificateNo).waitFor();
    await shoot(page, '30-revoke-confirm');
    await dialog.getByRole('button', { name: '取消' }).click();
    expect((await api.call('GET', `/v1/certificates/${certificateNo}`)).body.status).toBe('ACTIVE');
    await form.getByRole('button', { name: '撤销证书' }).click();
    await dialog.getByRole('button', { name: '确认撤销' }).click();
    await page.getByText(`已撤销证书 ${certificateNo}`).waitFor();
    await page.getByText('✕ 证书已撤销').waitFor();
    expect(await page.getByRole('form', { name: '撤销证书' }).count()).toBe(0);
    await shoot(page, '31-revoked');
    await official.context.close();

    // Assess: anyone reads that it is revoked, when and why; no revoke form for them
    const citizen = await open(phone);
    page = citizen.page;
    await page.goto(`${stack.url}/certificates/${encodeURIComponent(certificateNo)}`);
    await page.getByText('✕ 证书已撤销').waitFor();
    expect(await page.getByText(/证书已于 \d{4}-\d{2}-\d{2} 撤销，原因：经核查已停止服务/).isVisible()).toBe(true);
    expect(await page.locator('.cert-status').textContent()).toBe('已撤销');
    expect(await page.getByRole('form', { name: '撤销证书' }).count()).toBe(0);
    await shoot(page, '32-revoked-phone');
    await citizen.context.close();

    // Assess: the administrator's registry, filtered by status, lists it as 已撤销
    const admin = await open(desktop);
    page = admin.page;
    await signIn(page, '省科协管理员');
    await page.getByLabel('状态').selectOption({ label: '已撤销' });
    await page.getByRole('button', { name: '查询' }).click();
    await page.waitForURL(/status=REVOKED/);
    const row = page.getByRole('row').filter({ hasText: name });
    await row.waitFor();
    expect(await row.getByRole('cell').last().textContent()).toContain('已撤销');
    await page.getByLabel('状态').selectOption({ label: '有效' });
    await page.getByRole('button', { name: '查询' }).click();
    await page.waitForURL(/status=ACTIVE/);
    await page.getByRole('status').waitFor();
    expect(await page.getByRole('row').filter({ hasText: name }).count()).toBe(0);
    await shoot(page, '33-registry-by-status');
    await admin.context.close();
  }, 240_000);
});
