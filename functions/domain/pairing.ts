// 珠三角带粤东西北: which Pearl River Delta city pairs with which cities of eastern, western and northern Guangdong
// (the action plan: "珠三角地区市科协…主动结对帮扶粤东西北地区市科协"). Pure data and its rules: no AWS, no HTTP.
//
// The pairs are the province's to set, and a deployment sets its own by replacing `pairs` below. The default follows
// the province's 对口帮扶 arrangement of November 2013 (广东省调整加强对口帮扶会议: 广州—梅州、清远; 深圳—河源、汕尾;
// 珠海—阳江; 佛山—云浮; 东莞—韶关; 中山—潮州; 汕头、湛江、茂名、揭阳 given the province's own support instead of a
// partner), as reported then (中国新闻网, 2013-11-07). It is not a statement of the 科协 pairs now in force: later
// rounds (2016's 全面对口帮扶, 2021's 对口帮扶协作) may have changed or added partners, and 惠州、江门、肇庆, partners of
// none in that arrangement, have none here. The province must confirm the list before it is relied on.
import { PROVINCE } from './region-codes.js';

/** The nine cities of the Pearl River Delta (珠三角): 广州、深圳、珠海、佛山、惠州、东莞、中山、江门、肇庆. */
export const prdCities = ['4401', '4403', '4404', '4406', '4413', '4419', '4420', '4407', '4412'] as const;

/** The twelve cities of eastern, western and northern Guangdong (粤东西北). */
export const eastWestNorthCities = ['4405', '4451', '4452', '4415', '4408', '4409', '4417', '4402', '4418', '4414', '4416', '4453'] as const;

/** Each PRD city's partners in 粤东西北 (the province's to set; see the top of this file). */
export const pairs: Readonly<Record<(typeof prdCities)[number], readonly (typeof eastWestNorthCities)[number][]>> = {
  '4401': ['4414', '4418'], // 广州 — 梅州、清远
  '4403': ['4416', '4415'], // 深圳 — 河源、汕尾
  '4404': ['4417'], // 珠海 — 阳江
  '4406': ['4453'], // 佛山 — 云浮
  '4419': ['4402'], // 东莞 — 韶关
  '4420': ['4451'], // 中山 — 潮州
  '4413': [], // 惠州: none in the 2013 arrangement
  '4407': [], // 江门: none in the 2013 arrangement
  '4412': [], // 肇庆: none in the 2013 arrangement
};

/** The city (4 digits) a region code lies in, or undefined for the province or a code too short. */
export const cityOf = (code: string): string | undefined => (code.length >= 4 && code !== PROVINCE ? code.slice(0, 4) : undefined);

export const isPrdCity = (city: string): city is (typeof prdCities)[number] => (prdCities as readonly string[]).includes(city);

/** The 粤东西北 cities a PRD city pairs with, in the list's order (empty for a city of neither kind, or with none). */
export function pairedCitiesOf(city: string): string[] {
  return isPrdCity(city) ? [...pairs[city]] : [];
}

/** The PRD city that pairs with the city `code` lies in, or undefined (a PRD city, a 粤东西北 city with no partner). */
export function prdPartnerOf(code: string): string | undefined {
  const city = cityOf(code);
  if (!city) return undefined;
  return prdCities.find((prd) => (pairs[prd] as readonly string[]).includes(city));
}

/**
 * Why a list of pairs cannot be used, or [] when it can: every key a PRD city, every partner a 粤东西北 city, and no
 * 粤东西北 city paired with two (a need's view names one partner).
 */
export function pairingProblems(list: Readonly<Record<string, readonly string[]>>): string[] {
  const problems: string[] = [];
  const partnerOf = new Map<string, string>();
  for (const [prd, partners] of Object.entries(list)) {
    if (!isPrdCity(prd)) problems.push(`${prd} 不是珠三角城市`);
    for (const city of partners) {
      if (!(eastWestNorthCities as readonly string[]).includes(city)) problems.push(`${prd} 的结对城市 ${city} 不是粤东西北城市`);
      const earlier = partnerOf.get(city);
      if (earlier) problems.push(`${city} 同时与 ${earlier}、${prd} 结对`);
      partnerOf.set(city, prd);
    }
  }
  return problems;
}
