// The documents' content (functions/domain/documents.ts) and their layout (functions/pdf/render.ts), without a stack:
// the labels of nested fields, the return notice's problems, a long text across pages with their numbers, and the
// same bytes for the same content and issue time.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DomainError, type HistoryEntry } from '#functions/domain/application.js';
import { documentContent, documentKindOf, formBlocks, pathTitle, type DocumentInput, type FormSchema } from '#functions/domain/documents.js';
import { renderPdf } from '#functions/pdf/render.js';
import { goodForms } from '#forms/fixtures.js';
import { readPdf, squeezed } from '../support/pdf.js';

const schema = (JSON.parse(readFileSync(new URL('../../functions/http/openapi-document.json', import.meta.url), 'utf8')).components.schemas['Form_rural-tech-association']) as FormSchema;
const returned: HistoryEntry = {
  at: '2026-12-03T03:00:00.000Z',
  action: 'return',
  level: 'township',
  actor: { sub: 't', name: '大路边镇科协', role: 'official' },
  comment: '请补充',
  issues: [{ path: 'form.legalRepresentative.mobile', message: '手机号无法接通' }, { message: '请补充会员大会决议' }],
};

function input(change: (i: DocumentInput) => void = () => undefined): DocumentInput {
  const value: DocumentInput = {
    app: {
      id: '01JDOCUMENT0000000000000000',
      caseNo: '202604831295',
      type: 'rural-tech-association',
      regionCode: '441882102201',
      status: 'RETURNED',
      currentLevel: 'township',
      form: structuredClone(goodForms['rural-tech-association']) as Record<string, unknown>,
      applicant: { org: '51441882MJ1234567W', sub: 'a' },
      submittedAt: '2026-12-03T02:00:00.000Z',
      certificateNo: null,
      materials: [],
      task: null,
    },
    history: [returned],
    typeName: '农村专业技术协会',
    schema,
    regionPath: () => '广东省 清远市 连州市 大路边镇 寒鸭村委会',
    regionName: (code) => ({ '441882102': '大路边镇', '441882': '连州市', '44': '广东省' })[code] ?? code,
    levels: [{ level: 'township', state: 'returned' }],
    correctBy: () => '2026-12-31T09:00:00.000Z',
    issuedAt: new Date('2026-12-03T08:00:00.000Z'),
  };
  change(value);
  return value;
}

describe('what the documents say', () => {
  it('names a problem by its field’s label inside groups and lists, a material by its name, and one without a path as 其他', () => {
    // Prepare
    const i = input((v) => {
      v.app.materials = [{ id: 'm', key: 'member-roster', name: '会员名册', fileName: '名册.pdf', contentType: 'application/pdf', size: 1, sha256: 'x', uploadedAt: v.app.submittedAt }];
    });

    // Act
    const titles = ['form.legalRepresentative.mobile', 'form.experts.1.affiliation', 'materials.member-roster', 'regionCode', undefined].map((path) => pathTitle(i, path));

    // Assess
    expect(titles).toEqual(['法定代表人手机号', '专家名单 · 第2项 · 专家工作单位', '申报材料 · 会员名册', '所在区划', '其他']);
  });

  it('lays a form out in the schema’s order: options by their titles, groups as rows, lists of records as tables', () => {
    // Act
    const blocks = formBlocks(schema, { industry: 'planting', contact: { name: '张伟', mobile: '13800138000' }, experts: [{ name: '陈秀兰', title: '高级农艺师', affiliation: '连州市农业技术推广中心', specialty: '蔬菜病虫害防治' }], extra: true });

    // Assess
    expect(blocks).toEqual([
      { kind: 'rows', rows: [{ label: '联系人姓名', value: '张伟' }, { label: '联系人手机号', value: '13800138000' }] },
      { kind: 'table', title: '专家名单（1 项）', columns: ['序号', '专家姓名', '专家职称', '专家工作单位', '专家专业领域'], rows: [['1', '陈秀兰', '高级农艺师', '连州市农业技术推广中心', '蔬菜病虫害防治']], widths: [0.6, 1, 1, 1, 1] },
      { kind: 'rows', rows: [{ label: '所属产业', value: '种植业' }, { label: 'extra', value: '是' }] },
    ]);
  });

  it('refuses a return notice of an application never returned (409) and a kind there is none of (404)', () => {
    // Act
    const never = () => documentContent('return-notice', input((v) => (v.history = [])));
    const unknown = () => documentKindOf('certificate');

    // Assess
    expect(never).toThrow(new DomainError('conflict', '该申请未被退回补正，没有补正告知书'));
    expect(unknown).toThrow(DomainError);
    expect(unknown).toThrow(/没有这种文书：certificate/);
  });
});

describe('the PDF', () => {
  it('lists each problem of the return with its label and the deadline, in Beijing time', async () => {
    // Act
    const pdf = await readPdf(await renderPdf(documentContent('return-notice', input())));

    // Assess
    expect(pdf.text).toContain(squeezed('1 法定代表人手机号 手机号无法接通'));
    expect(pdf.text).toContain(squeezed('2 其他 请补充会员大会决议'));
    expect(pdf.text).toContain(squeezed('补正期限 2026-12-31 17:00（北京时间）前'));
    expect(pdf.text).toContain(squeezed('退回时间 2026-12-03 11:00（北京时间）'));
  });

  it('wraps a long text onto further pages, numbering each of them', async () => {
    // Prepare: a summary of 2,000 characters, the longest the form takes
    const long = input((v) => (v.app.form.summary = '围绕连州菜心组织种植户开展品种选育、绿色防控和品牌销售方面的技术交流。'.repeat(60).slice(0, 2000)));

    // Act
    const pdf = await readPdf(await renderPdf(documentContent('application-form', long)));

    // Assess
    expect(pdf.pages).toBeGreaterThanOrEqual(2);
    expect(pdf.text).toContain(squeezed(`第 1 页 共 ${pdf.pages} 页`));
    expect(pdf.text).toContain(squeezed(`第 ${pdf.pages} 页 共 ${pdf.pages} 页`));
    // The whole text, once each page's footer and the next one's header (read between its parts) are left out
    const body = pdf.text.replace(/受理号202604831295第\d+页共\d+页(广东省科学技术协会“科技工作者上山下乡”站点与协会申报审批平台)?/g, '');
    expect(body).toContain(squeezed(long.app.form.summary as string));
  });

  it('is the same bytes for the same content and issue time, and another issue time changes them', async () => {
    // Act
    const [a, b, later] = await Promise.all([
      renderPdf(documentContent('receipt', input())),
      renderPdf(documentContent('receipt', input())),
      renderPdf(documentContent('receipt', input((v) => (v.issuedAt = new Date('2026-12-04T08:00:00.000Z'))))),
    ]);

    // Assess
    expect(a.equals(b)).toBe(true);
    expect(a.equals(later)).toBe(false);
  });
});
