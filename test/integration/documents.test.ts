// The printable documents (issue 18) through the real local stack: an association applies with its materials, and
// its 申请表 and 受理回执, then after the township's return its 补正告知书, are fetched over HTTP as PDFs and read
// back with pdfjs: the case number, the organisation, every field's label, the materials, each returned problem
// with its field's label and message. Who may read them is exactly who may read the application.
import { beforeAll, describe, expect, it } from 'vitest';
import { formatCaseNumber } from '#functions/domain/case-number.js';
import { eventually, harness, chainTokens, taskInInbox, type ChainTokens, type Client, type Harness } from '../support/local.js';
import { requiredMaterials } from '../support/materials.js';
import { readPdf, squeezed } from '../support/pdf.js';
import { ORG, VILLAGE, submission } from '../support/submissions.js';
import { afterAll } from 'vitest';

const TYPE = 'rural-tech-association';

let h: Harness;
let api: Client;
let t: ChainTokens;
let app: { id: string; caseNo: string; form: any; materials: { name: string; fileName: string }[] };
let unreturned: string;

/** GET of a document as the pages fetch it: the bytes and the headers. */
async function fetchDocument(id: string, kind: string, token?: string, method = 'GET') {
  const response = await fetch(`${api.stack.url}/v1/applications/${id}/documents/${kind}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
  const bytes = new Uint8Array(await response.arrayBuffer());
  const json = () => JSON.parse(new TextDecoder().decode(bytes));
  return { status: response.status, headers: response.headers, bytes, json };
}

beforeAll(async () => {
  // Prepare: an association of a village of 大路边镇 applies with its required materials; another application stays unreturned
  h = await harness();
  api = await h.start({ env: { MATERIALS: 'required' } });
  t = await chainTokens(api);
  const { refs } = await requiredMaterials(api, t.applicant, TYPE);
  const out = await api.call('POST', '/v1/applications', { token: t.applicant, body: { ...submission(TYPE, VILLAGE), materials: refs } });
  expect(out.status, out.text).toBe(201);
  app = out.body;
  const other = await api.call('POST', '/v1/applications', { token: t.applicant, body: { ...submission('commissioner-station', '441882102'), materials: (await requiredMaterials(api, t.applicant, 'commissioner-station', 2)).refs } });
  expect(other.status, other.text).toBe(201);
  unreturned = other.body.id;
  await taskInInbox(api, t.township, app.id);
}, 60_000);
afterAll(() => h?.close());

describe('the 申请表', () => {
  it('is a PDF of the application as submitted: case number, organisation, every field under its label, the materials', async () => {
    // Act
    const answer = await fetchDocument(app.id, 'application-form', t.applicant);

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/pdf');
    expect(answer.headers.get('cache-control')).toBe('private, no-store');
    expect(answer.headers.get('content-disposition')).toBe(
      `inline; filename="application-form-${app.caseNo}.pdf"; filename*=UTF-8''${encodeURIComponent(`申请表-${app.caseNo}.pdf`)}`,
    );
    expect(new TextDecoder().decode(answer.bytes.slice(0, 5))).toBe('%PDF-');
    const pdf = await readPdf(answer.bytes);
    expect(pdf.info).toMatchObject({ Title: '农村专业技术协会申请表', Author: '广东省科学技术协会', Language: 'zh-CN' });
    for (const expected of [
      '广东省科学技术协会',
      formatCaseNumber(app.caseNo),
      app.form.organisation.name,
      ORG,
      '广东省清远市连州市大路边镇',
      // The form's labels as the catalogue's schema names them, each with its value
      '站点或协会名称',
      '申请单位统一社会信用代码',
      '联系人手机号' + app.form.contact.mobile,
      '一村一品特色产品' + app.form.featuredProduct,
      '所属产业种植业',
      '会员人数126',
      '法定代表人姓名' + app.form.legalRepresentative.name,
      // The experts as a small table: the columns' labels, then each row
      '专家名单（1项）',
      '专家姓名专家职称专家工作单位专家专业领域',
      app.form.experts[0].name + app.form.experts[0].title,
      '申报材料',
      ...app.materials.flatMap((m) => [m.name, m.fileName]),
      '第1页共',
    ]) {
      expect(pdf.text).toContain(squeezed(expected));
    }
  });
});

describe('the 受理回执', () => {
  it('says the application was received, where it stands in the chain of offices, and how to look it up', async () => {
    // Act
    const answer = await fetchDocument(app.id, 'receipt', t.applicant);

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent(`受理回执-${app.caseNo}.pdf`)}`);
    const pdf = await readPdf(answer.bytes);
    expect(pdf.info).toMatchObject({ Title: '受理回执', Author: '广东省科学技术协会' });
    for (const expected of [
      '受理回执',
      formatCaseNumber(app.caseNo),
      app.form.organisation.name,
      ORG,
      '当前办理层级乡镇级（大路边镇科协）',
      '当前状态审批中',
      '1乡镇级大路边镇科协审批中',
      '2县（区）级连州市科协待审批',
      '3省级广东省科协待审批',
      `办件查询页面（${api.stack.url}/progress）`,
      '出具日期',
    ]) {
      expect(pdf.text).toContain(squeezed(expected));
    }
  });
});

describe('the 补正告知书', () => {
  it('is refused, in Chinese, for an application never returned', async () => {
    // Act
    const answer = await fetchDocument(unreturned, 'return-notice', t.applicant);

    // Assess
    expect(answer.status).toBe(409);
    expect(answer.json()).toEqual({ error: 'conflict', message: '该申请未被退回补正，没有补正告知书' });
  });

  it('lists every problem of the return with its field’s label and message, the office, the date and the deadline', async () => {
    // Prepare: the township returns the application naming a field and a material
    const issues = [
      { path: 'form.memberCount', message: '会员人数与名册不符' },
      { path: 'materials.member-roster', message: '名册缺少会员签名' },
      { path: 'form.experts.0.specialty', message: '专业领域请写具体作物' },
    ];
    const decided = await api.call('POST', `/v1/applications/${app.id}/decision`, { token: t.township, body: { action: 'return', comment: '请补充完善后重新提交', issues } });
    expect(decided.status, decided.text).toBe(200);
    const task = await eventually(async () => (await api.call('GET', `/v1/applications/${app.id}`, { token: t.applicant })).body.task ?? undefined, 10_000, 'the correction awaited');

    // Act
    const answer = await fetchDocument(app.id, 'return-notice', t.applicant);

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent(`补正告知书-${app.caseNo}.pdf`)}`);
    const pdf = await readPdf(answer.bytes);
    expect(pdf.info).toMatchObject({ Title: '补正告知书' });
    const deadline = new Date(Date.parse(task.expiresAt) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
    for (const expected of [
      formatCaseNumber(app.caseNo),
      app.form.organisation.name,
      '退回机关大路边镇科协（乡镇级）',
      '审查意见请补充完善后重新提交',
      `补正期限${deadline}（北京时间）前`,
      '1会员人数会员人数与名册不符',
      '2申报材料·会员名册名册缺少会员签名',
      '3专家名单·第1项·专家专业领域专业领域请写具体作物',
      '修改并重新提交',
    ]) {
      expect(pdf.text).toContain(squeezed(expected));
    }
  });
});

describe('who may read the documents', () => {
  it('is who may read the application: another organisation and another township are told it does not exist', async () => {
    // Prepare
    const otherOrg = await api.token({ role: 'applicant', org: '51441882MJ1234567W', name: '另一协会' });
    const otherTownship = await api.token({ role: 'official', level: 'township', region: '441882101', name: '星子镇科协' });

    // Act
    const answers = await Promise.all([otherOrg, otherTownship].map((token) => fetchDocument(app.id, 'application-form', token)));
    const gets = await Promise.all([otherOrg, otherTownship].map((token) => api.call('GET', `/v1/applications/${app.id}`, { token })));

    // Assess
    for (const [i, answer] of answers.entries()) {
      expect(gets[i].status).toBe(404);
      expect(answer.status).toBe(404);
      expect(answer.json()).toEqual(gets[i].body);
    }
  });

  it('shows an office up the chain that the application has not reached what its GET shows it: the personal data masked', async () => {
    // Act
    const shown = (await api.call('GET', `/v1/applications/${app.id}`, { token: t.county })).body;
    const answer = await fetchDocument(app.id, 'application-form', t.county);

    // Assess
    expect(answer.status).toBe(200);
    const pdf = await readPdf(answer.bytes);
    expect(shown.form.contact.mobile).not.toBe(app.form.contact.mobile);
    expect(pdf.text).toContain(squeezed(shown.form.contact.mobile));
    expect(pdf.text).not.toContain(app.form.contact.mobile);
    expect(pdf.text).not.toContain(ORG);
  });

  it('opens to the township, the province and an administrator, and to no one without a token', async () => {
    // Act
    const answers = await Promise.all([t.township, t.province, t.admin, undefined].map((token) => fetchDocument(app.id, 'receipt', token)));

    // Assess
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 401]);
  });
});

describe('a document the API does not make', () => {
  it('is 404 with the kinds there are, in Chinese, never a 500; another method is 405', async () => {
    // Act
    const unknown = await fetchDocument(app.id, 'certificate', t.applicant);
    const posted = await fetchDocument(app.id, 'receipt', t.applicant, 'POST');
    const missing = await fetchDocument('01JNOSUCHAPPLICATION0000000', 'receipt', t.applicant);

    // Assess
    expect(unknown.status).toBe(404);
    expect(unknown.json().message).toBe('没有这种文书：certificate，可选 application-form（申请表）、receipt（受理回执）、return-notice（补正告知书）');
    expect(posted.status).toBe(405);
    expect(posted.headers.get('allow')).toBe('GET, HEAD');
    expect(missing.status).toBe(404);
    expect(missing.json().error).toBe('not_found');
  });
});
