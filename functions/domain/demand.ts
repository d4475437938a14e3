// The demand library (需求库): a village's, township's or county's need, the responses of certified stations, the
// match the posting office makes and the rating it gives when closing. Pure: no AWS, no HTTP.
import type { Actor } from './application.js';
import type { DecidingLevel } from './chain.js';
import type { DemandMaterial } from './demand-materials.js';
import { PROVINCE, levelOfCode } from './region-codes.js';

export const demandKinds = ['talent', 'technology', 'project', 'training'] as const;
export type DemandKind = (typeof demandKinds)[number];
export const demandKindNames: Record<DemandKind, string> = { talent: '人才', technology: '技术', project: '项目', training: '培训' };

export const demandStatuses = ['PENDING', 'RETURNED', 'PUBLISHED', 'MATCHED', 'CLOSED', 'REJECTED', 'WITHDRAWN'] as const;
export type DemandStatus = (typeof demandStatuses)[number];
export const demandStatusNames: Record<DemandStatus, string> = {
  PENDING: '待确认',
  RETURNED: '已退回',
  PUBLISHED: '征集中',
  MATCHED: '已对接',
  CLOSED: '已办结',
  REJECTED: '未通过',
  WITHDRAWN: '已撤回',
};
/** What every signed-in caller may see: the library's public face. The rest only the offices of its region. */
export const publicDemandStatuses: ReadonlySet<DemandStatus> = new Set(['PUBLISHED', 'MATCHED', 'CLOSED']);

/** At most this many responses are picked in one match (each is notified and linked to its certificate in the same write). */
export const MAX_MATCHED = 10;

/**
 * `overdue`: the sweeper's, when a published need has waited DEMAND_RESPONSE_DAYS without a response. A village
 * account's need is first confirmed by its office: `approve` (published), `return` (一次性告知, corrected with
 * `resubmit`), `reject`; the village may `withdraw` it while it is not yet published.
 */
export type DemandAction = 'post' | 'respond' | 'match' | 'close' | 'overdue' | 'approve' | 'return' | 'reject' | 'resubmit' | 'withdraw';

/** What a confirming office decides on a village's need (POST /v1/demands/{id}/decision). */
export type DemandDecision = 'approve' | 'return' | 'reject';

/** A problem the office names when it returns a need (一次性告知): the field it is about, and what is wrong. */
export interface DemandIssue {
  path?: string;
  message: string;
}

export interface DemandEvent {
  at: string;
  action: DemandAction;
  actor: Actor;
  comment: string | null;
  /** match: the responses picked. */
  responseIds?: string[];
  /** return: every problem at once. */
  issues?: DemandIssue[];
}

/** The village account (村委会) that posted a need; its office (`postedBy`) confirms it and then manages it. */
export interface PostingVillage {
  region: string;
  sub: string;
  name: string;
}

/**
 * The office that posted a need (or, for a village's need, the office that confirms it): only it picks responses and
 * closes (and sees the responders' contacts).
 */
export interface PostingOffice {
  level: DecidingLevel;
  region: string;
  sub: string;
  name: string;
}

export interface Closure {
  outcome: string;
  rating: 1 | 2 | 3 | 4 | 5;
  comment: string | null;
  daysOnSite: number | null;
  peopleTrained: number | null;
  closedAt: string;
}

export interface Demand {
  id: string;
  kind: DemandKind;
  industry: string;
  regionCode: string;
  title: string;
  description: string;
  expectedOutcome: string | null;
  /** A date (YYYY-MM-DD) by which the need should be met. */
  wantedBy: string | null;
  status: DemandStatus;
  postedBy: PostingOffice;
  postedAt: string;
  updatedAt: string;
  version: number;
  responseCount: number;
  matchedResponseIds: string[];
  matchedAt: string | null;
  closure: Closure | null;
  /** When it had waited DEMAND_RESPONSE_DAYS without a response (its region counts it as 超期无响应 until one comes). */
  overdueAt: string | null;
  /** A village account's need: the village that posted it (null for an office's). */
  village: PostingVillage | null;
  /** When it was published: at its posting for an office's need, at its office's approval for a village's. */
  publishedAt: string | null;
  /** A village's need awaiting its office (PENDING): when the office's soft time limit ends (TIME_LIMITS). */
  confirmBy: string | null;
  /** A RETURNED need: the problems its office listed, every one at once. */
  issues: DemandIssue[];
  /** Its files (photos, PDFs), at most MAX_DEMAND_MATERIALS (functions/domain/demand-materials.ts). */
  materials: DemandMaterial[];
}

/**
 * A need as its posting makes it, at version 1, with nothing yet of responses, match or close: an office's published
 * at once; a village's PENDING until its office confirms it (`confirmBy` its office's soft limit).
 */
export function newDemand(
  fields: Pick<Demand, 'id' | 'kind' | 'industry' | 'regionCode' | 'title' | 'description' | 'expectedOutcome' | 'wantedBy' | 'postedBy'> & Partial<Pick<Demand, 'materials'>>,
  at: string,
  village: { by: PostingVillage; confirmBy: string } | null = null,
): Demand {
  return {
    ...fields,
    status: village ? 'PENDING' : 'PUBLISHED',
    postedAt: at,
    updatedAt: at,
    version: 1,
    responseCount: 0,
    matchedResponseIds: [],
    matchedAt: null,
    closure: null,
    overdueAt: null,
    village: village?.by ?? null,
    publishedAt: village ? null : at,
    confirmBy: village?.confirmBy ?? null,
    issues: [],
    materials: fields.materials ?? [],
  };
}

/**
 * The office that confirms a village's need: its township (乡镇科协); a village that sits directly under a county (no
 * township of its own in the region list), its county. `exists` says whether a region code is known.
 */
export function confirmingOffice(villageCode: string, exists: (code: string) => boolean): { level: DecidingLevel; region: string } {
  const township = villageCode.slice(0, 9);
  return exists(township) ? { level: 'township', region: township } : { level: 'county', region: villageCode.slice(0, 6) };
}

/** Where a need stands while its office confirms it: PENDING awaits the office, RETURNED the village's correction. */
export function awaitsConfirmation(status: DemandStatus): boolean {
  return status === 'PENDING' || status === 'RETURNED';
}

/** A station's organisation's answer to a need: who (its certificate's station), what, from when. */
export interface DemandResponse {
  id: string;
  demandId: string;
  org: string;
  certificateNo: string;
  stationName: string;
  organisationName: string;
  proposal: string;
  startBy: string | null;
  /** The station's contact, from its approved application: shown to the posting office only. */
  contact: { name: string; mobile: string; email?: string };
  respondedAt: string;
  status: 'SUBMITTED' | 'MATCHED';
  respondedBy: { sub: string; name: string };
}

/** A matched need as its station's certificate shows it (GET /v1/certificates/{no}): no contacts, no comment. */
export interface CertificateDemand {
  demandId: string;
  title: string;
  kind: DemandKind;
  regionCode: string;
  matchedAt: string;
  status: 'MATCHED' | 'CLOSED';
  closedAt: string | null;
  rating: number | null;
  outcome: string | null;
}

/** A host region a need may name: a county, a township or a village (not the province nor a city). */
export function isDemandRegionLevel(code: string): boolean {
  const level = levelOfCode(code);
  return level === 'county' || level === 'township' || level === 'village';
}

/** Whether a region code lies inside an office's region (the office's own code is a prefix of it). */
export function withinOffice(officeRegion: string, code: string): boolean {
  return officeRegion === PROVINCE || code.startsWith(officeRegion);
}

/** A need of every status but the final ones may still change; CLOSED, REJECTED, WITHDRAWN do not. */
export function isFinal(status: DemandStatus): boolean {
  return status === 'CLOSED' || status === 'REJECTED' || status === 'WITHDRAWN';
}

// --- Chinese text search --------------------------------------------------------------------------------------------

/**
 * How many distinct grams a need is indexed under: its posting items are written in the need's own transaction, and
 * DynamoDB takes at most 100 items in one. The title's grams come first, then the description's in order, so a long
 * description is searchable in its opening part (documented in the README).
 */
export const MAX_SEARCH_GRAMS = 60;

/** Text as it is searched: NFKC (full-width Latin and digits become ASCII), lower case, runs of letters and digits only. */
function runsOf(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/** The distinct bigrams of a text, in order of first appearance (a run of one character is its own gram). */
export function bigrams(text: string): string[] {
  const grams = new Set<string>();
  for (const run of runsOf(text)) {
    const chars = [...run];
    if (chars.length === 1) grams.add(chars[0]);
    for (let i = 0; i + 1 < chars.length; i++) grams.add(chars[i] + chars[i + 1]);
  }
  return [...grams];
}

/** The grams a need is indexed under: its title's, then its description's, at most MAX_SEARCH_GRAMS. */
export function searchGrams(demand: Pick<Demand, 'title' | 'description'>): string[] {
  return [...new Set([...bigrams(demand.title), ...bigrams(demand.description)])].slice(0, MAX_SEARCH_GRAMS);
}

/** The normalised form of a search: its runs joined by a space, or undefined when it holds no letter or digit. */
export function normaliseQuery(q: string): string | undefined {
  const runs = runsOf(q);
  return runs.length ? runs.join(' ') : undefined;
}

/** Whether the need's title or description holds every run of the (normalised) search. */
export function matchesQuery(demand: Pick<Demand, 'title' | 'description'>, normalised: string): boolean {
  const text = runsOf(`${demand.title} ${demand.description}`).join(' ');
  return normalised.split(' ').every((run) => text.includes(run));
}

/** The gram whose partition a search reads: the first bigram of the query's first run of two or more characters; undefined when it has none. */
export function queryGram(normalised: string): string | undefined {
  const run = normalised.split(' ').find((r) => [...r].length >= 2);
  return run ? bigrams(run)[0] : undefined;
}
