// The printable documents of an application (issue 18): 申请表, 受理回执 and 补正告知书, as what each one says, in
// blocks a renderer lays out (functions/pdf/render.ts). Pure: the caller hands in the form's JSON Schema (its Chinese
// titles), the region names and the clock.
import { DomainError, type Application, type HistoryEntry, type Status } from './application.js';
import { chainOf, decidingLevelNames, type DecidingLevel } from './chain.js';
import { cstDateTime } from './china-time.js';
import { formatCaseNumber } from './case-number.js';
import type { LevelState } from './progress-lookup.js';

export const documentKinds = ['application-form', 'receipt', 'return-notice'] as const;
export type DocumentKind = (typeof documentKinds)[number];

export const documentNames: Record<DocumentKind, string> = {
  'application-form': '申请表',
  receipt: '受理回执',
  'return-notice': '补正告知书',
};

export function isDocumentKind(value: string): value is DocumentKind {
  return (documentKinds as readonly string[]).includes(value);
}

/** 404 for a kind there is none of, naming the ones there are. */
export function documentKindOf(value: string): DocumentKind {
  if (isDocumentKind(value)) return value;
  const known = documentKinds.map((kind) => `${kind}（${documentNames[kind]}）`).join('、');
  throw new DomainError('not_found', `没有这种文书：${value.slice(0, 40)}，可选 ${known}`);
}

/** Who issues every document, and the platform's name, as the header of each page says them. */
export const issuer = '广东省科学技术协会';
export const platformName = '“科技工作者上山下乡”站点与协会申报审批平台';

export const statusNames: Record<Status, string> = {
  PENDING: '审批中',
  RETURNED: '退回修改',
  APPROVED: '已通过',
  REJECTED: '不予通过',
  WITHDRAWN: '已撤回',
  EXPIRED: '已超时',
};

const levelStateNames: Record<LevelState, string> = {
  approved: '已通过',
  pending: '审批中',
  returned: '退回修改',
  rejected: '不予通过',
  expired: '已超时',
  withdrawn: '已撤回',
  escalated: '超期上报',
  waiting: '待审批',
  not_reached: '未送达',
};

/** One row of label and value (the renderer puts a long value under its label, at full width). */
export interface Row {
  label: string;
  value: string;
}

export type Block =
  | { kind: 'heading'; text: string }
  | { kind: 'rows'; rows: Row[] }
  | { kind: 'table'; title?: string; columns: string[]; rows: string[][]; widths?: number[] }
  | { kind: 'paragraph'; text: string }
  | { kind: 'signature'; lines: string[] };

export interface DocumentContent {
  kind: DocumentKind;
  /** The title printed under the header, and the PDF's Title. */
  title: string;
  /** The file name offered for saving (Chinese, with the case number). */
  fileName: string;
  /** What the footer says beside the page number. */
  footer: string;
  blocks: Block[];
  issuedAt: Date;
}

/** The JSON Schema of a form as the catalogue publishes it (GET /v1/forms): a Chinese `title` on every field. */
export interface FormSchema {
  type?: string;
  title?: string;
  properties?: Record<string, FormSchema>;
  items?: FormSchema;
  oneOf?: { const?: unknown; title?: string }[];
  enum?: unknown[];
}

/** What the documents are made from: the application as the reader may see it (masked where it must be). */
export interface DocumentInput {
  app: Pick<Application, 'id' | 'caseNo' | 'type' | 'regionCode' | 'status' | 'currentLevel' | 'form' | 'applicant' | 'submittedAt' | 'certificateNo' | 'materials' | 'subject' | 'task'>;
  history: HistoryEntry[];
  typeName: string;
  /** The form's schema, for its fields' Chinese titles; without one, fields are named by their keys. */
  schema: FormSchema | undefined;
  /** The names from the province down (广东省 清远市 连州市 大路边镇 寒鸭村委会) of a region code. */
  regionPath: (code: string) => string;
  /** A region's own name (大路边镇), for an office's name (大路边镇科协). */
  regionName: (code: string) => string;
  /** Where anyone looks an application up by case number and credit code (办件查询), when the pages' address is known. */
  progressUrl?: string;
  /** The levels of 办件查询 (functions/domain/progress-lookup.ts), as the receipt lists them. */
  levels: { level: DecidingLevel; state: LevelState }[];
  /** The correction's deadline of a return (its hard limit), as the workflow's timer has it. */
  correctBy: (returned: HistoryEntry) => string;
  issuedAt: Date;
}

/** `2026-12-03 15:34` in Beijing time. */
export function beijingTime(iso: string): string {
  return cstDateTime(new Date(iso)).slice(0, 16);
}

/** `2026年12月03日`, Beijing time: how a document is dated. */
export function beijingDate(at: Date): string {
  const [y, m, d] = cstDateTime(at).slice(0, 10).split('-');
  return `${y}年${m}月${d}日`;
}

/** The office of a level in a region: 大路边镇科协, 连州市科协, 广东省科协. */
export function officeName(regionName: string): string {
  return `${regionName}科协`;
}

const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value));
const nameOf = (app: DocumentInput['app']) => app.subject?.title ?? (text((app.form as { name?: unknown }).name) || app.id);
const organisationOf = (app: DocumentInput['app']) => (app.form as { organisation?: { name?: unknown; creditCode?: unknown } }).organisation;
const caseText = (app: DocumentInput['app']) => (app.caseNo ? formatCaseNumber(app.caseNo) : '（无）');

export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * The Chinese title of an issue's path: `form.contact.mobile` → 联系人手机号, `form.experts.0.name` → 专家名单 · 第1项 ·
 * 专家姓名, `materials.<key>` → 申报材料 · its name (the web pages' pathTitle and titleOf say them the same way).
 */
export function pathTitle(input: Pick<DocumentInput, 'schema' | 'app'>, path: string | undefined): string {
  if (!path) return '其他';
  if (path === 'regionCode') return '所在区划';
  if (path === 'materials') return '申报材料';
  if (path.startsWith('materials.')) {
    const key = path.slice('materials.'.length);
    return `申报材料 · ${input.app.materials.find((m) => m.key === key)?.name ?? key}`;
  }
  const parts = path.split('.').filter(Boolean);
  if (parts[0] === 'form') parts.shift();
  const words: string[] = [];
  let current = input.schema;
  parts.forEach((part, index) => {
    const last = index === parts.length - 1;
    if (current?.type === 'array') {
      words.push(`第${Number(part) + 1}项`);
      current = current.items;
      return;
    }
    current = current?.properties?.[part];
    // A group's own title is left out: its fields' titles already say it (联系人手机号).
    if (last || current?.type === 'array') words.push(current?.title ?? part);
  });
  return words.join(' · ') || '申请表';
}

/** A value as printed: an option by its Chinese title, yes/no in Chinese, a list of words joined. */
function valueText(schema: FormSchema | undefined, value: unknown): string {
  if (value === undefined || value === null || value === '') return '—';
  const option = schema?.oneOf?.find((o) => o.const === value);
  if (option?.title) return option.title;
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (Array.isArray(value)) return value.length ? value.map((v) => valueText(schema?.items, v)).join('、') : '—';
  if (typeof value === 'object') return Object.entries(value as Record<string, unknown>).map(([k, v]) => `${schema?.properties?.[k]?.title ?? k}：${valueText(schema?.properties?.[k], v)}`).join('；');
  return String(value);
}

const isObject = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value);

/** The keys of a form in the schema's order, then any the schema does not name (an older form's). */
function keysOf(schema: FormSchema | undefined, value: Record<string, unknown>): string[] {
  const named = Object.keys(schema?.properties ?? {}).filter((key) => key in value);
  return [...named, ...Object.keys(value).filter((key) => !named.includes(key))];
}

/** Every field of the form with its label: groups as headed rows, lists of records as small tables. */
export function formBlocks(schema: FormSchema | undefined, form: Record<string, unknown>): Block[] {
  const blocks: Block[] = [];
  let rows: Row[] = [];
  const flush = () => {
    if (rows.length) blocks.push({ kind: 'rows', rows });
    rows = [];
  };
  for (const key of keysOf(schema, form)) {
    const field = schema?.properties?.[key];
    const value = form[key];
    const label = field?.title ?? key;
    if (Array.isArray(value) && value.some(isObject)) {
      flush();
      const itemSchema = field?.items;
      const columns = [...new Set(value.filter(isObject).flatMap((item) => keysOf(itemSchema, item)))];
      blocks.push({
        kind: 'table',
        title: `${label}（${value.length} 项）`,
        columns: ['序号', ...columns.map((c) => itemSchema?.properties?.[c]?.title ?? c)],
        rows: value.map((item, i) => [String(i + 1), ...columns.map((c) => valueText(itemSchema?.properties?.[c], isObject(item) ? item[c] : undefined))]),
        widths: [0.6, ...columns.map(() => 1)],
      });
    } else if (isObject(value)) {
      for (const sub of keysOf(field, value)) {
        const subField = field?.properties?.[sub];
        rows.push({ label: subField?.title ?? `${label} · ${sub}`, value: valueText(subField, value[sub]) });
      }
    } else {
      rows.push({ label, value: Array.isArray(value) && value.length === 0 ? '（无）' : valueText(field, value) });
    }
  }
  flush();
  return blocks;
}

function commonRows(input: DocumentInput): Row[] {
  const { app } = input;
  const organisation = organisationOf(app);
  return [
    { label: '受理号', value: caseText(app) },
    { label: '申请类型', value: input.typeName },
    { label: '申请名称', value: nameOf(app) },
    { label: '申请单位', value: text(organisation?.name) || text(app.applicant.name) || '—' },
    { label: '统一社会信用代码', value: text(organisation?.creditCode) || app.applicant.org },
    ...(app.subject ? [{ label: '证书编号', value: app.subject.certificateNo }] : []),
    { label: '所在地区', value: input.regionPath(app.regionCode) || app.regionCode },
    { label: '提交时间', value: `${beijingTime(app.submittedAt)}（北京时间）` },
  ];
}

const fileNameOf = (kind: DocumentKind, app: DocumentInput['app']) => `${documentNames[kind]}-${app.caseNo ?? app.id}.pdf`;

function document(kind: DocumentKind, input: DocumentInput, blocks: Block[], title = documentNames[kind]): DocumentContent {
  return { kind, title, fileName: fileNameOf(kind, input.app), footer: `受理号 ${caseText(input.app)}`, blocks, issuedAt: input.issuedAt };
}

/** 申请表: the application as submitted (its form as it stands now, after any correction), and its materials. */
export function applicationForm(input: DocumentInput): DocumentContent {
  const { app } = input;
  const materials = app.materials.length
    ? [
        {
          kind: 'table' as const,
          columns: ['序号', '材料名称', '文件名', '大小', '上传时间'],
          rows: app.materials.map((m, i) => [String(i + 1), m.name, m.fileName, sizeText(m.size), beijingTime(m.uploadedAt)]),
          widths: [0.5, 1.6, 2, 0.8, 1.3],
        },
      ]
    : [{ kind: 'paragraph' as const, text: '（未附申报材料）' }];
  return document('application-form', input, [
    { kind: 'rows', rows: [...commonRows(input), { label: '当前状态', value: statusNames[app.status] }] },
    { kind: 'heading', text: '一、申请内容' },
    ...formBlocks(input.schema, app.form),
    { kind: 'heading', text: '二、申报材料' },
    ...materials,
    { kind: 'signature', lines: [`打印日期：${beijingDate(input.issuedAt)}`] },
  ], `${input.typeName}申请表`);
}

/** The offices of the application's chain, first to last, each with where the application stands there. */
function chainRows(input: DocumentInput): string[][] {
  const states = new Map(input.levels.map((l) => [l.level, l.state]));
  return chainOf(input.app).map((step, i) => [
    String(i + 1),
    `${decidingLevelNames[step.level]}级`,
    officeName(input.regionName(step.region)),
    levelStateNames[states.get(step.level) ?? 'not_reached'],
  ]);
}

/** 受理回执: that the application was received, where it is now, and how to follow it. */
export function receipt(input: DocumentInput): DocumentContent {
  const { app } = input;
  const organisation = text(organisationOf(app)?.name) || '申请单位';
  const current = chainOf(app).find((step) => step.level === app.currentLevel);
  const where = current ? `${decidingLevelNames[current.level]}级（${officeName(input.regionName(current.region))}）` : decidingLevelNames[app.currentLevel];
  const lookUp = input.progressUrl
    ? `可凭受理号和统一社会信用代码在办件查询页面（${input.progressUrl}）查询办理进度，无需登录；登录平台后可在“我的申请”中查看详情。`
    : '可凭受理号和统一社会信用代码在平台的“办件查询”页面查询办理进度，无需登录；登录平台后可在“我的申请”中查看详情。';
  return document('receipt', input, [
    { kind: 'paragraph', text: `${organisation}：` },
    {
      kind: 'paragraph',
      text: `你单位提交的《${nameOf(app)}》（${input.typeName}）已于 ${beijingTime(app.submittedAt)}（北京时间）由本平台受理，受理号为 ${caseText(app)}。申请将由${chainOf(app).map((step) => `${decidingLevelNames[step.level]}级`).join('、')}逐级审核，各级在规定时限内办理。`,
    },
    { kind: 'rows', rows: [...commonRows(input), { label: '当前办理层级', value: where }, { label: '当前状态', value: statusNames[app.status] }] },
    { kind: 'table', title: '审批流程', columns: ['序号', '层级', '审批机关', '办理情况'], rows: chainRows(input), widths: [0.6, 1, 2, 1.2] },
    { kind: 'heading', text: '办件查询' },
    { kind: 'paragraph', text: lookUp },
    { kind: 'signature', lines: [issuer, platformName, `出具日期：${beijingDate(input.issuedAt)}`] },
  ]);
}

/** The last return of the application, or 409 when it was never returned. */
export function lastReturn(history: HistoryEntry[]): HistoryEntry {
  const returned = history.findLast((entry) => entry.action === 'return');
  if (!returned) throw new DomainError('conflict', '该申请未被退回补正，没有补正告知书');
  return returned;
}

/** 补正告知书: every problem of the last return (一次性告知), who returned it, by when to correct it and how. */
export function returnNotice(input: DocumentInput): DocumentContent {
  const { app } = input;
  const returned = lastReturn(input.history);
  const step = returned.level ? chainOf(app).find((s) => s.level === returned.level) : undefined;
  const office = step ? officeName(input.regionName(step.region)) : '审批机关';
  const level = returned.level ? `${decidingLevelNames[returned.level]}级` : '';
  const deadline = beijingTime(input.correctBy(returned));
  const organisation = text(organisationOf(app)?.name) || '申请单位';
  const issues = returned.issues?.length ? returned.issues : [{ message: returned.comment ?? '（未列明）' }];
  const resubmitted = input.history.find((entry) => entry.action === 'resubmit' && entry.at > returned.at);
  return document('return-notice', input, [
    { kind: 'paragraph', text: `${organisation}：` },
    {
      kind: 'paragraph',
      text: `你单位提交的《${nameOf(app)}》（受理号 ${caseText(app)}）经${office}审查，需补正以下 ${issues.length} 项内容。现一次性告知如下：`,
    },
    {
      kind: 'rows',
      rows: [
        { label: '退回机关', value: `${office}（${level}）` },
        { label: '经办人', value: returned.actor.name },
        { label: '退回时间', value: `${beijingTime(returned.at)}（北京时间）` },
        { label: '审查意见', value: returned.comment ?? '—' },
        { label: '补正期限', value: `${deadline}（北京时间）前` },
      ],
    },
    {
      kind: 'table',
      title: '需补正的内容',
      columns: ['序号', '补正项目', '问题说明'],
      rows: issues.map((issue, i) => [String(i + 1), pathTitle(input, issue.path), issue.message]),
      widths: [0.6, 1.8, 3],
    },
    { kind: 'heading', text: '办理要求' },
    {
      kind: 'paragraph',
      text:
        `请于 ${deadline}（北京时间）前登录平台，打开该申请，点击“修改并重新提交”，按上列问题一次补正全部内容（需更换的材料请上传新文件）。` +
        `补正后申请回到${office}继续审查，本级办理时限接续计算；逾期未补正的，申请将按超期处理。`,
    },
    ...(resubmitted ? [{ kind: 'paragraph' as const, text: `（该申请已于 ${beijingTime(resubmitted.at)} 补正后重新提交。）` }] : []),
    { kind: 'signature', lines: [office, `出具日期：${beijingDate(input.issuedAt)}`] },
  ]);
}

export function documentContent(kind: DocumentKind, input: DocumentInput): DocumentContent {
  switch (kind) {
    case 'application-form':
      return applicationForm(input);
    case 'receipt':
      return receipt(input);
    case 'return-notice':
      return returnNotice(input);
  }
}
