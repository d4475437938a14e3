// The HTTP API (shared/api.md) as typed calls, with the signed-in user's token and its errors as ApiError.
import { currentSession, expireSession } from './auth';
import type { DocumentKind } from '#functions/domain/documents.js';
import type {
  Application,
  Availability,
  Draft,
  DraftSummary,
  BatchApprovalItem,
  Certificate,
  CertificateEvent,
  DemandResponseView,
  DemandView,
  ChannelsInput,
  Decided,
  DecidingLevel,
  FailedDelivery,
  FormType,
  FormValue,
  Issue,
  ListFilters,
  MaterialRef,
  NotificationPage,
  OfficeComments,
  OfficeChannels,
  Page,
  ProgressLookup,
  PipelineReport,
  ProgressReport,
  Region,
  RegistryItem,
  UploadSlot,
  UploadView,
  Urged,
} from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: Issue[] = [],
  ) {
    super(message);
  }
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await send(method, path, body);
  return (await response.json()) as T;
}

async function send(method: string, path: string, body?: unknown): Promise<Response> {
  const token = currentSession()?.token;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', '无法连接服务器，请检查网络后重试');
  }
  if (response.ok) return response;
  const error = (await response.json().catch(() => ({}))) as { error?: string; message?: string; issues?: Issue[] };
  if (response.status === 401) expireSession();
  throw new ApiError(response.status, error.error ?? 'http', error.message ?? fallbackMessage(response.status), error.issues ?? []);
}

function fallbackMessage(status: number): string {
  if (status === 401) return '登录已过期，请重新登录';
  if (status === 403) return '没有权限执行此操作';
  if (status === 404) return '未找到';
  return `服务器出错（${status}），请稍后重试`;
}

/** A route that the API does not have yet (being built) answers 404 with `not_found` for the route itself. */
export const isMissingRoute = (error: unknown) => error instanceof ApiError && error.status === 404 && error.code === 'not_found';

const query = (params: Record<string, string | number | undefined | null>) => {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)]))}` : '';
};

export interface RegistryFilters {
  type?: string;
  region?: string;
  from?: string;
  to?: string;
  status?: string;
}

export type Decision =
  | { action: 'approve'; comment?: string; grade?: import('#functions/domain/process.js').EvaluationGrade }
  | { action: 'reject'; comment: string }
  | { action: 'return'; comment: string; issues: Issue[] };

let forms: Promise<FormType[]> | undefined;
let processForms: Promise<FormType[]> | undefined;
const regions = new Map<string, Promise<Region>>();

/** 珠三角带粤东西北: the delta cities a paired list is of, and the cities it covers. */
type DemandPairing = { from: { code: string; name: string }[]; cities: { code: string; name: string }[] };

/** A need as posted or corrected: its files new uploads, or (correcting) files it has, kept by id. */
type DemandBody = {
  kind: string;
  industry: string;
  regionCode: string;
  title: string;
  description: string;
  expectedOutcome?: string;
  wantedBy?: string;
  materials?: ({ uploadId: string } | { materialId: string })[];
};

export const api = {
  /** The catalogue, fetched once per page load. */
  forms: () => {
    forms ??= request<FormType[]>('GET', '/v1/forms').catch((error) => {
      forms = undefined;
      throw error;
    });
    return forms;
  },
  region: (code: string) => {
    let region = regions.get(code);
    if (!region) {
      region = request<Region>('GET', `/v1/regions/${encodeURIComponent(code)}`);
      region.catch(() => regions.delete(code));
      regions.set(code, region);
    }
    return region;
  },
  submit: (body: { type: string; regionCode: string; form: FormValue; materials: MaterialRef[] }) => request<Application>('POST', '/v1/applications', body),
  applications: (params: ListFilters & { status?: string; cursor?: string | null; limit?: number } = {}) =>
    request<Page<Application>>('GET', `/v1/applications${query({ ...params })}`),
  application: (id: string) => request<Application>('GET', `/v1/applications/${encodeURIComponent(id)}`),
  resubmit: (id: string, form: FormValue, materials: MaterialRef[]) =>
    request<Application>('PUT', `/v1/applications/${encodeURIComponent(id)}`, { form, ...(materials.length ? { materials } : {}) }),
  /** A slot for one file of a material: a presigned PUT straight to object storage. */
  officeComments: (level: string, region: string) => request<OfficeComments>('GET', `/v1/offices/${level}/${encodeURIComponent(region)}/comments`),
  saveOfficeComments: (level: string, region: string, version: number, comments: string[]) =>
    request<OfficeComments>('PUT', `/v1/offices/${level}/${encodeURIComponent(region)}/comments`, { version, comments }),
  drafts: () => request<Page<DraftSummary>>('GET', '/v1/drafts'),
  draft: (id: string) => request<Draft>('GET', `/v1/drafts/${encodeURIComponent(id)}`),
  createDraft: (body: { type: string; regionCode: string; form: FormValue; materials: { key: string; uploadId: string }[] }) => request<Draft>('POST', '/v1/drafts', body),
  saveDraft: (id: string, body: { version: number; regionCode: string; form: FormValue; materials: { key: string; uploadId: string }[] }) =>
    request<Draft>('PUT', `/v1/drafts/${encodeURIComponent(id)}`, body),
  deleteDraft: async (id: string) => {
    await send('DELETE', `/v1/drafts/${encodeURIComponent(id)}`);
  },
  availability: (type: string, regionCode: string) => request<Availability>('GET', `/v1/availability${query({ type, regionCode })}`),
  /** A slot for one file: an application's material (with its type and material key), or a need's file (without). */
  uploadSlot: (body: { fileName: string; contentType: string; size: number; type?: string; material?: string }) => request<UploadSlot>('POST', '/v1/uploads', body),
  /** The upload and, once its bytes arrived, the check's verdict. */
  upload: (uploadId: string) => request<UploadView>('GET', `/v1/uploads/${encodeURIComponent(uploadId)}`),
  /** A link of a few minutes to one file of an application (PDFs and images open inline). */
  materialLink: (id: string, materialId: string) =>
    request<{ url: string; expiresAt: string }>('GET', `/v1/applications/${encodeURIComponent(id)}/materials/${encodeURIComponent(materialId)}`),
  /** A printable document of the application (申请表, 受理回执, 补正告知书) as a PDF, and the file name the API gives it. */
  document: async (id: string, kind: DocumentKind) => {
    const response = await send('GET', `/v1/applications/${encodeURIComponent(id)}/documents/${kind}`);
    const named = /filename\*=UTF-8''([^;]+)/i.exec(response.headers.get('content-disposition') ?? '');
    return { blob: await response.blob(), filename: named ? decodeURIComponent(named[1]!) : `${kind}.pdf` };
  },
  withdraw: (id: string) => request<Application>('POST', `/v1/applications/${encodeURIComponent(id)}/withdraw`, {}),
  decide: (id: string, decision: Decision) => request<Application>('POST', `/v1/applications/${encodeURIComponent(id)}/decision`, decision),
  tasks: (params: ListFilters & { cursor?: string | null; limit?: number } = {}) => request<Page<Application>>('GET', `/v1/tasks${query({ ...params })}`),
  /** 批量通过 (county and province): each item approved or refused with its reason. */
  batchApprove: (applicationIds: string[], comment?: string) =>
    request<{ items: BatchApprovalItem[] }>('POST', '/v1/tasks/approvals', { applicationIds, ...(comment ? { comment } : {}) }),
  /** 已办: what the official's office decided, newest first. */
  decisions: (params: { cursor?: string | null; limit?: number } = {}) => request<Page<Decided>>('GET', `/v1/decisions${query(params)}`),
  /** 办件查询, without signing in. */
  progress: (caseNo: string, creditCode: string) => request<ProgressLookup>('GET', `/v1/progress${query({ caseNo, creditCode })}`),
  registry: (filters: RegistryFilters & { cursor?: string | null; limit?: number }) =>
    request<Page<RegistryItem>>('GET', `/v1/registry${query({ ...filters })}`),
  /** The CSV and the file name the API gives it (`filename*` of its content-disposition). */
  registryCsv: async (filters: RegistryFilters) => {
    const response = await send('GET', `/v1/registry/export${query({ ...filters })}`);
    const named = /filename\*=UTF-8''([^;]+)/i.exec(response.headers.get('content-disposition') ?? '');
    return { blob: await response.blob(), filename: named ? decodeURIComponent(named[1]!) : '备案登记.csv' };
  },
  certificate: (no: string) => request<Certificate>('GET', `/v1/certificates/${encodeURIComponent(no)}`),
  revoke: (no: string, reason: string) => request<RegistryItem>('POST', `/v1/certificates/${encodeURIComponent(no)}/revoke`, { reason }),
  dissolve: (no: string, reason: string) => request<RegistryItem>('POST', `/v1/certificates/${encodeURIComponent(no)}/dissolve`, { reason }),
  fileReport: (no: string, year: number, form: FormValue) => request<Application>('POST', `/v1/certificates/${encodeURIComponent(no)}/reports`, { year, form }),
  fileChange: (no: string, form: FormValue) => request<Application>('POST', `/v1/certificates/${encodeURIComponent(no)}/changes`, { form }),
  fileRenewal: (no: string, form: FormValue) => request<Application>('POST', `/v1/certificates/${encodeURIComponent(no)}/renewals`, { form }),
  certificateHistory: (no: string) => request<{ certificateNo: string; items: CertificateEvent[] }>('GET', `/v1/certificates/${encodeURIComponent(no)}/history`),
  /** The forms of an annual report, a change and a renewal, from the API's published document (fetched once per page load). */
  processForms: () => {
    processForms ??= request<{ components: { schemas: Record<string, { properties: { form: FormType['schema'] } }> } }>('GET', '/v1/openapi.json')
      .then((doc) => [
        { type: 'annual-report', name: '年度报告', hostLevels: [], unique: false, materials: [], schema: doc.components.schemas.AnnualReportSubmission!.properties.form },
        { type: 'certificate-change', name: '变更申请', hostLevels: [], unique: false, materials: [], schema: doc.components.schemas.CertificateChangeSubmission!.properties.form },
        { type: 'certificate-renewal', name: '期满评估与续期', hostLevels: [], unique: false, materials: [], schema: doc.components.schemas.CertificateRenewalSubmission!.properties.form },
      ] as FormType[])
      .catch((error) => {
        processForms = undefined;
        throw error;
      });
    return processForms;
  },
  /** The catalogue's forms and the processes' (an annual report, a change), for pages that show any application. */
  allForms: async () => [...(await api.forms()), ...(await api.processForms())],
  stats: () => request<ProgressReport & { pipeline?: PipelineReport }>('GET', '/v1/stats'),
  notifications: (params: { unread?: boolean; cursor?: string | null; limit?: number } = {}) =>
    request<NotificationPage>('GET', `/v1/notifications${query({ ...params, unread: params.unread ? 'true' : undefined })}`),
  markRead: (id: string) => request<{ id: string; read: true; unread: number }>('POST', `/v1/notifications/${encodeURIComponent(id)}/read`),
  markAllRead: () => request<{ unread: number }>('POST', '/v1/notifications/read-all'),
  urge: (id: string) => request<Urged>('POST', `/v1/applications/${encodeURIComponent(id)}/urge`),
  channels: (level: DecidingLevel, region: string) => request<OfficeChannels>('GET', `/v1/offices/${level}/${encodeURIComponent(region)}/channels`),
  setChannels: (level: DecidingLevel, region: string, input: ChannelsInput) =>
    request<OfficeChannels>('PUT', `/v1/offices/${level}/${encodeURIComponent(region)}/channels`, input),
  demands: (params: { region?: string; kind?: string; industry?: string; status?: string; q?: string; pairing?: string; near?: string; cursor?: string | null; limit?: number }) =>
    request<Page<DemandView> & { pairing?: DemandPairing; near?: { counties: { code: string; name: string }[] } }>('GET', `/v1/demands${query(params)}`),
  demand: (id: string) => request<DemandView>('GET', `/v1/demands/${encodeURIComponent(id)}`),
  postDemand: (body: DemandBody) =>
    request<DemandView>('POST', '/v1/demands', body),
  respond: (id: string, body: { proposal: string; startBy?: string; certificateNo?: string }) =>
    request<DemandResponseView>('POST', `/v1/demands/${encodeURIComponent(id)}/responses`, body),
  correctDemand: (id: string, body: DemandBody) =>
    request<DemandView>('PUT', `/v1/demands/${encodeURIComponent(id)}`, body),
  decideDemand: (id: string, body: { action: 'approve' | 'return' | 'reject'; version?: number; comment?: string; issues?: { path?: string; message: string }[] }) =>
    request<DemandView>('POST', `/v1/demands/${encodeURIComponent(id)}/decision`, body),
  /** A link of a few minutes to one file of a need (PDFs and images open inline). */
  demandMaterialLink: (id: string, materialId: string) =>
    request<{ url: string; expiresAt: string }>('GET', `/v1/demands/${encodeURIComponent(id)}/materials/${encodeURIComponent(materialId)}`),
  withdrawDemand: (id: string) => request<DemandView>('POST', `/v1/demands/${encodeURIComponent(id)}/withdraw`),
  matchDemand: (id: string, responseIds: string[]) => request<DemandView>('POST', `/v1/demands/${encodeURIComponent(id)}/match`, { responseIds }),
  closeDemand: (id: string, body: { outcome: string; rating: number; comment?: string; daysOnSite?: number; peopleTrained?: number }) =>
    request<DemandView>('POST', `/v1/demands/${encodeURIComponent(id)}/close`, body),
  gaps: (region?: string) =>
    request<{ items: { regionCode: string; name: string; missing: { kind: string; name: string; count?: number }[] }[]; cursor: null }>('GET', `/v1/gaps${query({ region })}`),
  failedDeliveries: (params: { cursor?: string | null; limit?: number } = {}) => request<Page<FailedDelivery>>('GET', `/v1/deliveries/failed${query(params)}`),
};

/** The names from the province down to the region itself, e.g. 清远市 连州市 大路边镇 寒鸭村委会. */
export async function regionPath(code: string): Promise<Region[]> {
  const prefixes = [4, 6, 9, 12].filter((n) => n <= code.length).map((n) => code.slice(0, n));
  return Promise.all(prefixes.map((prefix) => api.region(prefix)));
}
