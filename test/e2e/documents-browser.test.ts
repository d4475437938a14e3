// The printable documents from the application page in a real browser (Debian's chromium driven by playwright-core)
// against the local stack: 下载受理回执 opens the receipt in a new tab, a PDF of this application, under the pages'
// Content-Security-Policy unchanged; 补正告知书 shows once the application has been returned.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCaseNumber } from '#functions/domain/case-number.js';
import { freePort, startLocalStack, type LocalStack } from '#infra/local/stack.js';
import { eventually, httpClient, taskInInbox } from '../support/local.js';
import { readPdf, squeezed } from '../support/pdf.js';
import { submission } from '../support/submissions.js';

const root = resolve(import.meta.dirname, '../..');
const screenshots = join(root, 'test-results/screenshots');

let dataDir: string;
let stack: LocalStack;
let browser: Browser;
let app: { id: string; caseNo: string; form: { organisation: { name: string } } };
let township: string;

beforeAll(async () => {
  execFileSync('node', ['web/build-if-stale.mjs'], { cwd: root, stdio: 'inherit' });
  mkdirSync(screenshots, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'gd-kexie-documents-browser-'));
  stack = await startLocalStack({ dataDir, port: await freePort(), quiet: true, sweepEveryMs: 0, reconcileEveryMs: 0, env: { MATERIALS: 'optional' } });
  // The demo account 连州市农业科技发展有限公司 (91441882MA4UA1B2C9) applies, as the sign-in page's button signs it in.
  const api = httpClient(stack.url);
  const applicant = await api.token({ role: 'applicant', org: '91441882MA4UA1B2C9', name: '连州市农业科技发展有限公司' });
  township = await api.token({ role: 'official', level: 'township', region: '441882102', name: '大路边镇科协' });
  const out = await api.call('POST', '/v1/applications', { token: applicant, body: submission('commissioner-station', '441882102') });
  expect(out.status, out.text).toBe(201);
  app = out.body;
  await taskInInbox(api, township, app.id);
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

const desktop = { viewport: { width: 1280, height: 900 } };
const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

async function signedIn(account: string, device: typeof desktop | typeof phone = desktop): Promise<{ page: Page; violations: string[] }> {
  const context = await browser.newContext({ ...device, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  page.setDefaultTimeout(10_000);
  await page.goto(`${stack.url}/sign-in`);
  await page.getByRole('button', { name: account }).click();
  await page.waitForURL((url) => url.pathname !== '/sign-in');
  return { page, violations };
}

/**
 * Clicks a document's button: the new tab it opens, shown from a blob: address, and the bytes of that blob, read in
 * the page that made it (the tab may not fetch it again under the connect-src it inherits).
 */
async function openDocument(page: Page, label: string): Promise<{ tab: Page; bytes: Uint8Array }> {
  await page.evaluate(() => {
    const made = URL.createObjectURL.bind(URL);
    const seen: Blob[] = [];
    (window as unknown as { blobs: Blob[] }).blobs = seen;
    URL.createObjectURL = (blob: Blob | MediaSource) => {
      if (blob instanceof Blob) seen.push(blob);
      return made(blob);
    };
  });
  const [tab] = await Promise.all([page.context().waitForEvent('page'), page.getByRole('group', { name: '打印文书' }).getByRole('button', { name: label }).click()]);
  await tab.waitForURL(/^blob:/);
  const numbers = await page.evaluate(async () => {
    const [blob] = (window as unknown as { blobs: Blob[] }).blobs;
    return { type: blob.type, bytes: [...new Uint8Array(await blob.arrayBuffer())] };
  });
  expect(numbers.type).toBe('application/pdf');
  return { tab, bytes: new Uint8Array(numbers.bytes) };
}

describe('the documents on the application page', () => {
  it('open in a new tab as this application’s PDF; 补正告知书 only once it has been returned', async () => {
    // Prepare
    const { page, violations } = await signedIn('连州市农业科技发展有限公司');
    await page.goto(`${stack.url}/applications/${app.id}`);
    const documents = page.getByRole('group', { name: '打印文书' });
    await documents.getByRole('button', { name: '下载受理回执' }).waitFor();

    // Act
    const { tab, bytes } = await openDocument(page, '下载受理回执');

    // Assess: this application's receipt in a tab of its own (Chromium's PDF viewer), the page's policy unbroken,
    // no 补正告知书 before a return
    await expect.poll(() => tab.frames().some((frame) => frame.url().startsWith('chrome-extension://')), { timeout: 10_000 }).toBe(true);
    const pdf = await readPdf(bytes);
    expect(pdf.info.Title).toBe('受理回执');
    expect(pdf.text).toContain(squeezed(formatCaseNumber(app.caseNo)));
    expect(pdf.text).toContain(app.form.organisation.name);
    expect(await documents.getByRole('button').allTextContents()).toEqual(['打印申请表', '下载受理回执']);
    expect(violations).toEqual([]);
    await page.screenshot({ path: join(screenshots, 'application-documents.png') });

    // Act: the township returns it; the page read again
    const api = httpClient(stack.url);
    const decided = await api.call('POST', `/v1/applications/${app.id}/decision`, { token: township, body: { action: 'return', comment: '请补充', issues: [{ path: 'form.address', message: '地址不完整' }] } });
    expect(decided.status, decided.text).toBe(200);
    await eventually(async () => ((await api.call('GET', `/v1/applications/${app.id}`, { token: township })).body.status === 'RETURNED' ? true : undefined), 10_000, 'returned');
    await page.reload();
    const notice = await openDocument(page, '补正告知书');

    // Assess
    const returned = await readPdf(notice.bytes);
    expect(returned.info.Title).toBe('补正告知书');
    expect(returned.text).toContain(squeezed('1详细地址地址不完整'));
    expect(violations).toEqual([]);
  }, 60_000);

  it('prints the receipt on a phone too: the buttons within the screen, the PDF this application\'s', async () => {
    // Prepare
    const { page, violations } = await signedIn('连州市农业科技发展有限公司', phone);
    await page.goto(`${stack.url}/applications/${app.id}`);
    const receipt = page.getByRole('group', { name: '打印文书' }).getByRole('button', { name: '下载受理回执' });
    await receipt.waitFor();

    // Assess: no wider than the phone's screen
    const box = (await receipt.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);

    // Act
    const { bytes } = await openDocument(page, '下载受理回执');

    // Assess
    const pdf = await readPdf(bytes);
    expect(pdf.info.Title).toBe('受理回执');
    expect(pdf.text).toContain(squeezed(formatCaseNumber(app.caseNo)));
    expect(violations).toEqual([]);
    await page.screenshot({ path: join(screenshots, 'application-documents-phone.png') });
  }, 60_000);
});
