// The API against its own OpenAPI document, so the two cannot drift apart: for every operation the served document
// lists and every caller (anonymous, an applicant, a township, county and province office, an administrator, a
// village account), the
// document's own examples and fast-check variants of them (wrong types, unknown and repeated parameters, missing
// and extra fields, bodies that are not JSON) and every method a documented path does not take are sent to a local
// stack; every answer must be a status the document lists for that operation, with a body its schema for that
// status accepts, never a 5xx, and never a success for a request the document refuses. Seeded: a failure
// reproduces with the same OPENAPI_SEED (printed with the failures).
import { cstYear } from '#functions/domain/china-time.js';
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { certificateTitle } from '#functions/domain/registry.js';
import { applicationTypes, catalogue, validateForm, type ApplicationType } from '#forms/catalogue.js';
import { goodForms } from '#forms/fixtures.js';
import { seedApproved } from './registry-fixtures.js';
import { openApiDocumentFile } from '#functions/http/openapi-build.js';
import { decisionSchema } from '#functions/http/schemas.js';
import { eventually, stackForFile, taskInInbox } from '../support/local.js';
import { ORG, submission } from '../support/submissions.js';
import { checked, requiredMaterials, send as sendUpload } from '../support/materials.js';
import { pdf } from '../support/files.js';
import {
  HTTP_METHODS,
  bodyMutation,
  documentValidator,
  mutate,
  pointer,
  queryValue,
  valueOf,
  wrongValue,
  type Document,
  type OperationDoc,
} from '../support/openapi.js';

const SEED = Number(process.env.OPENAPI_SEED ?? 20261129);
/** Generated variants per operation and caller, besides the examples. */
const VARIANTS = Number(process.env.OPENAPI_VARIANTS ?? 6);

// Limits out of the way: the check sends over a thousand requests from each caller, and must see each operation succeed.
// The township's soft limit is 2 s, so an application submitted first may be urged (催办) by the time that operation runs.
const file = stackForFile({ env: { RATE_LIMITS: 'caller=100000/60,address=100000/60,refused=100000/60', TIME_LIMITS: 'township=2s/3600s' } });
const roles = ['anonymous', 'applicant', 'township', 'county', 'province', 'admin', 'village'] as const;
type Role = (typeof roles)[number];
/** 寒鸭村's account (村委会), whose needs the township confirms: filled in `beforeAll`. */
let villageToken: string;

let doc: Document;
let validate: ReturnType<typeof documentValidator>;
const tokenOf = (role: Role) => (role === 'anonymous' ? undefined : role === 'village' ? villageToken : file.tokens[role]);

/** Values for path parameters that exist (in several states) and that do not; the first is the examples'. */
const pathValues: Record<string, string[]> = {};
/** An operation's own first values, where the operations before it would have changed the shared one. */
const pathValuesOf: Record<string, Record<string, string[]>> = {};
/** The query an operation's examples send when it requires one (the others' examples send none). */
const exampleQueryOf: Record<string, [string, string][]> = {};
const valuesOf = (operation: string, name: string) => pathValuesOf[operation]?.[name] ?? pathValues[name] ?? ['x'];
/** The statuses each operation answered, so that every operation is seen succeeding at least once. */
const statusesSeen = new Map<string, Set<number>>();
/** Bodies the server accepts when the rest of the request is right: the document must accept them too. */
const knownGood: Record<string, unknown[]> = {};

const HOSTS = { township: '441882102', village: '441882102201', county: '441882' } as const;
const hostOf = (type: ApplicationType) => HOSTS[catalogue[type].hostLevels.find((l): l is keyof typeof HOSTS => l in HOSTS)!];

beforeAll(async () => {
  const { api, tokens } = file;
  const served = await api.call('GET', '/v1/openapi.json');
  doc = served.body as Document;
  validate = documentValidator(doc);

  // Applications in the states the operations act on: awaiting the township, returned, approved with a certificate.
  const submit = async () => {
    const out = await api.call('POST', '/v1/applications', { token: tokens.applicant, body: submission('society-station', HOSTS.township) });
    expect(out.status, out.text).toBe(201);
    await taskInInbox(api, tokens.township, out.body.id);
    return out.body.id as string;
  };
  const decide = async (token: string, id: string, body: object) => {
    const out = await api.call('POST', `/v1/applications/${id}/decision`, { token, body });
    expect(out.status, out.text).toBe(200);
  };
  // `pending` is withdrawn by the withdraw's examples; the decision's examples decide `awaiting`.
  const [pending, awaiting, returned, approved, urgeable] = await Promise.all([submit(), submit(), submit(), submit(), submit()]);
  const certificate = (async () => {
    await decide(tokens.township, approved, { action: 'approve' });
    await taskInInbox(api, tokens.county, approved);
    await decide(tokens.county, approved, { action: 'approve' });
    await taskInInbox(api, tokens.province, approved);
    await decide(tokens.province, approved, { action: 'approve' });
    return eventually(async () => {
      const out = await api.call('GET', `/v1/applications/${approved}`, { token: tokens.admin });
      return out.body.certificateNo ?? undefined;
    }, 10_000, 'certificate');
  })();
  await decide(tokens.township, returned, { action: 'return', comment: '请补充材料', issues: ['请补充场地照片'] });
  await eventually(async () => {
    const out = await api.call('GET', `/v1/applications/${returned}`, { token: tokens.applicant });
    return out.body.task ? true : undefined;
  }, 10_000, 'returned application awaiting its correction');
  const certificateNo = (await certificate) as string;


  pathValues.id = [pending, returned, approved, '01JNOSUCHAPPLICATION0000000'];
  // The printable documents: each kind, and one there is none of; the return notice of the returned application.
  pathValues.kind = ['application-form', 'receipt', 'return-notice', 'certificate'];
  pathValuesOf['GET /v1/applications/{id}/documents/{kind}'] = { id: [returned, ...pathValues.id] };
  const { caseNo } = (await api.call('GET', `/v1/applications/${returned}`, { token: tokens.applicant })).body;
  exampleQueryOf['GET /v1/progress'] = [['caseNo', caseNo], ['creditCode', ORG]];
  pathValuesOf['POST /v1/applications/{id}/decision'] = { id: [awaiting, ...pathValues.id] };
  pathValuesOf['POST /v1/applications/{id}/urge'] = { id: [urgeable, ...pathValues.id] };
  const notices = await api.call('GET', '/v1/notifications?limit=1', { token: tokens.township });
  pathValues.notificationId = [notices.body.items[0].id, '01JNOSUCHNOTICE00000000000', 'x'];
  pathValues.level = ['township', 'county', 'province', 'village'];
  pathValues.region = ['441882102', '441882', '44', '4418821029999'];
  pathValues.certificateNo = [certificateNo, certificateTitle(certificateNo), 'GDKX-2000-000001', '粤科协备〔2000〕000001号'];
  // Certificates of their own for the operations that end one: each may succeed once, whichever caller comes first.
  const [toRevoke, toDissolve, toReport, toChange] = await Promise.all(
    ['expert-station', 'commissioner-station', 'society-station', 'expert-station'].map((type) => seedApproved(api.stack.services, { type: type as 'expert-station', regionCode: HOSTS.county, at: new Date() })),
  );
  // A report and a change of their own: each may be filed once (the year then reported, the change under way).
  pathValuesOf['POST /v1/certificates/{certificateNo}/reports'] = { certificateNo: [toReport.certificateNo, ...pathValues.certificateNo] };
  pathValuesOf['POST /v1/certificates/{certificateNo}/changes'] = { certificateNo: [toChange.certificateNo, ...pathValues.certificateNo] };
  knownGood.AnnualReportSubmission = [
    {
      year: cstYear(new Date()),
      form: { services: '全年开展现场技术指导十二次，推广新品种三个。', expertDaysOnSite: 40, trainings: 4, peopleTrained: 160, technologies: [{ name: '水肥一体化' }], farmersServed: 300, enterprisesServed: 3 },
    },
  ];
  knownGood.CertificateChangeSubmission = [{ form: { contact: { name: '黄志强', mobile: '13912345678' }, reason: '联系人调整' } }];
  pathValuesOf['POST /v1/certificates/{certificateNo}/revoke'] = { certificateNo: [toRevoke.certificateNo, ...pathValues.certificateNo] };
  pathValuesOf['POST /v1/certificates/{certificateNo}/dissolve'] = { certificateNo: [toDissolve.certificateNo, ...pathValues.certificateNo] };
  // A renewal of its own: a station with 100 days of its three-year term left (the window is its last 180 days).
  const threeYearsAgo = new Date();
  threeYearsAgo.setUTCFullYear(threeYearsAgo.getUTCFullYear() - 3);
  const toRenew = await seedApproved(api.stack.services, { type: 'commissioner-station', regionCode: HOSTS.county, at: new Date(threeYearsAgo.getTime() + 100 * 24 * 3600_000) });
  pathValuesOf['POST /v1/certificates/{certificateNo}/renewals'] = { certificateNo: [toRenew.certificateNo, ...pathValues.certificateNo] };
  knownGood.CertificateRenewalSubmission = [
    { form: { summary: '服务期内开展现场技术指导三十六次，推广新品种三个，带动农户增收。', servicesGiven: 36, expertDaysOnSite: 240, peopleTrained: 1200, selfGrade: 'qualified', plan: '下一服务期建设示范基地两个。' } },
  ];
  knownGood.Revocation = [{ reason: '经核查已停止服务' }];
  knownGood.Dissolution = [{ reason: '合作协议到期' }];
  // The demand library: a station of the applicant's own for its responses, a published need, one with a response
  // to match, one matched to close; each operation's examples act on its own.
  const station = await seedApproved(api.stack.services, { type: 'academician-station', regionCode: HOSTS.village, at: new Date() });
  const need = { kind: 'technology', industry: 'planting', regionCode: HOSTS.village, title: '沙糖桔黄龙病防控技术指导', description: '本村种植沙糖桔约两百亩，急需柑橘病虫害防治专家到村现场指导。' };
  const postNeed = async () => {
    const out = await api.call('POST', '/v1/demands', { token: tokens.township, body: need });
    expect(out.status, out.text).toBe(201);
    return out.body.id as string;
  };
  const respond = async (id: string) => {
    const out = await api.call('POST', `/v1/demands/${id}/responses`, { token: tokens.applicant, body: { proposal: '派果树专家两名驻村十天，现场诊断并培训果农。', certificateNo: station.certificateNo } });
    expect(out.status, out.text).toBe(201);
    return out.body.id as string;
  };
  const [published, toMatch, toClose] = await Promise.all([postNeed(), postNeed(), postNeed()]);
  const toMatchResponse = await respond(toMatch);
  const matched = await api.call('POST', `/v1/demands/${toClose}/match`, { token: tokens.township, body: { responseIds: [await respond(toClose)] } });
  expect(matched.status, matched.text).toBe(200);
  const demandIds = [published, toMatch, toClose, '01JNOSUCHDEMAND00000000000'];
  // A need with a file (a photo of the township's, attached when posting): its link's examples read it.
  const photo = await sendUpload(api, tokens.township, pdf({ objects: ['<< /NeedFile 1 >>'] }), { fileName: '现场照片.pdf', contentType: 'application/pdf' });
  expect((await checked(api, tokens.township, photo.uploadId)).body.status).toBe('ready');
  const withFile = await api.call('POST', '/v1/demands', { token: tokens.township, body: { ...need, materials: [{ uploadId: photo.uploadId }] } });
  expect(withFile.status, withFile.text).toBe(201);
  pathValuesOf['GET /v1/demands/{id}/materials/{materialId}'] = { id: [withFile.body.id, ...demandIds], materialId: [withFile.body.materials[0].id, '01JNOSUCHFILE0000000000000'] };
  pathValuesOf['GET /v1/demands/{id}'] = { id: demandIds };
  pathValuesOf['POST /v1/demands/{id}/responses'] = { id: demandIds };
  pathValuesOf['POST /v1/demands/{id}/match'] = { id: [toMatch, ...demandIds] };
  pathValuesOf['POST /v1/demands/{id}/close'] = { id: [toClose, ...demandIds] };
  // A village's needs: one awaiting the township (its decision's examples decide it), one returned (the village's
  // correction), one to withdraw.
  villageToken = await api.token({ role: 'village', region: HOSTS.village, name: '寒鸭村委会' });
  const villageNeed = async () => {
    const out = await api.call('POST', '/v1/demands', { token: villageToken, body: need });
    expect(out.status, out.text).toBe(201);
    return out.body.id as string;
  };
  const [toConfirm, toCorrect, toWithdraw] = await Promise.all([villageNeed(), villageNeed(), villageNeed()]);
  const sentBack = await api.call('POST', `/v1/demands/${toCorrect}/decision`, { token: tokens.township, body: { action: 'return', comment: '请补充', issues: [{ path: 'description', message: '请写明种植面积' }] } });
  expect(sentBack.status, sentBack.text).toBe(200);
  pathValuesOf['POST /v1/demands/{id}/decision'] = { id: [toConfirm, ...demandIds] };
  pathValuesOf['PUT /v1/demands/{id}'] = { id: [toCorrect, ...demandIds] };
  pathValuesOf['POST /v1/demands/{id}/withdraw'] = { id: [toWithdraw, ...demandIds] };
  knownGood.DemandDecision = [{ action: 'approve' }, { action: 'return', comment: '请补充完善', issues: [{ path: 'title', message: '标题请写明作物' }, '请补充种植面积'] }, { action: 'reject', comment: '与已发布的需求重复' }];
  knownGood.DemandInput = [need, { ...need, kind: 'training', industry: 'e-commerce', regionCode: HOSTS.township, expectedOutcome: '培训果农一百人', wantedBy: '2027-06-30' }];
  knownGood.DemandResponseInput = [{ proposal: '派果树专家两名驻村十天，现场诊断并培训果农。', certificateNo: station.certificateNo, startBy: '2027-01-10' }];
  knownGood.DemandMatch = [{ responseIds: [toMatchResponse] }];
  knownGood.DemandClose = [{ outcome: '专家驻村十天，培训果农八十人。', rating: 4, daysOnSite: 10, peopleTrained: 80 }, { outcome: '只开展了一次培训。', rating: 2, comment: '承诺三期只办了一期' }];
  // Drafts: one to read, one to save over its first version, one to delete; the host region availability asked.
  const newDraft = async () => {
    const out = await api.call('POST', '/v1/drafts', { token: tokens.applicant, body: { type: 'society-station', form: { name: '连州市大路边镇学会科技服务站' } } });
    expect(out.status, out.text).toBe(201);
    return out.body.id as string;
  };
  const [toRead, toSave, toDelete] = await Promise.all([newDraft(), newDraft(), newDraft()]);
  const draftIds = ['01JNOSUCHDRAFT000000000000', 'x'];
  pathValuesOf['GET /v1/drafts/{id}'] = { id: [toRead, ...draftIds] };
  pathValuesOf['PUT /v1/drafts/{id}'] = { id: [toSave, ...draftIds] };
  pathValuesOf['DELETE /v1/drafts/{id}'] = { id: [toDelete, ...draftIds] };
  knownGood.DraftCreate = [{ type: 'society-station', regionCode: HOSTS.township, form: { name: '连州市大路边镇学会科技服务站' } }];
  knownGood.DraftSave = [{ version: 1, regionCode: HOSTS.township, form: { name: '连州市大路边镇学会科技服务站', address: '大路边镇' } }];
  knownGood.OfficeCommentsInput = [{ version: 0, comments: ['材料齐全，同意上报。', '请补充村委会意见后重新提交。'] }];
  exampleQueryOf['GET /v1/availability'] = [['type', 'society-station'], ['regionCode', HOSTS.township]];
  pathValues.code = ['44', HOSTS.county, HOSTS.township, HOSTS.village, '99', '4418821029999'];
  knownGood.Submission = applicationTypes.map((type) => submission(type, hostOf(type)));
  knownGood.Resubmission = [{ form: submission('society-station', HOSTS.township).form }];
  knownGood.ChannelSettings = [
    { emails: ['kexie@dalubian.example.cn'] },
    { robot: { platform: 'wecom', webhookUrl: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=633a31f6-7f9c-4bc4-97a0-0ec1eefa5898' } },
    { emails: [], robot: null },
  ];
  knownGood.Decision = [
    { action: 'approve' },
    { action: 'approve', comment: '同意' },
    { action: 'reject', comment: '不符合设立条件' },
    { action: 'return', comment: '请补充材料', issues: ['请补充场地照片', { path: 'form.address', message: '地址不完整' }] },
  ];

  // An application with its materials, and uploads in each state (ready, refused, not yet sent): the routes of both.
  const { refs } = await requiredMaterials(api, tokens.applicant, 'society-station');
  const withMaterials = await api.call('POST', '/v1/applications', { token: tokens.applicant, body: { ...submission('society-station', HOSTS.township), materials: refs } });
  expect(withMaterials.status, withMaterials.text).toBe(201);
  const ready = await sendUpload(api, tokens.applicant, pdf(), { fileName: '章程.pdf', contentType: 'application/pdf' });
  const refused = await sendUpload(api, tokens.applicant, Buffer.from('MZ not a PDF at all, padded to a size.'), { fileName: '章程.pdf', contentType: 'application/pdf' });
  await Promise.all([ready, refused].map((u) => checked(api, tokens.applicant, u.uploadId)));
  const unsent = await api.call('POST', '/v1/uploads', { token: tokens.applicant, body: { fileName: '名册.pdf', contentType: 'application/pdf', size: 100 } });
  pathValues.uploadId = [ready.uploadId, refused.uploadId, unsent.body.uploadId, '01JZZZZZZZZZZZZZZZZZZZZZZZ'];

  // Returned naming a material, then resubmitted with a new file for it: an application with `replaces`, replaced
  // materials and a history entry naming them, read whole and each file opened by every caller.
  const returnWithMaterials = async (seed: number) => {
    const { refs: own } = await requiredMaterials(api, tokens.applicant, 'society-station', seed);
    const out = await api.call('POST', '/v1/applications', { token: tokens.applicant, body: { ...submission('society-station', HOSTS.township), materials: own } });
    expect(out.status, out.text).toBe(201);
    await taskInInbox(api, tokens.township, out.body.id);
    await decide(tokens.township, out.body.id, { action: 'return', comment: '请补充材料', issues: [{ path: 'materials.registration-certificate', message: '证书已过期' }] });
    await eventually(async () => ((await api.call('GET', `/v1/applications/${out.body.id}`, { token: tokens.applicant })).body.task ? true : undefined), 10_000, 'returned');
    return out.body as { id: string; form: unknown; materials: { id: string; key: string }[] };
  };
  const newCertificate = async () => {
    const sent = await sendUpload(api, tokens.applicant, pdf({ objects: ['<< /Renewed true >>'] }), { fileName: '新证书.pdf', contentType: 'application/pdf', type: 'society-station', material: 'registration-certificate' });
    expect((await checked(api, tokens.applicant, sent.uploadId)).body.status).toBe('ready');
    return sent.uploadId;
  };
  const [revised, returnedWithMaterials] = await Promise.all([returnWithMaterials(21), returnWithMaterials(22)]);
  const resubmitted = await api.call('PUT', `/v1/applications/${revised.id}`, {
    token: tokens.applicant,
    body: { form: revised.form, materials: [{ key: 'registration-certificate', uploadId: await newCertificate() }] },
  });
  expect(resubmitted.status, resubmitted.text).toBe(200);
  expect(resubmitted.body.replacedMaterials).toHaveLength(1);
  const renewed = resubmitted.body.materials.find((m: { replaces?: string }) => m.replaces)!;
  pathValuesOf['GET /v1/applications/{id}'] = { id: [revised.id, ...pathValues.id] };
  pathValues.materialId = [withMaterials.body.materials[0].id, '01JZZZZZZZZZZZZZZZZZZZZZZZ'];
  pathValuesOf['GET /v1/applications/{id}/materials/{materialId}'] = {
    id: [revised.id, withMaterials.body.id, ...pathValues.id],
    materialId: [renewed.id, resubmitted.body.replacedMaterials[0].id, ...pathValues.materialId],
  };
  // The resubmission's examples go to an application returned naming its certificate: a new upload for it (the one
  // that succeeds), the returned material kept (refused: the return named it), and the form alone (refused likewise).
  const certificateOf = returnedWithMaterials.materials.find((m) => m.key === 'registration-certificate')!;
  const otherOf = returnedWithMaterials.materials.find((m) => m.key !== 'registration-certificate')!;
  pathValuesOf['PUT /v1/applications/{id}'] = { id: [returnedWithMaterials.id, ...pathValues.id] };
  knownGood.Resubmission = [
    { form: returnedWithMaterials.form, materials: [{ key: 'registration-certificate', uploadId: await newCertificate() }, { key: otherOf.key, materialId: otherOf.id }] },
    { form: returnedWithMaterials.form, materials: [{ key: 'registration-certificate', materialId: certificateOf.id }] },
    ...knownGood.Resubmission,
  ];
  // A submission with its materials first among the submission's examples: it succeeds, and its uploads are then used.
  knownGood.Submission = [{ ...submission('society-station', HOSTS.township), materials: (await requiredMaterials(api, tokens.applicant, 'society-station', 23)).refs }, ...knownGood.Submission];
  knownGood.UploadRequest = [
    { fileName: '会员名册.pdf', contentType: 'application/pdf', size: 123_456 },
    { fileName: '场地照片.jpg', contentType: 'image/jpeg', size: 2_000_000, type: 'science-e-station', material: 'venue-photos' },
  ];
});

interface Request {
  method: string;
  path: string;
  query: [string, string][];
  headers: Record<string, string>;
  /** The body as sent: JSON text, or anything else. */
  body?: string;
}

interface Case {
  /** `GET /v1/applications/{id}` */
  operation: string;
  role: Role;
  kind: 'example' | 'variant' | 'method';
  request: Request;
  /** Why the document refuses the request; empty when it accepts it. */
  refusedBecause: string[];
}

interface Failure {
  operation: string;
  role: Role;
  request: string;
  status: number;
  problems: string[];
}

const operationsOf = () =>
  Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op: op as OperationDoc })),
  );

const schemaName = (schema: { $ref?: string }) => schema.$ref?.split('/').pop() ?? '';

const bodiesOf = new Map<string, unknown[]>();
/** Valid bodies of the operation: the known good ones and values generated from its schema that the schema accepts. */
function validBodies(path: string, method: string, op: OperationDoc, seed: number): unknown[] {
  const schema = op.requestBody!.content['application/json'].schema;
  const at = pointer('paths', path, method, 'requestBody', 'content', 'application/json', 'schema');
  if (!bodiesOf.has(at)) {
    const generated = fc.sample(valueOf(doc, schema), { seed, numRuns: 8 }).filter((value) => validate(at, value).length === 0);
    bodiesOf.set(at, [...(knownGood[schemaName(schema)] ?? []), ...generated]);
  }
  return bodiesOf.get(at)!;
}

function jsonOf(text: string | undefined): { ok: true; value: unknown } | { ok: false } {
  try {
    return text === undefined ? { ok: false } : { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Why the document refuses this request of `op` (unknown or repeated parameters, values or bodies its schemas refuse). */
function refusals(path: string, method: string, op: OperationDoc, request: Request, pathArgs: Record<string, string>): string[] {
  const why: string[] = [];
  const seen = new Set<string>();
  op.parameters.forEach((p, i) => {
    const at = pointer('paths', path, method, 'parameters', i, 'schema');
    if (p.in === 'path') why.push(...validate(at, pathArgs[p.name]).map((e) => `path ${p.name}: ${e}`));
    if (p.in === 'header') {
      // A field's value as HTTP delivers it: without the spaces around it (RFC 9110 §5.5).
      const value = request.headers[p.name]?.trim();
      if (value === undefined) {
        if (p.required) why.push(`header ${p.name} missing`);
      } else why.push(...validate(at, value).map((e) => `header ${p.name}: ${e}`));
    }
    if (p.in === 'query' && p.required && !request.query.some(([name]) => name === p.name)) why.push(`query ${p.name} missing`);
  });
  for (const [name, text] of request.query) {
    const index = op.parameters.findIndex((p) => p.in === 'query' && p.name === name);
    if (index < 0) why.push(`query ${name} not documented`);
    else if (seen.has(name)) why.push(`query ${name} repeated`);
    else why.push(...validate(pointer('paths', path, method, 'parameters', index, 'schema'), queryValue(op.parameters[index].schema, text)).map((e) => `query ${name}: ${e}`));
    seen.add(name);
  }
  if (op.requestBody) {
    const parsed = jsonOf(request.body);
    if (request.body === undefined) why.push('no body');
    else if (!parsed.ok) why.push('body is not JSON');
    else why.push(...validate(pointer('paths', path, method, 'requestBody', 'content', 'application/json', 'schema'), parsed.value).map((e) => `body: ${e}`));
  }
  return why;
}

/** The example and the generated variants of one operation for one caller. */
function casesOf(path: string, method: string, op: OperationDoc, role: Role, seed: number): Case[] {
  const operation = `${method.toUpperCase()} ${path}`;
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const headerParams = op.parameters.filter((p) => p.in === 'header');
  const bodies = op.requestBody ? validBodies(path, method, op, seed) : [];
  const paramValue = (p: (typeof op.parameters)[number]) => {
    const text = valueOf(doc, p.schema).map((v) => String(v));
    // Numbers near the schema's: other notations of a number, and the edges of its range.
    const nearMiss = p.schema.type === 'integer' ? [fc.constantFrom('0x10', '1e1', ' 5', '5.0', '+5', '05', '0', '1', '100', '101', '-1', '')] : [];
    return fc.oneof(text, fc.string({ maxLength: 12 }), wrongValue.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))), ...nearMiss);
  };
  const known = new Set(op.parameters.map((p) => p.name));
  const request = fc.record({
    pathArgs: fc.record(Object.fromEntries(pathParams.map((p) => [p.name, fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...valuesOf(operation, p.name)) }, { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 16 }).filter((s) => s !== '.' && s !== '..') /* a dot segment: the URL drops it */ })]))),
    query: fc.array(
      fc.oneof(
        ...(queryParams.length ? [fc.tuple(fc.constantFrom(...queryParams)).chain(([p]) => paramValue(p).map((v) => [p.name, v] as [string, string]))] : []),
        fc.tuple(fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,10}$/).filter((name) => !known.has(name)), fc.string({ maxLength: 8 })),
      ),
      { maxLength: 3 },
    ),
    headers: fc.record(
      Object.fromEntries(headerParams.map((p) => [p.name, fc.oneof(valueOf(doc, p.schema).map(String), fc.string({ unit: fc.constantFrom(...'ab -_~:/'), maxLength: 140 }))])),
      { requiredKeys: [] },
    ) as fc.Arbitrary<Record<string, string>>,
    body: op.requestBody
      ? fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom(...bodies).map((b) => JSON.stringify(b)) },
          { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...bodies), bodyMutation).map(([b, m]) => JSON.stringify(mutate(b, m))) },
          { weight: 1, arbitrary: fc.constantFrom('', '{', '{"a":1}}', '[1,2', 'null', '"text"', '<xml/>') },
          { weight: 1, arbitrary: fc.constant(undefined) },
        )
      : fc.constant(undefined),
  });

  const fill = (pathArgs: Record<string, string>) => path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(pathArgs[name]));
  const build = (kind: Case['kind'], r: { pathArgs: Record<string, string>; query: [string, string][]; headers: Record<string, string>; body?: string }): Case => {
    const req: Request = { method: method.toUpperCase(), path: fill(r.pathArgs), query: r.query, headers: r.headers, body: r.body };
    return { operation, role, kind, request: req, refusedBecause: refusals(path, method, op, req, r.pathArgs) };
  };

  // The examples: each known value of the path parameters, no query, each valid body.
  const firstArgs = Object.fromEntries(pathParams.map((p) => [p.name, valuesOf(operation, p.name)[0]]));
  const examples = [
    ...(bodies.length ? bodies.slice(0, 3).map((b) => build('example', { pathArgs: firstArgs, query: [], headers: {}, body: JSON.stringify(b) })) : [build('example', { pathArgs: firstArgs, query: exampleQueryOf[operation] ?? [], headers: {} })]),
    ...pathParams.flatMap((p) => valuesOf(operation, p.name).slice(1).map((value) => build('example', { pathArgs: { ...firstArgs, [p.name]: value }, query: [], headers: {}, body: bodies[0] === undefined ? undefined : JSON.stringify(bodies[0]) }))),
  ];
  const variants = fc.sample(request, { seed, numRuns: VARIANTS }).map((r) => build('variant', r));
  return [...examples, ...variants];
}

const urlOf = (r: Request) => `${r.path}${r.query.length ? `?${new URLSearchParams(r.query)}` : ''}`;

async function send(role: Role, r: Request) {
  const token = tokenOf(role);
  const response = await fetch(`${file.api.stack.url}${urlOf(r)}`, {
    method: r.method,
    headers: { ...(r.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}), ...r.headers },
    body: r.body,
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

type Answer = Awaited<ReturnType<typeof send>>;

/** What is wrong with an answer to `c` by the document (nothing: []). */
function problemsOf(c: Case, path: string, method: string, op: OperationDoc | undefined, answer: Answer): string[] {
  const problems: string[] = [];
  if (answer.status >= 500) problems.push(`a server error (${answer.status})`);
  const documented = op ? op.responses[String(answer.status)] : doc.components.responses.MethodNotAllowed;
  const where = op ? ['paths', path, method, 'responses', String(answer.status)] : ['components', 'responses', 'MethodNotAllowed'];
  if (!op && answer.status !== 405) problems.push(`a method the path does not take answered ${answer.status}, not 405`);
  if (!documented) {
    problems.push(`status ${answer.status} is not documented (documented: ${Object.keys(op!.responses).join(', ')})`);
    return problems;
  }
  if (op && c.refusedBecause.length && answer.status < 300) problems.push(`answered ${answer.status} to a request the document refuses: ${c.refusedBecause.join('; ')}`);
  for (const [name, header] of Object.entries(documented.headers ?? {})) {
    if (header.required && !answer.headers.has(name)) problems.push(`header ${name} missing`);
  }
  const mediaType = (answer.headers.get('content-type') ?? '').split(';')[0].trim();
  if (!documented.content) return problems;
  if (c.request.method === 'HEAD') return problems;
  if (!documented.content[mediaType]) {
    problems.push(`content type ${mediaType || '(none)'} is not documented (documented: ${Object.keys(documented.content).join(', ')})`);
    return problems;
  }
  const parsed = mediaType === 'application/json' ? jsonOf(answer.text) : { ok: true as const, value: answer.text };
  if (!parsed.ok) return [...problems, 'body is not JSON'];
  problems.push(...validate(pointer(...where, 'content', mediaType, 'schema'), parsed.value).map((e) => `body ${e}`));
  return problems;
}

function describeRequest(r: Request): string {
  const headers = Object.entries(r.headers).map(([k, v]) => ` ${k}: ${JSON.stringify(v)}`).join('');
  const body = r.body === undefined ? '' : ` body ${r.body.length > 300 ? `${r.body.slice(0, 300)}…` : r.body}`;
  return `${r.method} ${urlOf(r)}${headers}${body}`;
}

async function run(cases: Case[], path: string, method: string, op: OperationDoc | undefined): Promise<Failure[]> {
  const failures: Failure[] = [];
  for (const c of cases) {
    const answer = await send(c.role, c.request);
    if (!statusesSeen.has(c.operation)) statusesSeen.set(c.operation, new Set());
    statusesSeen.get(c.operation)!.add(answer.status);
    const problems = problemsOf(c, path, method, op, answer);
    if (!op && answer.status === 405) {
      const allowed = Object.keys(doc.paths[path]).map((m) => m.toUpperCase());
      if (allowed.includes('GET')) allowed.push('HEAD');
      const allow = (answer.headers.get('allow') ?? '').split(',').map((m) => m.trim()).filter(Boolean);
      if ([...allow].sort().join() !== [...allowed].sort().join()) problems.push(`Allow: ${answer.headers.get('allow')} (the document says ${allowed.join(', ')})`);
    }
    if (problems.length) {
      failures.push({ operation: c.operation, role: c.role, request: describeRequest(c.request), status: answer.status, problems: [...problems, `answer: ${answer.text.slice(0, 300)}`] });
    }
  }
  return failures;
}

function report(failures: Failure[]): string {
  return [
    `${failures.length} answers do not fit the document (OPENAPI_SEED=${SEED}):`,
    ...failures.map((f) => `${f.operation} as ${f.role}: ${f.request}\n  → ${f.status}\n${f.problems.map((p) => `    - ${p}`).join('\n')}`),
  ].join('\n');
}

describe('the API answers as its OpenAPI document says', () => {
  it('serves a document with operations to check', () => {
    expect(operationsOf().length).toBeGreaterThanOrEqual(13);
  });

  it('the bodies the API accepts fit the document', () => {
    const problems: string[] = [];
    for (const [name, bodies] of Object.entries(knownGood)) {
      for (const body of bodies) problems.push(...validate(pointer('components', 'schemas', name), body).map((e) => `${name} ${JSON.stringify(body).slice(0, 80)}: ${e}`));
    }
    expect(problems).toEqual([]);
  });

  // One test per operation of the served document, read when the tests are collected from the same built file.
  for (const [path, methods] of Object.entries(JSON.parse(readFileSync(openApiDocumentFile, 'utf8')).paths as Document['paths'])) {
    for (const method of Object.keys(methods)) {
      it(`${method.toUpperCase()} ${path}: every caller, examples and variants`, async () => {
        const op = doc.paths[path][method];
        const index = operationsOf().findIndex((o) => o.path === path && o.method === method);
        const perRole = roles.map((role, r) => casesOf(path, method, op, role, SEED + index * 100 + r));
        // Callers of a read are independent of each other: they run side by side, each one's requests in order.
        // Changes run one caller after another, so the order of what they do to the same applications is the seed's.
        const failures =
          method === 'get'
            ? (await Promise.all(perRole.map((cases) => run(cases, path, method, op)))).flat()
            : await perRole.reduce<Promise<Failure[]>>(async (done, cases) => [...(await done), ...(await run(cases, path, method, op))], Promise.resolve([]));
        expect(failures.length, report(failures)).toBe(0);
        // Its success was checked too: some caller's example succeeded.
        const seen = [...statusesSeen.get(`${method.toUpperCase()} ${path}`)!];
        expect(seen.some((status) => status < 300), `no success among ${seen.join(', ')}`).toBe(true);
      });
    }
    it(`${path}: methods it does not take answer 405 with Allow`, async () => {
      const taken = Object.keys(doc.paths[path]);
      const others = HTTP_METHODS.filter((m) => !taken.includes(m) && !(m === 'head' && taken.includes('get')) && m !== 'options');
      const firstArgs = (p: string) => p.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(pathValues[name]?.[0] ?? 'x'));
      const cases: Case[] = roles.flatMap((role) =>
        others.map((m) => ({
          operation: `${m.toUpperCase()} ${path}`,
          role,
          kind: 'method' as const,
          request: { method: m.toUpperCase(), path: firstArgs(path), query: [], headers: {}, body: m === 'get' || m === 'head' ? undefined : '{}' },
          refusedBecause: ['method not documented'],
        })),
      );
      const failures = await run(cases, path, '', undefined);
      expect(failures.length, report(failures)).toBe(0);
    });
  }
});

describe('the rules the document states for every route', () => {
  it('a method a documented path does not take: 405 with Allow, for anyone, before authentication', async () => {
    for (const token of [undefined, file.tokens.admin]) {
      const out = await file.api.call('DELETE', `/v1/applications/${pathValues.id[0]}`, { token });
      expect(out.status).toBe(405);
      expect(out.headers.get('allow')).toBe('GET, PUT, HEAD');
      expect(out.body).toEqual({ error: 'method_not_allowed', message: expect.stringMatching(/[\u4e00-\u9fa5]/) });
    }
    expect((await file.api.call('PATCH', '/v1/forms')).headers.get('allow')).toBe('GET, HEAD');
  });

  it('a query parameter the route does not take, or one given twice: 400 naming it', async () => {
    // A mistyped filter would otherwise answer the whole registry as if it were filtered.
    const typo = await file.api.call('GET', '/v1/registry?regoin=441882', { token: file.tokens.admin });
    expect(typo.status).toBe(400);
    expect(typo.body.issues).toEqual([{ path: 'regoin', message: expect.stringContaining('region') }]);
    const twice = await file.api.call('GET', '/v1/applications?status=PENDING&status=RETURNED', { token: file.tokens.admin });
    expect(twice.status).toBe(400);
    expect(twice.body.issues).toEqual([{ path: 'status', message: expect.stringMatching(/[\u4e00-\u9fa5]/) }]);
    expect((await file.api.call('GET', '/v1/health?verbose=1')).status).toBe(400);
  });

  it('limit takes digits only', async () => {
    for (const limit of ['0x10', '1e1', '+5', '5.0']) {
      const out = await file.api.call('GET', `/v1/tasks?limit=${encodeURIComponent(limit)}`, { token: file.tokens.township });
      expect(out.status, limit).toBe(400);
      expect(out.body.issues[0].path).toBe('limit');
    }
  });
});

describe('the document’s decision says what the API checks', () => {
  it('accepts exactly the decisions the API accepts (reject and return need a comment, return needs issues)', () => {
    const text = fc.oneof(fc.constantFrom('', ' ', '\t', '同意', '  请补充  '), fc.string({ maxLength: 6 }));
    const issue = fc.oneof(text, fc.record({ message: text, path: fc.constantFrom('form.name', '') }, { requiredKeys: ['message'] }), wrongValue);
    const decision = fc.record(
      {
        action: fc.constantFrom('approve', 'reject', 'return', 'APPROVE', ''),
        comment: fc.oneof(text, wrongValue),
        issues: fc.oneof(fc.array(issue, { maxLength: 3 }), wrongValue),
        note: fc.constant('x'),
      },
      { requiredKeys: [] },
    );
    const disagreements: string[] = [];
    for (const body of fc.sample(decision, { seed: SEED, numRuns: 2000 })) {
      const byDocument = validate(pointer('components', 'schemas', 'Decision'), body).length === 0;
      const byApi = decisionSchema.safeParse(body).success;
      if (byDocument !== byApi) disagreements.push(`${JSON.stringify(body)}: document ${byDocument ? 'accepts' : 'refuses'}, API ${byApi ? 'accepts' : 'refuses'}`);
    }
    expect(disagreements.slice(0, 20), `${disagreements.length} disagreements (OPENAPI_SEED=${SEED})`).toEqual([]);
    // The case of issue 12: a rejection without a comment no longer fits the document.
    expect(validate(pointer('components', 'schemas', 'Decision'), { action: 'reject' })).not.toEqual([]);
  });

  it('ties a submission’s form to its type, as the API does', () => {
    // Each type's good form under each type. Whatever the API's check of that type accepts, the document accepts;
    // what the document accepts, the API may still refuse for a rule across fields that JSON Schema does not carry
    // (a society station's supporting organisations must include a society): documented as its 400.
    const tooStrict: string[] = [];
    let refused = 0;
    for (const type of applicationTypes) {
      for (const formType of applicationTypes) {
        const byDocument = validate(pointer('components', 'schemas', 'Submission'), { type, regionCode: hostOf(type), form: goodForms[formType] }).length === 0;
        if (!byDocument && validateForm(type, goodForms[formType]).ok) tooStrict.push(`a ${formType} form as ${type}: the API accepts it, the document does not`);
        if (!byDocument) refused++;
      }
    }
    expect(tooStrict).toEqual([]);
    expect(refused, 'most forms fit no other type').toBeGreaterThan(applicationTypes.length * 5);
  });
});
