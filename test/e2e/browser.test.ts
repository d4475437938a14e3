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
import { pdf, windowsExecutable } from '../support/files.js';
import { requiredMaterials } from '../support/materials.js';
import { robotReceiver, type RobotReceiver } from '../support/mail.js';
import { seedApproved } from '../integration/registry-fixtures.js';
import { cstDate } from '#functions/domain/china-time.js';

const root = resolve(import.meta.dirname, '../..');
const screenshots = join(root, 'test-results/screenshots');
const desktop = { width: 1280, height: 900 };
const phone = { width: 375, height: 812 };

let dataDir: string;
let stack: LocalStack;
let browser: Browser;
let robot: RobotReceiver;
/** The township's soft limit: 催办 opens halfway, 30 s after its task arrives (the other tests finish well inside its hard limit). */
const TIME_LIMITS = 'township=60s/3600s';

beforeAll(async () => {
  // The stack serves web/dist: build it first if it is missing or older than web/.
  execFileSync('node', ['web/build-if-stale.mjs'], { cwd: root, stdio: 'inherit' });
  mkdirSync(screenshots, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'gd-kexie-browser-'));
  stack = await startLocalStack({ dataDir, port: await freePort(), quiet: true, env: { TIME_LIMITS }, sweepEveryMs: 500 });
  robot = await robotReceiver();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await robot?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function open(viewport: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  return { context, page };
}

const shoot = (page: Page, name: string) => page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });

interface LocalFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/** A material's file chosen on the form, as a user picks it (the control labelled with the material's name). */
async function choose(page: Page, key: string, file: LocalFile) {
  await page.locator(`#m-${key}-input`).setInputFiles(file);
}

/** The upload under a material once it is done: `ready` (checked) or `refused`. */
async function settled(page: Page, key: string, phase: 'ready' | 'refused', fileName: string) {
  const entry = page.locator(`#m-${key} li.upload.${phase}`).filter({ hasText: fileName });
  await entry.waitFor({ timeout: 15_000 });
  return entry;
}

/** Violations of the pages' CSP the page reports (a blocked frame, image or fetch of the S3 server). */
function cspViolations(page: Page): string[] {
  const seen: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) seen.push(message.text());
  });
  return seen;
}

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
  // Opened from 待办, the application is 待办's in the menu (not 辖区申请's, whose paths it shares).
  expect(await page.getByRole('navigation', { name: '主导航' }).locator('[aria-current="page"]').textContent()).toBe('待办审批');
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
  const { refs } = await requiredMaterials(api, tokens.applicant, 'commissioner-station');
  const submitted = await api.call('POST', '/v1/applications', { token: tokens.applicant, body: { ...body, materials: refs } });
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

    // Act: the materials. Each shows its rules and whether it is required; a Word file is refused before it is sent,
    // an executable renamed 章程.pdf is sent and refused by the server by its bytes; then the right files.
    const roster = page.locator('#m-member-roster');
    expect(await roster.locator('legend').textContent()).toContain('会员名册');
    expect(await roster.locator('.material-rules').textContent()).toContain('接受 PDF、JPEG、PNG 或 OFD，每个文件不超过 20 MB');
    expect(await page.locator('#m-featured-product legend').textContent()).toContain('（选填）');
    expect(await page.locator('#m-member-roster legend .required').count()).toBe(1);
    // The file control is a labelled input that the keyboard reaches (its label reads in Chinese, not the browser's own).
    const rosterInput = page.getByLabel('选择文件（会员名册）');
    expect(await rosterInput.getAttribute('type')).toBe('file');
    await page.locator('#m-charter-input').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('m-member-roster-input');
    await choose(page, 'member-roster', { name: '会员名册.docx', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', buffer: Buffer.from('PK\x03\x04 a Word file') });
    expect(await (await settled(page, 'member-roster', 'refused', '会员名册.docx')).textContent()).toContain('「会员名册」只接受 PDF、JPEG、PNG 或 OFD 文件');
    await choose(page, 'charter', { name: '章程.pdf', mimeType: 'application/pdf', buffer: windowsExecutable() });
    const refused = await settled(page, 'charter', 'refused', '章程.pdf');
    expect(await refused.textContent()).toMatch(/「章程」的文件内容不是 .*检测到可执行程序/);
    await shoot(page, '03a-material-refused');
    const rosterBytes = pdf({ objects: ['<< /Roster 126 >>'] });
    await choose(page, 'registration-certificate', { name: '登记证书.pdf', mimeType: 'application/pdf', buffer: pdf({ objects: ['<< /Certificate 1 >>'] }) });
    await choose(page, 'charter', { name: '章程.pdf', mimeType: 'application/pdf', buffer: pdf({ objects: ['<< /Charter 1 >>'] }) });
    await choose(page, 'member-roster', { name: '会员名册.pdf', mimeType: 'application/pdf', buffer: rosterBytes });
    // A phone's camera photo of the village committee's opinion: a real JPEG, encoded by the browser.
    const photo = Buffer.from(
      await page.evaluate(() => {
        const canvas = Object.assign(document.createElement('canvas'), { width: 64, height: 48 });
        const g = canvas.getContext('2d')!;
        g.fillStyle = '#b42318';
        g.fillRect(8, 8, 48, 32);
        return canvas.toDataURL('image/jpeg', 0.9).split(',')[1]!;
      }),
      'base64',
    );
    await choose(page, 'host-opinion', { name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: photo });
    for (const [key, file] of [['registration-certificate', '登记证书.pdf'], ['charter', '章程.pdf'], ['member-roster', '会员名册.pdf'], ['host-opinion', 'IMG_0001.jpg']]) {
      await settled(page, key!, 'ready', file!);
    }
    // The refused ones gave way to the files that replaced them (one file per material).
    expect(await page.locator('li.upload.refused').count()).toBe(0);
    await page.getByRole('button', { name: '提交申请' }).click();

    // Assess: the mistake is shown beside its field, and only it.
    const mobile = page.getByLabel('联系人手机号');
    await page.locator('#f-contact-mobile-error').waitFor();
    expect(await page.locator('#f-contact-mobile-error').textContent()).toContain('手机号');
    expect(await mobile.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('.field-error').count()).toBe(1);
    await shoot(page, '03-form-error');

    // The summary names the field once (its message begins with the field's label).
    const summaryLine = (await page.locator('.error-summary li').first().textContent()) ?? '';
    expect(summaryLine).toContain('手机号');
    expect(summaryLine.split('联系人手机号').length - 1).toBeLessThanOrEqual(1);

    // Act: fix it (its error goes as it is edited, not at the next submission) and submit again.
    await mobile.fill('13800138000');
    expect(await page.locator('#f-contact-mobile-error').count()).toBe(0);
    expect(await mobile.getAttribute('aria-invalid')).toBeNull();
    await page.getByRole('button', { name: '提交申请' }).click();
    // The submission, the draft's deletion, then the application page's own code and data (loaded when first shown).
    await page.getByText('申请已提交，等待审批。').waitFor({ timeout: 20_000 });
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(name);
    const id = new URL(page.url()).pathname.split('/').pop()!;
    // The applicant sees its materials, each file with its kind and size.
    expect(await page.locator('#material-member-roster').textContent()).toMatch(/会员名册\.pdf PDF · \d+ KB · .* 上传/);
    expect(await page.locator('#material-host-opinion').textContent()).toContain('IMG_0001.jpg JPEG');
    await shoot(page, '04-submitted');
    await applicant.context.close();

    // On a phone the applicant finds 撤回申请 before the application's content, not after all of it and the history.
    const phoneOwner = await open(phone);
    await signIn(phoneOwner.page, '寒鸭村菜心专业技术协会');
    await phoneOwner.page.goto(`${stack.url}/applications/${id}`);
    const withdrawButton = phoneOwner.page.getByRole('button', { name: '撤回申请' });
    await withdrawButton.waitFor();
    const contentHeading = phoneOwner.page.getByRole('heading', { name: '申请内容' });
    expect((await withdrawButton.boundingBox())!.y).toBeLessThan((await contentHeading.boundingBox())!.y);
    await phoneOwner.context.close();

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
    // Each task counts down the working days its office has left (a new one: the whole limit, or due today).
    expect(await phoneOfficial.page.getByRole('article').filter({ hasText: name }).locator('.countdown').textContent()).toMatch(/^（(还剩 \d+ 个工作日|今天到期)）$/);
    expect(await phoneOfficial.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
    await shoot(phoneOfficial.page, '07-inbox-phone');
    await phoneOfficial.context.close();

    // Act: the township previews the member roster in the page (a PDF from the S3 server, through a link of minutes),
    // then returns the application with a problem named against a field and one against that material (一次性告知).
    await fromInbox('大路边镇科协', '08-township', name, async (page) => {
      const violations = cspViolations(page);
      await page.getByRole('button', { name: '预览 会员名册.pdf' }).click();
      const frame = page.locator('iframe.preview-frame');
      await frame.waitFor();
      const src = (await frame.getAttribute('src'))!;
      expect(src.startsWith(`${stack.s3.endpoint}/`)).toBe(true);
      expect(await frame.getAttribute('title')).toBe('预览：会员名册.pdf');
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('material-preview-title');
      // What the frame shows is the roster, byte for byte, and the pages may fetch it (the CSP names the S3 server).
      const fetched = await page.evaluate(async (url) => {
        const response = await fetch(url);
        return { status: response.status, type: response.headers.get('content-type'), bytes: [...new Uint8Array(await response.arrayBuffer())] };
      }, src);
      expect(fetched.status).toBe(200);
      expect(fetched.type).toBe('application/pdf');
      expect(Buffer.from(fetched.bytes).equals(rosterBytes)).toBe(true);
      await expect.poll(() => page.frames().some((f) => f.url() === src)).toBe(true);
      // The photo previews as an image, which loads.
      await page.getByRole('button', { name: '预览 IMG_0001.jpg' }).click();
      const image = page.getByRole('img', { name: '预览：IMG_0001.jpg' });
      await image.waitFor();
      await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
      expect(violations).toEqual([]);
      await shoot(page, '08-township-preview');

      await page.getByLabel('退回修改').check();
      await page.getByRole('textbox', { name: /^审批意见/ }).fill('请核对会员人数');
      await page.getByLabel('问题 1 所在栏目').selectOption({ label: '会员人数' });
      await page.getByLabel('问题 1 说明').fill('会员人数与会员名册不符');
      await page.getByRole('button', { name: '＋ 添加问题' }).click();
      await page.getByLabel('问题 2 所在栏目').selectOption({ label: '申报材料 · 会员名册' });
      await page.getByLabel('问题 2 说明').fill('名册缺少会员签名');
      await shoot(page, '08-township-return');
      await page.getByRole('button', { name: '提交审批意见' }).click();
      await page.getByText('已提交审批意见：退回修改。').waitFor();
      // After a decision the official goes on from here: the next task, or back to an empty inbox.
      await page.locator('.live-region').getByText(/下一件待办：|待办已全部处理。/).waitFor();
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
    // The returned material: the problem beside it, its current file to be replaced, a new one sent.
    expect(await page.locator('.problems').textContent()).toContain('申报材料 · 会员名册：名册缺少会员签名');
    expect(await page.locator('#m-member-roster-note').textContent()).toContain('名册缺少会员签名');
    expect(await page.locator('#m-member-roster .current-files li.replaced').textContent()).toContain('会员名册.pdf');
    expect(await page.locator('#m-charter .current-files li.replaced').count()).toBe(0);
    await page.getByLabel('会员人数').fill('130');
    await choose(page, 'member-roster', { name: '会员名册（签名版）.pdf', mimeType: 'application/pdf', buffer: pdf({ objects: ['<< /Roster 130 /Signed true >>'] }) });
    await settled(page, 'member-roster', 'ready', '会员名册（签名版）.pdf');
    await shoot(page, '10-correct');
    await page.getByRole('button', { name: '重新提交' }).click();
    await page.getByText('已重新提交').waitFor();
    await correcting.context.close();

    // Act: the township sees what changed (the field, the material replaced, the old file still there) and approves;
    // then the county and the province approve.
    await fromInbox('大路边镇科协', '11-township-again', name, async (page) => {
      expect(await page.locator('.record-row.changed').textContent()).toContain('会员人数');
      const roster = page.locator('#material-member-roster');
      expect(await roster.locator('.changed-badge').textContent()).toBe('已更换');
      // The materials the return did not name were kept as they were, not sent again.
      expect(await page.locator('#material-charter .changed-badge').count()).toBe(0);
      expect(await page.locator('#material-charter').textContent()).toContain('章程.pdf');
      expect(await roster.locator('.material-files').first().textContent()).toContain('会员名册（签名版）.pdf');
      await roster.getByText('已替换的旧文件（1 个）').click();
      expect(await roster.locator('.replaced-files').textContent()).toContain('会员名册.pdf');
      expect(await page.locator('.history').textContent()).toContain('替换了文件：会员名册（会员名册.pdf）');
      expect(await page.locator('.history').textContent()).toContain('修改了：会员人数、申报材料 · 会员名册');
      await roster.getByRole('button', { name: '预览 会员名册.pdf' }).click();
      expect(await page.locator('iframe.preview-frame').getAttribute('title')).toBe('预览：会员名册.pdf');
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
  it('tell an official of a new task in the header and the notification centre, where it is marked read; let the applicant urge once the office held it half its limit; let an administrator set an office’s channels', async () => {
    // Prepare: an administrator sets the township office's e-mail and 企业微信 robot; a bad webhook is refused first
    const admin = await open(desktop);
    let page = admin.page;
    await signIn(page, '省科协管理员');
    await page.getByRole('navigation').getByRole('link', { name: '通知渠道' }).click();
    await page.getByRole('heading', { level: 1, name: '通知渠道' }).waitFor();
    await page.getByLabel('审批层级').selectOption({ label: '乡镇' });
    await page.locator('#office-region-city').selectOption({ label: '清远市' });
    await page.locator('#office-region-county').selectOption({ label: '连州市' });
    await page.locator('#office-region-township').selectOption({ label: '大路边镇' });
    const settings = page.getByRole('form', { name: /大路边镇/ });
    await settings.waitFor();
    await settings.getByLabel(/接收通知的电子邮箱/).fill('dlb-kexie@example.org');
    await settings.getByLabel('企业微信群机器人').check();
    await settings.getByLabel(/Webhook 地址/).fill('http://qyapi.example.org/cgi-bin/webhook/send?key=abc');
    await settings.getByRole('button', { name: '保存' }).click();
    await page.locator('#channel-webhook-error').waitFor();
    expect(await page.locator('#channel-webhook-error').textContent()).toContain('https://');
    expect(await settings.getByLabel(/Webhook 地址/).getAttribute('aria-invalid')).toBe('true');
    await settings.getByLabel(/Webhook 地址/).fill(robot.url('/cgi-bin/webhook/send?key=browser-robot-key'));
    await settings.getByRole('button', { name: '保存' }).click();
    await settings.getByText('已保存。').waitFor();
    expect(await settings.getByText(/当前：企业微信群机器人/).textContent()).toContain('key=****-key');
    expect(await page.content()).not.toContain('browser-robot-key');
    await shoot(page, '23-channels');
    await page.getByRole('navigation').getByRole('link', { name: '投递失败' }).click();
    await page.getByText('没有投递失败的消息。').waitFor();
    await admin.context.close();

    // Act: the applicant organisation submits (over HTTP); the task reaches the township
    const name = '连州市大路边镇学会科技服务站（通知与催办）';
    const api = httpClient(stack.url);
    const tokens = await chainTokens(api);
    const { refs } = await requiredMaterials(api, tokens.applicant, 'society-station');
    const body = submission('society-station', '441882102', ORG, (form) => (form.name = name));
    const submitted = await api.call('POST', '/v1/applications', { token: tokens.applicant, body: { ...body, materials: refs } });
    expect(submitted.status, submitted.text).toBe(201);
    const id: string = submitted.body.id;
    await taskInInbox(api, tokens.township, id);

    // Assess: on the applicant's page 催办 is not yet possible, and says from when
    const applicant = await open(desktop);
    await signIn(applicant.page, '连州市农业科技发展有限公司');
    await applicant.page.goto(`${stack.url}/applications/${id}`);
    const urge = applicant.page.getByRole('button', { name: '催办乡镇' });
    await urge.waitFor();
    expect(await urge.isDisabled()).toBe(true);
    expect(await applicant.page.locator('#urge-hint').textContent()).toMatch(/乡镇收到申请未满审批期限的一半，.+ 后可以催办/);
    await shoot(applicant.page, '24-urge-not-yet');

    // Act: the township official signs in: the header counts the unread notices; the centre lists the task's first
    const official = await open(desktop);
    page = official.page;
    await signIn(page, '大路边镇科协');
    const centre = page.getByRole('banner').getByRole('link', { name: /^通知/ });
    await expect.poll(() => centre.getAttribute('aria-label')).toMatch(/^通知，\d+ 条未读$/);
    const counted = async () => Number(/(\d+) 条未读/.exec((await centre.getAttribute('aria-label')) ?? '')?.[1] ?? 0);
    const unread = await counted();
    await centre.click();
    await page.getByRole('heading', { level: 1, name: '通知' }).waitFor();
    const notice = page.getByRole('article').filter({ hasText: `待审批：${name}` });
    await notice.waitFor();
    expect(await page.getByRole('article').first().textContent()).toContain(`待审批：${name}`);
    expect(await notice.locator('.unread-badge').textContent()).toBe('未读');
    expect(await notice.locator('.badge').first().textContent()).toBe('新待办');
    await shoot(page, '25-notifications');

    // Act: marked read
    await notice.getByRole('button', { name: `将“待审批：${name}”标为已读` }).click();

    // Assess: read on the page, in the header's count and in the API
    await notice.getByText('· 已读').waitFor();
    expect(await notice.locator('.unread-badge').count()).toBe(0);
    await expect.poll(counted).toBe(unread - 1);
    const listed = (await api.call('GET', '/v1/notifications?limit=100', { token: tokens.township })).body.items;
    expect(listed.find((n: { applicationId?: string; kind: string }) => n.applicationId === id && n.kind === 'task')?.read).toBe(true);
    await shoot(page, '26-notification-read');
    await notice.getByRole('link', { name: `待审批：${name}` }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(name);

    // Act: half the township's limit passes: the applicant's page enables 催办 by itself; the applicant urges
    await expect.poll(() => urge.isEnabled(), { timeout: 45_000 }).toBe(true);
    await urge.click();

    // Assess: urged, in the history, not again today; the township told, its robot too
    await applicant.page.getByText(/已催办，乡镇审批人员已收到催办通知/).waitFor();
    await applicant.page.locator('.history-entry.urge').waitFor();
    await expect.poll(() => urge.isDisabled()).toBe(true);
    expect(await applicant.page.locator('#urge-hint').textContent()).toContain('今天已催办过');
    await shoot(applicant.page, '27-urged');
    await applicant.context.close();
    await page.goto(`${stack.url}/notifications`);
    await page.getByRole('article').filter({ hasText: `催办：${name}` }).waitFor();
    await official.context.close();
    const about = (kind: string) => robot.calls.filter((call) => call.accepted && call.body.text?.content?.includes(`${kind}：${name}`) && call.body.text.content.includes(`/applications/${id}`));
    await expect.poll(() => about('催办').length, { timeout: 15_000 }).toBe(1);
    expect(about('待审批')).toHaveLength(1);
  }, 180_000);
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
    // The revoked record leaves the list once the filtered page has rendered (the previous page may still show it).
    await expect.poll(() => page.getByRole('row').filter({ hasText: name }).count(), { timeout: 10_000 }).toBe(0);
    await shoot(page, '33-registry-by-status');
    await admin.context.close();
  }, 240_000);
  it.each([
    ['a phone', 'phone', '甲'],
    ['a desktop', 'desktop', '乙'],
  ] as const)('let the province approve three tasks at once on %s, each listed for a last look, and say how each went', async (_, device, mark) => {
    // Prepare: three applications awaiting the province
    const names = ['一', '二', '三'].map((n) => `连州市大路边镇农村科技特派员工作站（批量${mark}${n}）`);
    const waiting = [];
    for (const name of names) waiting.push(await awaitingProvince(name));

    // Act: the province ticks the three in its inbox, opens the confirmation, confirms
    const { context, page } = await open(device === 'phone' ? phone : desktop);
    await signIn(page, '广东省科协');
    for (const name of names) await reloadUntilVisible(page, page.getByRole('article').filter({ hasText: name }));
    for (const name of names) await page.getByLabel(`选择 ${name}`).check();
    await page.getByText('已选 3 件').waitFor();
    await page.getByRole('button', { name: '批量通过…' }).click();
    const confirm = page.getByRole('group', { name: '确认通过以下 3 件' });
    expect(await confirm.getByRole('listitem').allTextContents()).toEqual(names.map((name) => expect.stringContaining(name)));
    await confirm.getByLabel(/审批意见/).fill('材料齐全，同意设立');
    await shoot(page, `batch-confirm-${device}`);
    await confirm.getByRole('button', { name: '确认通过 3 件' }).click();

    // Assess: each said approved, gone from the inbox, and approved in the record
    await page.getByText('批量通过：3 件已通过').waitFor();
    expect(await page.locator('.batch-results li.approved').count()).toBe(3);
    await expect.poll(async () => page.getByRole('article').filter({ hasText: `（批量${mark}` }).count(), { timeout: 10_000 }).toBe(0);
    await shoot(page, `batch-done-${device}`);
    for (const { id, province, api } of waiting) {
      const app = (await api.call('GET', `/v1/applications/${id}`, { token: province })).body;
      expect(app.history.at(-1)).toMatchObject({ action: 'approve', level: 'province', comment: '材料齐全，同意设立' });
    }
    await context.close();
  });

  it('find an application by a fragment of its name and by its case number, on a desktop and a phone; list the office’s decisions under 已办; look the progress up without signing in', async () => {
    // Prepare: two applications over HTTP; the township approves the first
    const api = httpClient(stack.url);
    const tokens = await chainTokens(api);
    const names = ['连州市大路边镇搜寻甲号科技特派员工作站', '连州市大路边镇搜寻乙号科技特派员工作站'];
    const apps: { id: string; caseNo: string }[] = [];
    for (const name of names) {
      const { refs } = await requiredMaterials(api, tokens.applicant, 'commissioner-station');
      const out = await api.call('POST', '/v1/applications', { token: tokens.applicant, body: { ...submission('commissioner-station', '441882102', ORG, (form) => (form.name = name)), materials: refs } });
      expect(out.status, out.text).toBe(201);
      apps.push(out.body);
    }
    await taskInInbox(api, tokens.township, apps[0]!.id);
    expect((await api.call('POST', `/v1/applications/${apps[0]!.id}/decision`, { token: tokens.township, body: { action: 'approve', comment: '同意' } })).status).toBe(200);
    const spaced = (caseNo: string) => caseNo.replace(/(\d{4})(?=\d)/g, '$1 ');
    const cards = (page: Page) => page.getByRole('main').getByRole('article');

    for (const [viewport, label] of [[desktop, 'desktop'], [phone, 'phone']] as const) {
      // Act: the township's official searches 辖区申请 by a fragment of the name
      const official = await open(viewport);
      const page = official.page;
      await signIn(page, '大路边镇科协');
      await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '辖区申请' }).click();
      const search = page.getByRole('search', { name: '搜索申请' });
      await search.getByRole('searchbox', { name: '搜索' }).fill('搜寻甲号');
      await search.getByRole('button', { name: '搜索' }).click();

      // Assess: that one only, its case number on its card
      await expect.poll(() => cards(page).count()).toBe(1);
      expect(await cards(page).first().textContent()).toContain(names[0]);
      expect(await cards(page).first().textContent()).toContain(`受理号 ${spaced(apps[0]!.caseNo)}`);
      await shoot(page, `40-search-name-${label}`);

      // Act / Assess: by the other's case number, as read out (in groups of four)
      await search.getByRole('searchbox', { name: '搜索' }).fill(spaced(apps[1]!.caseNo));
      await search.getByRole('button', { name: '搜索' }).click();
      await expect.poll(async () => (await cards(page).count()) === 1 && ((await cards(page).first().textContent()) ?? '').includes(names[1]!)).toBe(true);
      await shoot(page, `41-search-case-no-${label}`);

      // Act / Assess: one character is said to be too short, before anything is asked
      await search.getByRole('searchbox', { name: '搜索' }).fill('镇');
      await search.getByRole('button', { name: '搜索' }).click();
      await search.getByText('搜索内容至少 2 个字符').waitFor();

      // Act / Assess: 待办 finds the second by its name; 已办 lists the approval of the first, with its date
      await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '待办审批' }).click();
      await page.getByRole('search', { name: '搜索申请' }).getByRole('searchbox', { name: '搜索' }).fill('搜寻乙号');
      await page.getByRole('search', { name: '搜索申请' }).getByRole('button', { name: '搜索' }).click();
      await expect.poll(async () => (await cards(page).count()) === 1 && ((await cards(page).first().textContent()) ?? '').includes(names[1]!)).toBe(true);
      await page.getByRole('navigation', { name: '待办与已办' }).getByRole('link', { name: '已办' }).click();
      const row = page.getByRole('row').filter({ hasText: names[0]! });
      await row.waitFor();
      expect(await row.textContent()).toContain('审核通过');
      expect(await row.textContent()).toContain(spaced(apps[0]!.caseNo));
      expect(await page.getByRole('navigation', { name: '主导航' }).locator('[aria-current="page"]').textContent()).toBe('待办审批');
      await shoot(page, `42-decided-${label}`);
      await official.context.close();

      // Act / Assess: the applicant finds its own by the case number
      const applicant = await open(viewport);
      await signIn(applicant.page, '连州市农业科技发展有限公司');
      await applicant.page.goto(`${stack.url}/applications`);
      const own = applicant.page.getByRole('search', { name: '搜索申请' });
      await own.getByRole('searchbox', { name: '搜索' }).fill(apps[0]!.caseNo);
      await own.getByRole('button', { name: '搜索' }).click();
      await expect.poll(async () => (await cards(applicant.page).count()) === 1 && ((await cards(applicant.page).first().textContent()) ?? '').includes(names[0]!)).toBe(true);
      await applicant.context.close();

      // Act / Assess: 办件查询 without signing in: status and levels only
      const citizen = await open(viewport);
      await citizen.page.goto(`${stack.url}/`);
      await citizen.page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '办件查询' }).click();
      await citizen.page.getByLabel('受理号').fill(spaced(apps[0]!.caseNo));
      await citizen.page.getByLabel('统一社会信用代码').fill(ORG);
      await citizen.page.getByRole('button', { name: '查询' }).click();
      await citizen.page.getByText('当前状态：审批中').waitFor();
      expect(await citizen.page.locator('.progress-levels').textContent()).toMatch(/乡镇：已通过.*县（区）：审批中.*省：待审批/);
      expect(await citizen.page.getByRole('main').textContent()).not.toContain(names[0]);
      await citizen.page.getByLabel('统一社会信用代码').fill('51441882MJ1234567W');
      await citizen.page.getByRole('button', { name: '查询' }).click();
      await citizen.page.getByText('未找到该办件：请核对受理号和统一社会信用代码').waitFor();
      await shoot(citizen.page, `43-progress-lookup-${label}`);
      await citizen.context.close();
    }
  }, 240_000);

  it('let an organisation file its annual report from the certificate page, a mistake shown beside its field; the county approves it from its inbox; the station then dissolves and its printed certificate reads 已注销', async () => {
    // Prepare: a station of 大路边镇 held by the demo company, recorded as the workflow records an approval
    const station = await seedApproved(stack.services, { type: 'commissioner-station', regionCode: '441882102', at: new Date(), change: (form) => (form.name = '连州市大路边镇特派员工作站（年报）') });
    const title = `${station.name} ${station.approvedAt.slice(0, 4)}年度报告`;

    // Act: the organisation opens its certificate and files the year's report, first with a field left empty
    const applicant = await open(desktop);
    let page = applicant.page;
    await signIn(page, '连州市农业科技发展有限公司');
    await page.goto(`${stack.url}/certificates/${encodeURIComponent(station.certificateNo)}`);
    expect(await page.locator('dl.record').textContent()).toContain('未报送');
    await page.getByRole('link', { name: '报送年度报告' }).click();
    await page.getByRole('heading', { name: '报送年度报告' }).waitFor();
    await page.getByLabel(/^服务开展情况/).fill('全年开展特派员驻村技术服务，推广柑橘绿色防控技术。');
    await page.getByLabel(/^专家驻点服务天数/).fill('60');
    await page.getByLabel(/^举办培训次数/).fill('5');
    await page.getByLabel(/^服务农户数/).fill('320');
    await page.getByLabel(/^服务企业/).fill('4');
    await page.getByRole('button', { name: '报送年度报告' }).click();
    await page.locator('#f-peopleTrained-error, .error-summary').first().waitFor();
    expect(await page.locator('.error-summary').textContent()).toContain('培训人数');
    await shoot(page, '40-annual-report-mistake');
    await page.getByLabel(/^培训人数/).fill('210');
    await page.getByRole('button', { name: '报送年度报告' }).click();
    await page.waitForURL(/\/applications\/[^/]+\?submitted=1/);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(title);
    // The year's needs of the demand library, as filed (none for this station)
    expect(await page.getByRole('region', { name: '需求对接（需求库）' }).textContent()).toMatch(/年度对接需求 0 项，办结 0 项。期间未经需求库对接需求/);
    await shoot(page, '41-annual-report-filed');
    await applicant.context.close();

    // Act: the county approves it from its inbox (the township is not asked)
    await fromInbox('连州市科协', '42-annual-report-county', title, approve('42-annual-report-county', '年度报告已通过县级审核'));

    // Assess: the certificate shows the year's report accepted
    const citizen = await open(phone);
    page = citizen.page;
    await page.goto(`${stack.url}/certificates/${encodeURIComponent(station.certificateNo)}`);
    await expect.poll(async () => (await page.locator('dl.record').textContent()) ?? '').toContain('已通过');
    await shoot(page, '43-certificate-report-accepted');
    await citizen.context.close();

    // Act: the organisation dissolves it, asked for a reason and a confirmation
    const owner = await open(desktop);
    page = owner.page;
    await signIn(page, '连州市农业科技发展有限公司');
    await page.goto(`${stack.url}/certificates/${encodeURIComponent(station.certificateNo)}/dissolve`);
    await page.getByRole('button', { name: '注销站点' }).click();
    expect(await page.locator('#dissolve-reason-error').textContent()).toContain('请填写注销原因');
    await page.getByLabel(/^注销原因/).fill('依托单位撤并，站点停止运行');
    await page.getByRole('button', { name: '注销站点' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '确认注销' }).click();
    await page.getByText('✕ 站点已注销').waitFor();
    await shoot(page, '44-dissolved');

    // Assess: the printable certificate says 已注销 across the page, with why
    await page.goto(`${stack.url}/certificates/${encodeURIComponent(station.certificateNo)}/print`);
    const stamp = page.locator('.certificate-stamp');
    await stamp.waitFor();
    expect(await stamp.locator('.certificate-stamp-word').textContent()).toBe('已注销');
    expect(await stamp.textContent()).toContain('依托单位撤并');
    await shoot(page, '45-certificate-print-dissolved');
    await owner.context.close();
  }, 180_000);

  it('let an organisation change its station’s contact from the certificate page; the township and the province approve it; the certificate then says when the contact changed, without showing the person', async () => {
    // Prepare: a station of 大路边镇 held by the demo company
    const station = await seedApproved(stack.services, { type: 'commissioner-station', regionCode: '441882102', at: new Date(), change: (form) => (form.name = '连州市大路边镇特派员工作站（变更）') });
    const title = `${station.name} 变更申请`;

    // Act: the organisation files a change of contact
    const applicant = await open(desktop);
    let page = applicant.page;
    await signIn(page, '连州市农业科技发展有限公司');
    await page.goto(`${stack.url}/certificates/${encodeURIComponent(station.certificateNo)}`);
    await page.getByRole('link', { name: '申请变更' }).click();
    await page.getByRole('heading', { name: '申请变更' }).waitFor();
    await page.getByLabel('填写联系人').check();
    await page.getByLabel(/^联系人姓名/).fill('黄志强');
    await page.getByLabel(/^联系人手机号/).fill('13912345678');
    await page.getByLabel(/^变更原因/).fill('原联系人调离');
    await page.getByRole('button', { name: '提交变更申请' }).click();
    await page.waitForURL(/\/applications\/[^/]+\?submitted=1/);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(title);
    await applicant.context.close();

    // Act: its host level (the township) and the province approve
    await fromInbox('大路边镇科协', '50-change-township', title, approve('50-change-township', '当前在省审批'));
    await fromInbox('广东省科协', '51-change-province', title, approve('51-change-province', '变更已获批准', true));

    // Assess: the public certificate says the contact changed today, and shows no person
    const citizen = await open(phone);
    page = citizen.page;
    await page.goto(`${stack.url}/certificates/${encodeURIComponent(station.certificateNo)}`);
    const record = page.locator('dl.record');
    await expect.poll(async () => (await record.textContent()) ?? '').toContain('联系人');
    const text = (await record.textContent()) ?? '';
    expect(text).toContain(`联系人 ${new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'long', day: 'numeric' }).format(new Date())} 变更`);
    expect(text).not.toContain('黄志强');
    expect(text).not.toContain('13912345678');
    await shoot(page, '52-certificate-changed');
    await citizen.context.close();
  }, 180_000);

  it('let an organisation file its renewal near the end of the term, a mistake shown beside its field; the county reviews it, the province must grade it and grades it 合格; the certificate then reads a term more', async () => {
    // Prepare: a station of 大路边镇 with 60 days of its three-year term left
    const approvedAt = new Date();
    approvedAt.setUTCFullYear(approvedAt.getUTCFullYear() - 3);
    const station = await seedApproved(stack.services, {
      type: 'commissioner-station',
      regionCode: '441882102',
      at: new Date(approvedAt.getTime() + 60 * 24 * 3600_000),
      change: (form) => (form.name = '连州市大路边镇特派员工作站（续期）'),
    });
    const title = `${station.name} 期满评估与续期（服务期至 ${cstDate(new Date(station.validUntil!))}）`;
    const renewedUntil = new Date(station.validUntil!);
    renewedUntil.setUTCFullYear(renewedUntil.getUTCFullYear() + 3);

    // Act: the organisation opens its certificate and files its self-assessment, first without its grade
    const applicant = await open(desktop);
    let page = applicant.page;
    await signIn(page, '连州市农业科技发展有限公司');
    await page.goto(`${stack.url}/certificates/${encodeURIComponent(station.certificateNo)}`);
    await page.getByRole('link', { name: '期满评估与续期' }).click();
    await page.getByRole('heading', { name: '申请期满评估与续期' }).waitFor();
    await page.getByLabel(/^服务期工作总结/).fill('服务期内开展特派员驻村技术服务三十余次，推广柑橘绿色防控技术。');
    await page.getByLabel(/^服务期内开展服务次数/).fill('32');
    await page.getByLabel(/^专家驻点服务天数/).fill('210');
    await page.getByLabel(/^培训人数/).fill('980');
    await page.getByLabel(/^下一服务期工作计划/).fill('建设柑橘绿色防控示范基地两个。');
    await page.getByRole('button', { name: '提交续期申请' }).click();
    await page.locator('.error-summary').waitFor();
    expect(await page.locator('.error-summary').textContent()).toContain('自评等级');
    await shoot(page, '46-renewal-mistake');
    await page.getByLabel(/^自评等级/).selectOption({ label: '合格' });
    await page.getByRole('button', { name: '提交续期申请' }).click();
    await page.waitForURL(/\/applications\/[^/]+\?submitted=1/);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(title);
    await applicant.context.close();

    // Act: the county reviews it (the township is not asked); the province must grade its approval
    await fromInbox('连州市科协', '47-renewal-county', title, approve('47-renewal-county', '当前在省审批'));
    await fromInbox('广东省科协', '48-renewal-province', title, async (page) => {
      const panel = decisionPanel(page);
      await panel.getByLabel('通过', { exact: true }).check();
      await panel.getByRole('button', { name: '提交审批意见' }).click();
      expect(await panel.locator('#decision-grade-error').textContent()).toContain('请评定等级');
      await panel.getByLabel('合格', { exact: true }).check();
      await panel.getByRole('textbox', { name: /^审批意见/ }).fill('评估合格，同意续期');
      await panel.getByRole('button', { name: '提交审批意见' }).click();
      await page.getByRole('dialog').getByRole('button', { name: '确认通过' }).click();
      await page.getByText('期满评估已完成：合格').waitFor({ timeout: 8_000 });
      await shoot(page, '48-renewal-graded');
    });

    // Assess: the certificate reads the evaluation and a whole term more, on a phone
    const citizen = await open(phone);
    page = citizen.page;
    await page.goto(`${stack.url}/certificates/${encodeURIComponent(station.certificateNo)}`);
    const record = page.locator('dl.record');
    await expect.poll(async () => (await record.textContent()) ?? '').toContain('期满评估');
    expect(await record.textContent()).toContain('合格');
    // As the page writes dates (web/src/labels.ts formatDate)
    expect(await record.textContent()).toContain(new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'long', day: 'numeric' }).format(renewedUntil));
    await shoot(page, '49-certificate-renewed');
    await citizen.context.close();
  }, 180_000);
});

describe('drafts (草稿) and the host region told at once', () => {
  it('keeps a half-filled form and its file across a reload and on a phone, and warns as soon as a taken village is chosen', async () => {
    // Prepare: a 科普中国乡村e站 already applied for in 东大村委会 (one per village)
    const api = httpClient(stack.url);
    const tokens = await chainTokens(api);
    const taken = await api.call('POST', '/v1/applications', {
      token: tokens.applicant,
      body: { ...submission('science-e-station', '441882102205'), materials: (await requiredMaterials(api, tokens.applicant, 'science-e-station', 41)).refs },
    });
    expect(taken.status, taken.text).toBe(201);
    const name = '连州市大路边镇东峉塘村科普e站';

    // Act: the applicant starts the form, choosing the taken village first
    const desktopApplicant = await open(desktop);
    let page = desktopApplicant.page;
    await signIn(page, '连州市农业科技发展有限公司');
    await page.goto(`${stack.url}/apply/science-e-station`);
    await page.locator('#region-city').selectOption({ label: '清远市' });
    await page.locator('#region-county').selectOption({ label: '连州市' });
    await page.locator('#region-township').selectOption({ label: '大路边镇' });
    await page.locator('#region-village').selectOption({ label: '东大村委会' });

    // Assess: told before anything is submitted
    const warning = page.locator('#region-availability');
    await warning.waitFor();
    expect(await warning.textContent()).toMatch(/东大村委会已有科普中国乡村e站.*只能设立一个/);

    // Act: another village, a few fields, one file; the draft saves itself
    await page.locator('#region-village').selectOption({ label: '东峉塘村委会' });
    await warning.waitFor({ state: 'detached' });
    await page.getByLabel('站点或协会名称').fill(name);
    await page.getByLabel('申请概述').fill('在东峉塘村委会设立科普阵地，开展科普宣传和信息服务。');
    await choose(page, 'venue-photos', { name: '场地照片.pdf', mimeType: 'application/pdf', buffer: pdf({ objects: ['<< /Venue 1 >>'] }) });
    await settled(page, 'venue-photos', 'ready', '场地照片.pdf');
    await page.getByText(/草稿已保存/).waitFor();
    await expect.poll(() => new URL(page.url()).searchParams.get('draft')).toMatch(/^[0-9A-Z]{26}$/);
    // Saved after the last change (the file's check came last)
    await expect.poll(async () => (await api.call('GET', `/v1/drafts/${new URL(page.url()).searchParams.get('draft')}`, { token: await api.token({ role: 'applicant', org: '91441882MA4UA1B2C9', name: '连州市农业科技发展有限公司' }) })).body?.materials?.length).toBe(1);
    await shoot(page, '60-draft-saved');

    // Act: a reload
    await page.reload();

    // Assess: everything typed and sent is back
    await expect.poll(() => page.getByLabel('站点或协会名称').inputValue()).toBe(name);
    expect(await page.getByLabel('申请概述').inputValue()).toContain('东峉塘村委会');
    // The village's select holds its value once its options (GET /v1/regions/441882102) have come
    await expect.poll(() => page.locator('#region-village').inputValue()).toBe('441882102206');
    await settled(page, 'venue-photos', 'ready', '场地照片.pdf');
    await desktopApplicant.context.close();

    // Act: on a phone, from 草稿
    const phoneApplicant = await open(phone);
    page = phoneApplicant.page;
    await signIn(page, '连州市农业科技发展有限公司');
    await page.getByRole('navigation').getByRole('link', { name: '草稿' }).click();
    await page.getByRole('heading', { name: '我的草稿' }).waitFor();
    const card = page.locator('.draft-list li').filter({ hasText: name });
    expect(await card.textContent()).toContain('附件 1 个');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
    await shoot(page, '61-drafts-phone');
    await card.getByRole('link', { name: `继续填写 ${name}` }).click();

    // Assess
    await expect.poll(() => page.getByLabel('站点或协会名称').inputValue()).toBe(name);
    await settled(page, 'venue-photos', 'ready', '场地照片.pdf');
    await phoneApplicant.context.close();
  }, 120_000);
});

describe('the certificate page on a slow line', () => {
  it('shows the type and the region by name from the certificate itself: no catalogue or region reads', async () => {
    // Prepare
    const station = await seedApproved(stack.services, { type: 'society-station', regionCode: '441882102', at: new Date() });
    const citizen = await open(phone);
    const page = citizen.page;
    const asked: string[] = [];
    page.on('request', (request) => asked.push(new URL(request.url()).pathname));

    // Act
    await page.goto(`${stack.url}/certificates/${encodeURIComponent(station.certificateNo)}`);
    const record = page.locator('dl.record');
    await record.waitFor();

    // Assess
    expect(await record.textContent()).toContain('学会科技服务站');
    expect(await record.textContent()).toMatch(/清远市.*连州市.*大路边镇/);
    expect(await record.textContent()).not.toContain('society-station');
    expect(asked.filter((path) => path.startsWith('/v1/forms') || path.startsWith('/v1/regions'))).toEqual([]);
    await citizen.context.close();
  }, 60_000);
});

describe('常用意见 in the decision panel', () => {
  it('fills the comment with one tap, keeps a typed one as the office\'s, and decides with it, on a phone', async () => {
    // Prepare: an application awaiting the township
    const api = httpClient(stack.url);
    const tokens = await chainTokens(api);
    const name = '连州市大路边镇常用意见学会科技服务站';
    const out = await api.call('POST', '/v1/applications', {
      token: tokens.applicant,
      body: { ...submission('society-station', '441882102', ORG, (form) => (form.name = name)), materials: (await requiredMaterials(api, tokens.applicant, 'society-station', 51)).refs },
    });
    expect(out.status, out.text).toBe(201);
    await taskInInbox(api, tokens.township, out.body.id);

    // Act: the township taps a suggestion, then types its own and keeps it
    const official = await open(phone);
    const page = official.page;
    await signIn(page, '大路边镇科协');
    await page.goto(`${stack.url}/applications/${out.body.id}?from=inbox`);
    const panel = decisionPanel(page);
    const chips = panel.getByRole('list', { name: /常用意见/ });
    await chips.waitFor();
    const first = chips.getByRole('button').first();
    const suggestion = (await first.textContent())!;
    await first.click();
    expect(await panel.getByRole('textbox', { name: /^审批意见/ }).inputValue()).toBe(suggestion);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('decision-comment');
    const own = '经实地核查，依托学会专家团队，同意设立。';
    await panel.getByRole('textbox', { name: /^审批意见/ }).fill(own);
    await panel.getByRole('button', { name: '＋ 把所填意见存为常用意见' }).click();
    await panel.getByText('已存为常用意见').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
    await shoot(page, '62-stock-comments-phone');

    // Act: the next time, the office's own comment is among them; it decides with it
    await page.reload();
    await reloadUntilVisible(page, chips.getByRole('button', { name: own }));
    await chips.getByRole('button', { name: own }).click();
    await panel.getByLabel('通过', { exact: true }).check();
    await panel.getByRole('button', { name: '提交审批意见' }).click();
    await page.getByText('已提交审批意见：通过。').waitFor();

    // Assess: the history carries it; the office keeps it
    const saved = await api.call('GET', '/v1/offices/township/441882102/comments', { token: tokens.township });
    expect(saved.body).toMatchObject({ suggested: false });
    expect(saved.body.comments).toContain(own);
    const app = await api.call('GET', `/v1/applications/${out.body.id}`, { token: tokens.applicant });
    expect(app.body.history.find((h: { action: string }) => h.action === 'approve')).toMatchObject({ level: 'township', comment: own });
    await official.context.close();
  }, 90_000);
});
