// The demand library's pure rules: the grams a need is searched by, how a search is read, which regions host a need,
// and who posts, sees and confirms a village's need.
import { describe, expect, it } from 'vitest';
import { MAX_SEARCH_GRAMS, bigrams, confirmingOffice, isDemandRegionLevel, matchesQuery, normaliseQuery, queryGram, searchGrams } from '#functions/domain/demand.js';
import { assertMayConfirmDemand, assertMayPostDemand, mayViewDemand } from '#functions/policy.js';
import { demandScopesOf } from '#functions/store/demands.js';

describe('the text search', () => {
  it('indexes the distinct bigrams of each run of letters and digits, in order, punctuation and spaces splitting runs', () => {
    // Act
    const grams = bigrams('柑橘黄龙病，柑橘 5G');

    // Assess
    expect(grams).toEqual(['柑橘', '橘黄', '黄龙', '龙病', '5g']);
  });

  it('normalises full-width letters and digits and case, so a search typed either way finds the same need', () => {
    expect(normaliseQuery('  ＡＢＣ１２３ 直播 ')).toBe('abc123 直播');
    expect(matchesQuery({ title: '农产品ABC直播培训', description: '' }, normaliseQuery('ａｂｃ直播')!)).toBe(true);
    expect(matchesQuery({ title: '农产品直播培训', description: '' }, normaliseQuery('电商直播')!)).toBe(false);
  });

  it('reads the partition of the first bigram of a run of two or more characters; a search of single characters has none', () => {
    expect(queryGram(normaliseQuery('茶 病虫害')!)).toBe('病虫');
    expect(queryGram(normaliseQuery('茶')!)).toBeUndefined();
    expect(normaliseQuery('，。！')).toBeUndefined();
  });

  it('indexes the title whole and the description up to the cap, so the need and its postings fit one transaction', () => {
    // Prepare: a description of far more distinct characters than the cap
    const description = Array.from({ length: 300 }, (_, i) => String.fromCodePoint(0x4e00 + i)).join('');

    // Act
    const grams = searchGrams({ title: '水稻种植', description });

    // Assess
    expect(grams).toHaveLength(MAX_SEARCH_GRAMS);
    expect(grams.slice(0, 3)).toEqual(['水稻', '稻种', '种植']);
  });
});

describe('where a need is listed', () => {
  it('is hosted by a county, a township or a village only', () => {
    expect(['441882', '441882102', '441882102201'].map(isDemandRegionLevel)).toEqual([true, true, true]);
    expect(['44', '4418'].map(isDemandRegionLevel)).toEqual([false, false]);
  });

  it('fans out into every scope a filter may name: province and each ancestor, × kind or any, × industry or any', () => {
    // Act
    const scopes = demandScopesOf({ regionCode: '441882102201', kind: 'technology', industry: 'planting' }, 'PUBLISHED');

    // Assess: 5 regions × 2 × 2, all distinct
    expect(new Set(scopes).size).toBe(20);
    expect(scopes).toContain('DEMLIST#PUBLISHED#44#*#*');
    expect(scopes).toContain('DEMLIST#PUBLISHED#441882#technology#planting');
    expect(scopes).toContain('DEMLIST#PUBLISHED#441882102201#*#planting');
  });
});

describe("a village's need and its confirmation", () => {
  const village = { sub: 'v', name: '东峉塘村委会', role: 'village' as const, region: '441882102206' };
  const township = { sub: 't', name: '大路边镇科协', role: 'official' as const, level: 'township' as const, region: '441882102' };
  const county = { sub: 'c', name: '连州市科协', role: 'official' as const, level: 'county' as const, region: '441882' };
  const pending = { regionCode: '441882102206', status: 'PENDING', postedBy: { level: 'township', region: '441882102' }, village: { region: '441882102206' } };

  it('is confirmed by its township, or by its county when the region list has no township for it', () => {
    expect(confirmingOffice('441882102206', (code) => code === '441882102')).toEqual({ level: 'township', region: '441882102' });
    expect(confirmingOffice('441882102206', () => false)).toEqual({ level: 'county', region: '441882' });
  });

  it('is posted by a village account in its own village only', () => {
    expect(() => assertMayPostDemand(village, '441882102206')).not.toThrow();
    expect(() => assertMayPostDemand(village, '441882102201')).toThrow(/本村/);
    expect(() => assertMayPostDemand(village, '441882102')).toThrow(/本村/);
  });

  it('is seen before it is published by its own village and the offices of its region, by nobody else', () => {
    expect(mayViewDemand(village, pending)).toBe(true);
    expect(mayViewDemand(township, pending)).toBe(true);
    expect(mayViewDemand({ ...village, region: '441882102201' }, pending)).toBe(false);
    expect(mayViewDemand({ ...township, region: '441882101' }, pending)).toBe(false);
    expect(mayViewDemand({ sub: 'a', name: '协会', role: 'applicant', org: '51441882MJ1234567W' }, pending)).toBe(false);
  });

  it('is decided by its township alone: the county that sees it and the village are refused (403)', () => {
    expect(assertMayConfirmDemand(township, pending, 'd')).toBe(pending);
    expect(() => assertMayConfirmDemand(county, pending, 'd')).toThrow(expect.objectContaining({ code: 'forbidden' }));
    expect(() => assertMayConfirmDemand(village, pending, 'd')).toThrow(expect.objectContaining({ code: 'forbidden' }));
    expect(() => assertMayConfirmDemand({ ...township, region: '441882101' }, pending, 'd')).toThrow(expect.objectContaining({ code: 'not_found' }));
  });

  it('is listed, while not public, by region alone (kind and industry filtered), so its publishing fits one transaction', () => {
    // Act
    const unpublished = demandScopesOf({ regionCode: '441882102206', kind: 'training', industry: 'planting' }, 'PENDING');
    const published = demandScopesOf({ regionCode: '441882102206', kind: 'training', industry: 'planting' }, 'PUBLISHED');

    // Assess: 2 (need, event) + 5 moved off + 20 public + MAX_SEARCH_GRAMS + 3 counters + wait + notice ≤ 100
    expect(unpublished).toHaveLength(5);
    expect(published).toHaveLength(20);
    expect(2 + unpublished.length + published.length + MAX_SEARCH_GRAMS + 3 + 1 + 1).toBeLessThanOrEqual(100);
  });
});
