// The demand library's pure rules: the grams a need is searched by, how a search is read, which regions host a need.
import { describe, expect, it } from 'vitest';
import { MAX_SEARCH_GRAMS, bigrams, isDemandRegionLevel, matchesQuery, normaliseQuery, queryGram, searchGrams } from '#functions/domain/demand.js';
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
