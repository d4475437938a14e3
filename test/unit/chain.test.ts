import { describe, expect, it } from 'vitest';
import { chainFor, nextStep } from '#functions/domain/chain.js';
import { decisionOutcome } from '#functions/domain/application.js';

describe('chainFor', () => {
  it('starts a village application at its township and ends at province', () => {
    expect(chainFor('441882101202')).toEqual([
      { level: 'township', region: '441882101' },
      { level: 'county', region: '441882' },
      { level: 'province', region: '44' },
    ]);
  });

  it('starts a township application at that township', () => {
    expect(chainFor('441882102').map((s) => s.region)).toEqual(['441882102', '441882', '44']);
  });

  it('starts a county application at the county and skips the township level', () => {
    expect(chainFor('440104')).toEqual([
      { level: 'county', region: '440104' },
      { level: 'province', region: '44' },
    ]);
  });

  it('gives 东莞 and 中山 townships their pseudo-county as the county level', () => {
    expect(chainFor('441900003')[1]).toEqual({ level: 'county', region: '441900' });
    expect(chainFor('442000001001')[1]).toEqual({ level: 'county', region: '442000' });
  });

  it('refuses codes that are not Guangdong counties, townships or villages', () => {
    for (const code of ['44', '4418', '110101001', '4418821', 'abc', '']) expect(() => chainFor(code)).toThrow(RangeError);
  });
});

describe('what a decision does', () => {
  it('moves an approval to the next level and finishes at the last one', () => {
    expect(nextStep('441882101202', 'township')).toEqual({ level: 'county', region: '441882' });
    expect(decisionOutcome({ regionCode: '441882101202', currentLevel: 'county' }, 'approve')).toMatchObject({
      status: 'PENDING',
      currentLevel: 'province',
      final: false,
    });
    expect(decisionOutcome({ regionCode: '441882101202', currentLevel: 'province' }, 'approve')).toMatchObject({
      next: null,
      final: true,
    });
  });

  it('ends with a rejection and keeps a returned application at the level that returned it', () => {
    expect(decisionOutcome({ regionCode: '440104', currentLevel: 'county' }, 'reject')).toMatchObject({ status: 'REJECTED', next: null });
    expect(decisionOutcome({ regionCode: '440104', currentLevel: 'county' }, 'return')).toMatchObject({
      status: 'RETURNED',
      next: { level: 'county', region: '440104' },
    });
  });
});
