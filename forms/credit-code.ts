// Identity checks that the forms use: the unified social credit code (GB 32100-2015) and mainland mobile numbers.

/** The 31 characters of GB 32100-2015, in the order of their values 0–30 (no I, O, Z, S, V). */
export const CREDIT_CODE_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/**
 * Organisation categories (second character) allowed for each registration authority (first character),
 * as the standard and its amendment list them. 民政 also issues 4 and 5 to village and residents'
 * committees (基层群众性自治组织), which the table predates; a village must be able to apply.
 */
const CATEGORIES: Record<string, string> = {
  '1': '1239', // 机构编制: 机关, 事业单位, 群众团体, 其他
  '2': '19', // 外交
  '3': '123459', // 司法行政
  '4': '19', // 文化
  '5': '123459', // 民政: 社会团体, 民办非企业单位, 基金会, 村（居）委会, 其他
  '6': '129', // 旅游
  '7': '129', // 宗教
  '8': '19', // 工会
  '9': '123', // 市场监管（工商）: 企业, 个体工商户, 农民专业合作社
  A: '19', // 中央军委改革和编制办公室
  N: '1239', // 农业: 组级, 村级, 乡镇级集体经济组织, 其他
  Y: '1', // 其他
};

/** 'structure': an authority, category or region code the standard does not define. */
export type CreditCodeProblem = 'length' | 'charset' | 'structure' | 'check';

/** The check character for the first 17 characters of a code; throws if they are not 17 charset characters. */
export function creditCodeCheckChar(first17: string): string {
  if (first17.length !== 17) throw new Error(`expected 17 characters, got ${first17.length}`);
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = CREDIT_CODE_CHARSET.indexOf(first17[i]);
    if (value < 0) throw new Error(`'${first17[i]}' is not a GB 32100-2015 character`);
    sum += value * WEIGHTS[i];
  }
  return CREDIT_CODE_CHARSET[(31 - (sum % 31)) % 31];
}

/** What is wrong with a unified social credit code, or null when it is valid. */
export function creditCodeProblem(code: string): CreditCodeProblem | null {
  if (code.length !== 18) return 'length';
  if (![...code].every((c) => CREDIT_CODE_CHARSET.includes(c))) return 'charset';
  // Characters 3–8 are the registering authority's GB/T 2260 region code.
  if (!CATEGORIES[code[0]]?.includes(code[1]) || !/^\d{6}$/.test(code.slice(2, 8))) return 'structure';
  if (creditCodeCheckChar(code.slice(0, 17)) !== code[17]) return 'check';
  return null;
}

export function isValidCreditCode(code: string): boolean {
  return creditCodeProblem(code) === null;
}

export const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;

export function isMainlandMobile(s: string): boolean {
  return MAINLAND_MOBILE.test(s);
}
