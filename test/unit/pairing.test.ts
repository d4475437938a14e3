// 珠三角带粤东西北: the default pairs (the 2013 对口帮扶 arrangement, to be confirmed by the province) hold the rules a
// list of pairs must: PRD cities pair with 粤东西北 cities, none with two partners; and a need's region names its partner.
import { describe, expect, it } from 'vitest';
import { cityOf, eastWestNorthCities, isPrdCity, pairedCitiesOf, pairingProblems, pairs, prdCities, prdPartnerOf } from '#functions/domain/pairing.js';
import { childrenOf, findRegion } from '#functions/regions/index.js';

describe('the Pearl River Delta and 粤东西北', () => {
  it('split the province’s 21 cities: nine of the delta, twelve of the east, west and north, none in both', () => {
    // Prepare
    const cities = childrenOf('44').map((c) => c.code).sort();

    // Assess
    expect([...prdCities, ...eastWestNorthCities].sort()).toEqual(cities);
    expect(prdCities.map((code) => findRegion(code)!.name)).toEqual(['广州市', '深圳市', '珠海市', '佛山市', '惠州市', '东莞市', '中山市', '江门市', '肇庆市']);
  });
});

describe('the default pairs', () => {
  it('are a list the rules accept', () => {
    expect(pairingProblems(pairs)).toEqual([]);
  });

  it('follow the 对口帮扶 arrangement: 广州—梅州、清远, 深圳—河源、汕尾, 珠海—阳江, 佛山—云浮, 东莞—韶关, 中山—潮州', () => {
    const named = Object.fromEntries(Object.entries(pairs).map(([prd, partners]) => [findRegion(prd)!.name, partners.map((c) => findRegion(c)!.name)]));
    expect(named).toMatchObject({
      广州市: ['梅州市', '清远市'],
      深圳市: ['河源市', '汕尾市'],
      珠海市: ['阳江市'],
      佛山市: ['云浮市'],
      东莞市: ['韶关市'],
      中山市: ['潮州市'],
    });
  });

  it('leave 惠州, 江门 and 肇庆 without partners, and 汕头, 湛江, 茂名, 揭阳 without one (none in that arrangement)', () => {
    for (const city of ['4413', '4407', '4412']) expect(pairedCitiesOf(city)).toEqual([]);
    for (const city of ['4405', '4408', '4409', '4452']) expect(prdPartnerOf(city)).toBeUndefined();
  });
});

describe('a region’s partner', () => {
  it('is found from any code inside a paired city: a village of 连州市 (清远) pairs with 广州', () => {
    expect(prdPartnerOf('441882102206')).toBe('4401');
    expect(prdPartnerOf('4414')).toBe('4401');
    expect(prdPartnerOf('441502')).toBe('4403');
  });

  it('is none for the delta itself and for the province', () => {
    expect(prdPartnerOf('440104001')).toBeUndefined();
    expect(prdPartnerOf('44')).toBeUndefined();
    expect(cityOf('44')).toBeUndefined();
  });

  it('is asked only of delta cities: a 粤东西北 city pairs with nothing itself', () => {
    expect(isPrdCity('4418')).toBe(false);
    expect(pairedCitiesOf('4418')).toEqual([]);
  });
});

describe('a list of pairs a deployment sets', () => {
  it('is refused with every problem: a key outside the delta, a partner inside it, a city with two partners', () => {
    // Act
    const problems = pairingProblems({ '4418': ['4414'], '4401': ['4403', '4414'], '4403': ['4414'] });

    // Assess (a record's numeric keys iterate in ascending order)
    expect(problems).toEqual(['4401 的结对城市 4403 不是粤东西北城市', '4414 同时与 4401、4403 结对', '4418 不是珠三角城市', '4414 同时与 4403、4418 结对']);
  });
});
