// The authorization matrix: every route × every caller's relation to an application, for an application
// hosted in a township of 连州市 and one hosted in a village of that township, against DynamoDB Local and
// the local engine. The expected answer of each cell is the table below, written from the rules
// (shared/api.md and the top of functions/policy.ts), not from running the code.
import { cstYear } from '#functions/domain/china-time.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, type Client, type Harness } from '../support/local.js';
import { ORG, submission } from '../support/submissions.js';
import { unmaskedIn } from '../support/security.js';
import { reach } from '../support/applications.js';
import { seedApproved } from '../integration/registry-fixtures.js';
import { checked, send as sendUpload } from '../support/materials.js';
import { pdf } from '../support/files.js';

const OTHER_ORG = '51441882MJ1234567W';
const TOWNSHIP = '441882102'; // 大路边镇, 连州市
const VILLAGE = '441882102201'; // 寒鸭村, 大路边镇

/** Who calls, by their relation to applications hosted in 大路边镇 (or a village of it) and owned by ORG. */
const callers = {
  owner: { role: 'applicant', org: ORG, name: '申请单位', sub: 'matrix-owner' },
  otherApplicant: { role: 'applicant', org: OTHER_ORG, name: '另一申请单位', sub: 'matrix-other-applicant' },
  sameTownship: { role: 'official', level: 'township', region: TOWNSHIP, name: '大路边镇科协' },
  siblingTownship: { role: 'official', level: 'township', region: '441882101', name: '星子镇科协' },
  parentCounty: { role: 'official', level: 'county', region: '441882', name: '连州市科协' },
  otherCounty: { role: 'official', level: 'county', region: '441881', name: '英德市科协' },
  province: { role: 'official', level: 'province', region: '44', name: '广东省科协' },
  admin: { role: 'admin', name: '省科协管理员' },
  // 寒鸭村's account (村委会): posts its village's needs; nothing of applications is its.
  village: { role: 'village', region: VILLAGE, name: '寒鸭村委会', sub: 'matrix-village' },
  anonymous: null,
} as const;
type Caller = keyof typeof callers;
const callerNames = Object.keys(callers) as Caller[];

/**
 * A status; or 200 and: `shown` / `masked` — the applicant's mobiles and credit code as they are / masked;
 * `listed` / `unlisted` — the application (or its certificate) is / is not among what the list returns.
 */
type Expected = number | 'shown' | 'masked' | 'listed' | 'unlisted';
const [S, M, L, U] = ['shown', 'masked', 'listed', 'unlisted'] as const;

/** One row of the table, in the order of `callers`. */
function row(...cells: Expected[]): Record<Caller, Expected> {
  expect(cells).toHaveLength(callerNames.length);
  return Object.fromEntries(callerNames.map((caller, i) => [caller, cells[i]])) as Record<Caller, Expected>;
}

// The rules, as a table. Visible to: the owner, officials whose region contains the host region (the
// township, its county, the province), admins; hidden (404) from everyone else. Acting: only the owner
// resubmits and withdraws (others who see it: 403); only the awaited office decides (other officials who
// see it: 409; non-officials who see it: 403). Personal data: shown to the owner, admins and offices the
// application has reached; masked for offices above it. No token: 401 everywhere but the public routes.
// A village account (村委会) is none of these to an application: it is not found (404) and its lists are refused (403).
//
//                                                        owner  other  sameT  sibT   county oCnty  prov   admin  vill.  none
const perApplication = {
  'GET /v1/applications/{id} (awaiting township)':       row(S,     404,   S,     404,   M,     404,   M,     S,     404,   401),
  'PUT /v1/applications/{id} (returned)':                row(200,   404,   403,   404,   403,   404,   403,   403,   404,   401),
  'POST /v1/applications/{id}/decision (at township)':   row(403,   404,   200,   404,   409,   404,   409,   403,   404,   401),
  'POST /v1/applications/{id}/decision (at county)':     row(403,   404,   409,   404,   200,   404,   409,   403,   404,   401),
  'POST /v1/applications/{id}/decision (at province)':   row(403,   404,   409,   404,   409,   404,   200,   403,   404,   401),
  'POST /v1/applications/{id}/withdraw':                 row(200,   404,   403,   404,   403,   404,   403,   403,   404,   401),
  'GET /v1/applications (is it listed?)':                row(L,     U,     L,     U,     L,     U,     L,     L,     403,   401),
  'GET /v1/tasks (awaiting township: listed?)':          row(403,   403,   L,     U,     U,     U,     U,     403,   403,   401),
  // The printable documents: read by exactly those who read the application (the masking: test/integration/documents.test.ts).
  'GET /v1/applications/{id}/documents/receipt':         row(200,   404,   200,   404,   200,   404,   200,   200,   404,   401),
  'GET /v1/applications/{id}/documents/return-notice (returned)': row(200,   404,   200,   404,   200,   404,   200,   200,   404,   401),
  // 催办: the owner only; just submitted, the township has not had half its time yet (409).
  'POST /v1/applications/{id}/urge (awaiting township)': row(409,   404,   403,   404,   403,   404,   403,   403,   404,   401),
  // Notices are their recipient's: the township's task notice is the township office's alone.
  'GET /v1/notifications (its task notice listed?)':     row(U,     U,     L,     U,     U,     U,     U,     U,     U,     401),
  'POST /v1/notifications/{id}/read (its task notice)':  row(404,   404,   200,   404,   404,   404,   404,   404,   404,   401),
  // 批量通过: county and province offices only (a township decides one by one); each item as its one decision would be
  // (the cell is the item's outcome: 200 approved, 404 not the office's, 409 not awaiting it).
  'POST /v1/tasks/approvals (awaiting province)':        row(403,   403,   403,   403,   409,   404,   200,   403,   403,   401),
};
// Registry: approved records (public fields), for admins and for officials within their own region.
const perCaller = {
  'POST /v1/applications':                               row(201,   201,   403,   403,   403,   403,   403,   403,   403,   401),
  'GET /v1/registry (certificate listed?)':              row(403,   403,   L,     U,     L,     U,     L,     L,     403,   401),
  'GET /v1/registry?region=441882':                      row(403,   403,   403,   403,   200,   403,   200,   200,   403,   401),
  'GET /v1/registry/export (certificate listed?)':       row(403,   403,   L,     U,     L,     U,     L,     L,     403,   401),
  'GET /v1/stats':                                       row(403,   403,   403,   403,   403,   403,   403,   200,   403,   401),
  // 审批进度 of one scope: the province and admins any, a county office its own county (its default), a township none.
  'GET /v1/stats/pipeline':                              row(403,   403,   403,   403,   200,   200,   200,   200,   403,   401),
  'GET /v1/stats/pipeline?region=441882':                row(403,   403,   403,   403,   200,   403,   200,   200,   403,   401),
  'GET /v1/health':                                      row(200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
  'GET /v1/forms':                                       row(200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
  'GET /v1/regions/441882102':                           row(200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
  'GET /v1/openapi.json':                                row(200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
  'GET /v1/certificates/{certificateNo}':                row(200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
  'GET /v1/notifications':                               row(200,   200,   200,   200,   200,   200,   200,   200,   200,   401),
  'POST /v1/notifications/read-all':                     row(200,   200,   200,   200,   200,   200,   200,   200,   200,   401),
  'GET /v1/offices/township/441882102/channels':         row(403,   403,   403,   403,   403,   403,   403,   200,   403,   401),
  'PUT /v1/offices/township/441882102/channels':         row(403,   403,   403,   403,   403,   403,   403,   200,   403,   401),
  'GET /v1/deliveries/failed':                           row(403,   403,   403,   403,   403,   403,   403,   200,   403,   401),
  // A certificate's end: the province and administrators revoke; only its own organisation dissolves.
  'POST /v1/certificates/{certificateNo}/revoke':        row(403,   403,   403,   403,   403,   403,   200,   200,   403,   401),
  'POST /v1/certificates/{certificateNo}/dissolve':      row(200,   403,   403,   403,   403,   403,   403,   403,   403,   401),
  // A station's annual report and change: only its own organisation files them; its history is seen as the station is.
  'POST /v1/certificates/{certificateNo}/reports':       row(201,   403,   403,   403,   403,   403,   403,   403,   403,   401),
  'POST /v1/certificates/{certificateNo}/changes':       row(201,   403,   403,   403,   403,   403,   403,   403,   403,   401),
  'GET /v1/certificates/{certificateNo}/history':        row(200,   404,   200,   404,   200,   404,   200,   200,   404,   401),
  // 常用意见: the office's own officials and administrators.
  'GET /v1/offices/township/441882102/comments':         row(403,   403,   200,   403,   403,   403,   403,   200,   403,   401),
  'PUT /v1/offices/township/441882102/comments':         row(403,   403,   200,   403,   403,   403,   403,   200,   403,   401),
  // Drafts are their organisation's alone: another organisation's draft is not found; nobody else has drafts.
  'POST /v1/drafts':                                     row(201,   201,   403,   403,   403,   403,   403,   403,   403,   401),
  "GET /v1/drafts/{id} (the owner's draft)":             row(200,   404,   403,   403,   403,   403,   403,   403,   403,   401),
  "GET /v1/drafts (the owner's draft listed?)":          row(L,     U,     403,   403,   403,   403,   403,   403,   403,   401),
  // The demand library's village needs (寒鸭村's, its township 大路边镇 confirms): the village posts in its own village,
  // reads, corrects and withdraws its own; the offices of its region see it before it is published; only its township
  // decides (others who see it: 403); to everyone else an unpublished need does not exist (404).
  'POST /v1/demands (in 寒鸭村)':                          row(403,   403,   201,   403,   201,   403,   403,   403,   201,   401),
  "GET /v1/demands/{id} (寒鸭村's need, PENDING)":        row(404,   404,   200,   404,   200,   404,   200,   200,   200,   401),
  "GET /v1/demands?status=PENDING (its need listed?)":    row(403,   403,   L,     U,     L,     U,     L,     L,     L,     401),
  "POST /v1/demands/{id}/decision (寒鸭村's need)":       row(404,   404,   200,   404,   403,   404,   403,   403,   403,   401),
  "PUT /v1/demands/{id} (寒鸭村's need, RETURNED)":       row(404,   404,   403,   404,   403,   404,   403,   403,   200,   401),
  "POST /v1/demands/{id}/withdraw (寒鸭村's need)":       row(404,   404,   403,   404,   403,   404,   403,   403,   200,   401),
  // A need's files are seen as the need is; uploads are an applicant's materials or a need poster's files (township
  // and county offices, village accounts), nobody else's.
  "GET /v1/demands/{id}/materials/{mid} (PENDING need)": row(404,   404,   200,   404,   200,   404,   200,   200,   200,   401),
  'POST /v1/uploads':                                    row(201,   201,   201,   201,   201,   201,   403,   403,   201,   401),
  'GET /v1/availability':                                row(200,   200,   403,   403,   403,   403,   403,   403,   403,   401),
};

type Host = 'township' | 'village';
const hosts: Record<Host, { regionCode: string; type: 'society-station' | 'academician-station' }> = {
  township: { regionCode: TOWNSHIP, type: 'society-station' },
  village: { regionCode: VILLAGE, type: 'academician-station' },
};
type State = 'township' | 'county' | 'province' | 'returned';

let h: Harness;
let api: Client;
const tokens = {} as Record<Caller, string | undefined>;

beforeAll(async () => {
  h = await harness();
  api = await h.start();
  for (const caller of callerNames) {
    const claims = callers[caller];
    tokens[caller] = claims ? await api.token({ ...claims }) : undefined;
  }
});
afterAll(() => h?.close());

interface Answer {
  status: number;
  text: string;
  body: any;
  /** Ids (or certificate numbers) a list answered with, every page read. */
  members?: string[];
}

const call = (method: string, path: string, caller: Caller, body?: unknown): Promise<Answer> => api.call(method, path, { token: tokens[caller], body });

async function decide(caller: Caller, id: string, body: Record<string, unknown>) {
  const out = await call('POST', `/v1/applications/${id}/decision`, caller, body);
  expect(out.status, `preparing ${id}: ${caller} ${body.action}: ${out.text}`).toBe(200);
}

/** A new application of `host`, brought to `state` through the real chain. */
async function prepare(host: Host, state: State): Promise<string> {
  const { regionCode, type } = hosts[host];
  const out = await call('POST', '/v1/applications', 'owner', submission(type, regionCode));
  expect(out.status, `preparing a ${host}-hosted application: ${out.text}`).toBe(201);
  const id = out.body.id as string;
  const awaiting = (level: string) => reach(api, tokens.admin!, id, (a) => a.status === 'PENDING' && a.task?.level === level, `awaiting ${level}`);
  await awaiting('township');
  if (state === 'returned') {
    await decide('sameTownship', id, { action: 'return', comment: '请补充材料', issues: [{ message: '请补充场地照片' }] });
    await reach(api, tokens.admin!, id, (a) => a.status === 'RETURNED' && !!a.task, 'awaiting resubmission');
    return id;
  }
  if (state === 'township') return id;
  await decide('sameTownship', id, { action: 'approve' });
  await awaiting('county');
  if (state === 'county') return id;
  await decide('parentCounty', id, { action: 'approve' });
  await awaiting('province');
  return id;
}

const sharedApps = new Map<string, Promise<string>>();
/** One application per host and state for every cell that does not change it. */
function sharedApp(host: Host, state: State): Promise<string> {
  const key = `${host}:${state}`;
  if (!sharedApps.has(key)) sharedApps.set(key, prepare(host, state));
  return sharedApps.get(key)!;
}

let certificate: Promise<string> | undefined;
/** An application hosted in 大路边镇, approved by all three levels: its certificate number. */
function approvedCertificate(): Promise<string> {
  certificate ??= (async () => {
    const id = await prepare('township', 'province');
    await decide('province', id, { action: 'approve' });
    const done = await reach(api, tokens.owner!, id, (a) => a.status === 'APPROVED', 'approved');
    return (done as unknown as { certificateNo: string }).certificateNo;
  })();
  return certificate;
}

/** Every page of a list, as ids (or `key` of each item). */
async function listAll(path: string, caller: Caller, key = 'id'): Promise<Answer> {
  const members: string[] = [];
  let cursor: string | null = null;
  for (;;) {
    const sep = path.includes('?') ? '&' : '?';
    const out: Answer = await call('GET', `${path}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, caller);
    if (out.status !== 200) return out;
    members.push(...out.body.items.map((item: Record<string, string>) => item[key]));
    cursor = out.body.cursor;
    if (!cursor) return { ...out, members };
  }
}

interface PerApplicationRoute {
  /** The state the application must be in; cells expecting success on a route that changes it get their own. */
  state: State;
  changes: boolean;
  act: (id: string, caller: Caller, host: Host) => Promise<Answer>;
}

const perApplicationRoutes: Record<keyof typeof perApplication, PerApplicationRoute> = {
  'GET /v1/applications/{id} (awaiting township)': { state: 'township', changes: false, act: (id, caller) => call('GET', `/v1/applications/${id}`, caller) },
  'PUT /v1/applications/{id} (returned)': {
    state: 'returned',
    changes: true,
    act: (id, caller, host) => call('PUT', `/v1/applications/${id}`, caller, { form: submission(hosts[host].type, hosts[host].regionCode).form }),
  },
  'POST /v1/applications/{id}/decision (at township)': { state: 'township', changes: true, act: (id, caller) => call('POST', `/v1/applications/${id}/decision`, caller, { action: 'approve' }) },
  'POST /v1/applications/{id}/decision (at county)': { state: 'county', changes: true, act: (id, caller) => call('POST', `/v1/applications/${id}/decision`, caller, { action: 'approve' }) },
  'POST /v1/applications/{id}/decision (at province)': { state: 'province', changes: true, act: (id, caller) => call('POST', `/v1/applications/${id}/decision`, caller, { action: 'approve' }) },
  'POST /v1/applications/{id}/withdraw': { state: 'township', changes: true, act: (id, caller) => call('POST', `/v1/applications/${id}/withdraw`, caller) },
  'GET /v1/applications (is it listed?)': { state: 'township', changes: false, act: (_id, caller) => listAll('/v1/applications', caller) },
  'GET /v1/tasks (awaiting township: listed?)': { state: 'township', changes: false, act: (_id, caller) => listAll('/v1/tasks', caller) },
  'GET /v1/applications/{id}/documents/receipt': { state: 'township', changes: false, act: (id, caller) => call('GET', `/v1/applications/${id}/documents/receipt`, caller) },
  'GET /v1/applications/{id}/documents/return-notice (returned)': {
    state: 'returned',
    changes: false,
    act: (id, caller) => call('GET', `/v1/applications/${id}/documents/return-notice`, caller),
  },
  'POST /v1/applications/{id}/urge (awaiting township)': { state: 'township', changes: false, act: (id, caller) => call('POST', `/v1/applications/${id}/urge`, caller) },
  'GET /v1/notifications (its task notice listed?)': {
    state: 'township',
    changes: false,
    act: async (id, caller) => {
      const out = await listAll('/v1/notifications', caller, 'applicationId');
      return { ...out, members: out.members?.map((member) => (member === id ? id : `other:${member}`)) };
    },
  },
  'POST /v1/tasks/approvals (awaiting province)': {
    state: 'province',
    changes: true,
    act: async (id, caller) => {
      const out = await call('POST', '/v1/tasks/approvals', caller, { applicationIds: [id] });
      if (out.status !== 200) return out;
      const item = out.body.items[0] as { outcome: string; error?: string };
      const status = item.outcome === 'approved' ? 200 : item.error === 'not_found' ? 404 : item.error === 'conflict' ? 409 : 500;
      return { ...out, status, body: { error: item.error } };
    },
  },
  'POST /v1/notifications/{id}/read (its task notice)': {
    state: 'township',
    // Marking read again is the same answer: cells may share the notice.
    changes: false,
    act: async (id, caller) => call('POST', `/v1/notifications/${await taskNoticeOf(id)}/read`, caller),
  },
};

/** The id of the task notice the township office got for application `id`. */
async function taskNoticeOf(id: string): Promise<string> {
  const notices = (await call('GET', '/v1/notifications?limit=100', 'sameTownship')).body.items as { id: string; applicationId: string; kind: string }[];
  const notice = notices.find((n) => n.applicationId === id && n.kind === 'task');
  expect(notice, `the township's task notice of ${id}`).toBeDefined();
  return notice!.id;
}

const perCallerRoutes: Record<keyof typeof perCaller, (caller: Caller) => Promise<Answer & { target?: string }>> = {
  'POST /v1/applications': (caller) =>
    call('POST', '/v1/applications', caller, submission('society-station', TOWNSHIP, caller === 'otherApplicant' ? OTHER_ORG : ORG)),
  'GET /v1/registry (certificate listed?)': async (caller) => ({ ...(await listAll('/v1/registry', caller, 'certificateNo')), target: await approvedCertificate() }),
  'GET /v1/registry?region=441882': (caller) => call('GET', '/v1/registry?region=441882', caller),
  'GET /v1/registry/export (certificate listed?)': async (caller) => {
    const target = await approvedCertificate();
    const out = await call('GET', '/v1/registry/export', caller);
    return { ...out, target, members: out.status === 200 ? out.text.split('\n').map((line) => line.split(',')[0]) : undefined };
  },
  'GET /v1/stats': (caller) => call('GET', '/v1/stats', caller),
  'GET /v1/stats/pipeline': (caller) => call('GET', '/v1/stats/pipeline', caller),
  'GET /v1/stats/pipeline?region=441882': (caller) => call('GET', '/v1/stats/pipeline?region=441882', caller),
  'GET /v1/health': (caller) => call('GET', '/v1/health', caller),
  'GET /v1/forms': (caller) => call('GET', '/v1/forms', caller),
  'GET /v1/regions/441882102': (caller) => call('GET', '/v1/regions/441882102', caller),
  'GET /v1/openapi.json': (caller) => call('GET', '/v1/openapi.json', caller),
  'GET /v1/certificates/{certificateNo}': async (caller) => call('GET', `/v1/certificates/${await approvedCertificate()}`, caller),
  'GET /v1/notifications': (caller) => call('GET', '/v1/notifications', caller),
  'POST /v1/notifications/read-all': (caller) => call('POST', '/v1/notifications/read-all', caller),
  'GET /v1/offices/township/441882102/channels': (caller) => call('GET', '/v1/offices/township/441882102/channels', caller),
  'PUT /v1/offices/township/441882102/channels': (caller) => call('PUT', '/v1/offices/township/441882102/channels', caller, { emails: ['kexie@dalubian.example.cn'] }),
  'GET /v1/deliveries/failed': (caller) => call('GET', '/v1/deliveries/failed', caller),
  // Each cell its own active certificate (of the owner's organisation, hosted in the township), so no cell sees another's end.
  'POST /v1/certificates/{certificateNo}/revoke': async (caller) =>
    call('POST', `/v1/certificates/${(await activeCertificate()).certificateNo}/revoke`, caller, { reason: '经核查已停止服务' }),
  'POST /v1/certificates/{certificateNo}/dissolve': async (caller) =>
    call('POST', `/v1/certificates/${(await activeCertificate()).certificateNo}/dissolve`, caller, { reason: '合作协议到期' }),
  'POST /v1/certificates/{certificateNo}/reports': async (caller) =>
    call('POST', `/v1/certificates/${(await activeCertificate()).certificateNo}/reports`, caller, {
      year: cstYear(new Date()),
      form: { services: '全年开展现场技术指导十二次，推广新品种三个。', expertDaysOnSite: 40, trainings: 4, peopleTrained: 160, technologies: [], farmersServed: 300, enterprisesServed: 3 },
    }),
  'POST /v1/certificates/{certificateNo}/changes': async (caller) =>
    call('POST', `/v1/certificates/${(await activeCertificate()).certificateNo}/changes`, caller, { form: { address: '连州市大路边镇新街一号二楼', reason: '办公地点搬迁' } }),
  'GET /v1/certificates/{certificateNo}/history': async (caller) => call('GET', `/v1/certificates/${await approvedCertificate()}/history`, caller),
  'GET /v1/offices/township/441882102/comments': (caller) => call('GET', '/v1/offices/township/441882102/comments', caller),
  'PUT /v1/offices/township/441882102/comments': async (caller) => {
    const seen = await call('GET', '/v1/offices/township/441882102/comments', 'admin');
    return call('PUT', '/v1/offices/township/441882102/comments', caller, { version: seen.body.version, comments: ['材料齐全，同意上报。'] });
  },
  'POST /v1/drafts': (caller) => call('POST', '/v1/drafts', caller, { type: 'society-station', form: { name: '草稿' } }),
  "GET /v1/drafts/{id} (the owner's draft)": async (caller) => call('GET', `/v1/drafts/${await ownerDraft()}`, caller),
  // One page holds an organisation's drafts (at most 20): no paging to follow.
  "GET /v1/drafts (the owner's draft listed?)": async (caller) => {
    const out = await call('GET', '/v1/drafts', caller);
    return { ...out, target: await ownerDraft(), members: out.status === 200 ? out.body.items.map((d: { id: string }) => d.id) : undefined };
  },
  'GET /v1/availability': (caller) => call('GET', `/v1/availability?type=society-station&regionCode=${TOWNSHIP}`, caller),
  'POST /v1/demands (in 寒鸭村)': (caller) => call('POST', '/v1/demands', caller, villageNeed),
  "GET /v1/demands/{id} (寒鸭村's need, PENDING)": async (caller) => call('GET', `/v1/demands/${await sharedNeed()}`, caller),
  "GET /v1/demands?status=PENDING (its need listed?)": async (caller) => ({ ...(await listAll('/v1/demands?status=PENDING', caller)), target: await sharedNeed() }),
  // Each cell its own need where it would change it; the refused share one.
  "POST /v1/demands/{id}/decision (寒鸭村's need)": async (caller) => call('POST', `/v1/demands/${caller === 'sameTownship' ? await newNeed() : await sharedNeed()}/decision`, caller, { action: 'approve' }),
  "PUT /v1/demands/{id} (寒鸭村's need, RETURNED)": async (caller) => call('PUT', `/v1/demands/${caller === 'village' ? await returnedNeed() : await sharedReturned()}`, caller, villageNeed),
  "POST /v1/demands/{id}/withdraw (寒鸭村's need)": async (caller) => call('POST', `/v1/demands/${caller === 'village' ? await newNeed() : await sharedNeed()}/withdraw`, caller),
  "GET /v1/demands/{id}/materials/{mid} (PENDING need)": async (caller) => {
    const { id, materialId } = await sharedNeedWithFile();
    return call('GET', `/v1/demands/${id}/materials/${materialId}`, caller);
  },
  'POST /v1/uploads': (caller) => call('POST', '/v1/uploads', caller, { fileName: '现场照片.pdf', contentType: 'application/pdf', size: 1000 }),
};

let needWithFile: Promise<{ id: string; materialId: string }> | undefined;
/** A PENDING need of 寒鸭村's with a PDF of its own attached. */
function sharedNeedWithFile() {
  needWithFile ??= (async () => {
    const sent = await sendUpload(api, tokens.village!, pdf({ objects: ['<< /MatrixNeed 1 >>'] }), { fileName: '现场照片.pdf', contentType: 'application/pdf' });
    expect((await checked(api, tokens.village!, sent.uploadId)).body.status).toBe('ready');
    const out = await call('POST', '/v1/demands', 'village', { ...villageNeed, materials: [{ uploadId: sent.uploadId }] });
    expect(out.status, `preparing a village need with a file: ${out.text}`).toBe(201);
    return { id: out.body.id as string, materialId: out.body.materials[0].id as string };
  })();
  return needWithFile;
}

const villageNeed = {
  kind: 'technology',
  industry: 'planting',
  regionCode: VILLAGE,
  title: '菜心种植技术指导',
  description: '本村种植菜心约三百亩，希望请蔬菜专家到村指导品种选育和病虫害绿色防控。',
};

/** A new need of 寒鸭村's, PENDING. */
async function newNeed(): Promise<string> {
  const out = await call('POST', '/v1/demands', 'village', villageNeed);
  expect(out.status, `preparing a village need: ${out.text}`).toBe(201);
  return out.body.id as string;
}

/** A new need of 寒鸭村's, returned by its township. */
async function returnedNeed(): Promise<string> {
  const id = await newNeed();
  const out = await call('POST', `/v1/demands/${id}/decision`, 'sameTownship', { action: 'return', comment: '请补充', issues: [{ path: 'description', message: '请写明种植面积' }] });
  expect(out.status, `returning ${id}: ${out.text}`).toBe(200);
  return id;
}

let pendingNeed: Promise<string> | undefined;
let returnedShared: Promise<string> | undefined;
const sharedNeed = () => (pendingNeed ??= newNeed());
const sharedReturned = () => (returnedShared ??= returnedNeed());

let ownersDraft: Promise<string> | undefined;
/** A draft of the owner organisation's. */
function ownerDraft(): Promise<string> {
  ownersDraft ??= call('POST', '/v1/drafts', 'owner', { type: 'society-station', form: { name: '草稿' } }).then((out) => {
    expect(out.status, out.text).toBe(201);
    return out.body.id as string;
  });
  return ownersDraft;
}

const activeCertificate = () => seedApproved(api.stack.services, { type: 'society-station', regionCode: TOWNSHIP, at: new Date() });

/** Asserts one cell, with a message that names it. */
function assess(cell: string, expected: Expected, out: Answer, target?: string) {
  const got = `${out.status} ${out.text.slice(0, 300)}`;
  if (typeof expected === 'number') {
    expect(out.status, `${cell}: expected ${expected}, got ${got}`).toBe(expected);
    if (expected === 401) expect(out.body?.error, `${cell}: 401 says unauthorized`).toBe('unauthorized');
    if (expected === 404) expect(out.body?.error, `${cell}: 404 says not_found, as if it did not exist`).toBe('not_found');
    return;
  }
  expect(out.status, `${cell}: expected 200 (${expected}), got ${got}`).toBe(200);
  if (expected === 'listed' || expected === 'unlisted') {
    expect(out.members, `${cell}: a list`).toBeDefined();
    expect(out.members!.includes(target!), `${cell}: expected ${target} to be ${expected}`).toBe(expected === 'listed');
    return;
  }
  const contact = out.body.form.contact;
  if (expected === 'shown') {
    expect(contact.mobile, `${cell}: contact mobile shown`).toBe('13800138000');
    expect(out.body.form.organisation.creditCode, `${cell}: credit code shown`).toBe(ORG);
  } else {
    expect(contact.mobile, `${cell}: contact mobile masked`).toBe('138****8000');
    expect(contact.name, `${cell}: contact name masked`).toBe('张*');
    expect(unmaskedIn(out.text), `${cell}: no unmasked mobile or credit code anywhere in the answer`).toEqual([]);
  }
}

for (const host of Object.keys(hosts) as Host[]) {
  describe(`an application hosted in ${hosts[host].regionCode} (${host})`, () => {
    for (const [route, expectations] of Object.entries(perApplication) as [keyof typeof perApplication, Record<Caller, Expected>][]) {
      const { state, changes, act } = perApplicationRoutes[route];
      for (const caller of callerNames) {
        const expected = expectations[caller];
        const succeeds = expected === 200 || expected === 201;
        it(`${route} as ${caller} → ${expected}`, async () => {
          // Prepare: cells that would change the application get their own; the others share one.
          const id = changes && succeeds ? await prepare(host, state) : await sharedApp(host, state);
          // Act
          const out = await act(id, caller, host);
          // Assess
          assess(`${route} as ${caller} on the ${host}-hosted ${id}`, expected, out, id);
        });
      }
    }
  });
}

describe('routes that are not about one application', () => {
  for (const [route, expectations] of Object.entries(perCaller) as [keyof typeof perCaller, Record<Caller, Expected>][]) {
    for (const caller of callerNames) {
      const expected = expectations[caller];
      it(`${route} as ${caller} → ${expected}`, async () => {
        const out = await perCallerRoutes[route](caller);
        assess(`${route} as ${caller}`, expected, out, out.target);
        if (route === 'GET /v1/certificates/{certificateNo}') {
          // Anyone may verify a certificate; nobody learns personal data from it.
          expect(unmaskedIn(out.text), `${route}: no mobile or credit code`).toEqual([]);
          for (const field of ['form', 'applicant', 'contact', 'history']) expect(out.body, `${route}: public fields only`).not.toHaveProperty(field);
        }
      });
    }
  }
});

it('the matrix covers every caller on every route', () => {
  const cells = (Object.keys(hosts).length * Object.keys(perApplication).length + Object.keys(perCaller).length) * callerNames.length;
  expect(cells).toBe(640);
});
