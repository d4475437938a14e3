// Progress against the action plan: its goals and targets, and what one approved application adds to them.
// Pure: the store turns a contribution into counter updates inside the approval's transaction.
import { createHash } from 'node:crypto';
import { ancestorAt, childrenOf, levelOfCode, type RegionLevel } from '../regions/index.js';

export type GoalId =
  | 'county-tech-federations'
  | 'village-rural-tech-associations'
  | 'county-consortium-stations'
  | 'township-associations'
  | 'experts';

/** A goal met by covering regions: distinct host regions of `level` with an approved application of `type`. */
interface CoverageGoal {
  kind: 'coverage';
  type: string;
  level: RegionLevel;
}

export interface Goal {
  id: GoalId;
  name: string;
  /** What the plan asks for: at least this many. */
  target: () => number;
  measure: CoverageGoal | { kind: 'experts' };
}

const countiesOf = () => childrenOf('44').flatMap((city) => childrenOf(city.code));
let regionTotals: { counties: number; townships: number } | undefined;
/** Counted from the region data once: 124 county-level divisions, 1,757 townships and streets. */
function regionTotalsOnce() {
  if (!regionTotals) {
    const counties = countiesOf();
    regionTotals = { counties: counties.length, townships: counties.reduce((n, county) => n + childrenOf(county.code).length, 0) };
  }
  return regionTotals;
}

export const goals: readonly Goal[] = [
  {
    id: 'county-tech-federations',
    name: '县级农技协联合会',
    target: () => 100,
    measure: { kind: 'coverage', type: 'tech-federation', level: 'county' },
  },
  {
    id: 'village-rural-tech-associations',
    name: '村级农技协',
    target: () => 1_000,
    measure: { kind: 'coverage', type: 'rural-tech-association', level: 'village' },
  },
  {
    id: 'county-consortium-stations',
    name: '建有乡村振兴学会联合体科技服务站的县（区）',
    target: () => regionTotalsOnce().counties,
    measure: { kind: 'coverage', type: 'consortium-station', level: 'county' },
  },
  {
    id: 'township-associations',
    name: '建有乡镇科协的乡镇（街道）',
    target: () => regionTotalsOnce().townships,
    measure: { kind: 'coverage', type: 'township-association', level: 'township' },
  },
  {
    id: 'experts',
    name: '在已批准站点中服务的专家（去重）',
    target: () => 20_000,
    measure: { kind: 'experts' },
  },
];

/** The experts of stations count toward the plan's 20,000 scientists; associations' optional experts do not. */
function namesExperts(type: string): boolean {
  return type.endsWith('-station');
}

/** What one approval adds: +1 to its type in the province, its city and its county; the regions it covers; its experts. */
export interface Contribution {
  type: string;
  /** Count scopes: the city and the county of the host region (every host region has both). */
  regions: string[];
  coverage: { goal: GoalId; region: string }[];
  /** Identities (hashes of name and affiliation) of the experts named, without repeats. */
  experts: string[];
}

export function contributionOf(app: { type: string; regionCode: string; form: Record<string, unknown> }): Contribution {
  const level = levelOfCode(app.regionCode);
  const regions = (['city', 'county'] as const).map((l) => ancestorAt(app.regionCode, l)).filter((code): code is string => !!code);
  const coverage = goals.flatMap((goal) =>
    goal.measure.kind === 'coverage' && goal.measure.type === app.type && goal.measure.level === level
      ? [{ goal: goal.id, region: app.regionCode }]
      : [],
  );
  const experts = namesExperts(app.type) ? expertsNamed(app.form) : [];
  return { type: app.type, regions, coverage, experts };
}

/** A name or affiliation as people write it in different forms: full-width/half-width and spacing do not matter. */
function normalised(text: unknown): string {
  return String(text ?? '')
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .toLowerCase();
}

/**
 * The same person named by two stations counts once: identity is name plus affiliation (an academician's
 * academy stands for the affiliation). Stored as a short hash, so the counters hold no personal data.
 */
export function expertIdentity(name: unknown, affiliation: unknown): string {
  return createHash('sha256').update(`${normalised(name)}|${normalised(affiliation)}`).digest('hex').slice(0, 20);
}

function expertsNamed(form: Record<string, unknown>): string[] {
  const list = (value: unknown) => (Array.isArray(value) ? (value as Record<string, unknown>[]) : []);
  const ids = [
    ...list(form.experts).map((e) => expertIdentity(e?.name, e?.affiliation)),
    ...list(form.academicians).map((a) => expertIdentity(a?.name, `academy:${String(a?.academy ?? '')}`)),
  ];
  return [...new Set(ids)];
}

/** Counters as stored: active (approved and not ended) counts per scope ('44', a city, a county) by type, and each goal's count. */
export interface StatsSnapshot {
  counts: Map<string, { total: number; byType: Record<string, number> }>;
  goals: Partial<Record<GoalId, number>>;
  /** Certificates ended, by how: they left the counts above. */
  ended: { REVOKED: number; EXPIRED: number; DISSOLVED: number };
  /** Years' annual reports overdue (逾期未报) on active certificates. */
  reportsOverdue: number;
}

export interface CountRow {
  code: string;
  name: string;
  count: number;
  byType: Record<string, number>;
}

export interface ProgressReport {
  approved: {
    total: number;
    byType: { type: string; name: string; count: number }[];
    /** Every city, in code order, with 0 where nothing is approved yet. */
    byCity: CountRow[];
    /** Every county-level division, in code order, with its city. */
    byCounty: (CountRow & { city: string })[];
  };
  progress: { goal: GoalId; name: string; count: number; target: number; percent: number }[];
  /** The counts above are of active certificates; these ended and left them. */
  certificates: { active: number; revoked: number; expired: number; dissolved: number; reportsOverdue: number };
}

/** The administrators' view of the counters: names from the catalogue and the region data, targets from the plan. */
export function progressReport(snapshot: StatsSnapshot, typeNames: Record<string, string>): ProgressReport {
  const row = (code: string, name: string): CountRow => {
    const counted = snapshot.counts.get(code);
    return { code, name, count: counted?.total ?? 0, byType: { ...counted?.byType } };
  };
  const province = snapshot.counts.get('44');
  const cities = childrenOf('44');
  return {
    approved: {
      total: province?.total ?? 0,
      byType: Object.entries(typeNames).map(([type, name]) => ({ type, name, count: province?.byType[type] ?? 0 })),
      byCity: cities.map((city) => row(city.code, city.name)),
      byCounty: cities.flatMap((city) => childrenOf(city.code).map((county) => ({ ...row(county.code, county.name), city: city.code }))),
    },
    progress: goals.map((goal) => {
      const count = snapshot.goals[goal.id] ?? 0;
      const target = goal.target();
      return { goal: goal.id, name: goal.name, count, target, percent: Math.round((count / target) * 1000) / 10 };
    }),
    certificates: { active: province?.total ?? 0, revoked: snapshot.ended.REVOKED, expired: snapshot.ended.EXPIRED, dissolved: snapshot.ended.DISSOLVED, reportsOverdue: snapshot.reportsOverdue },
  };
}
