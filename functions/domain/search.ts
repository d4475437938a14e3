// Search of applications by a fragment of their name, their organisation's name, its credit code or the case number.
// Pure: what text an application is found by, the bigram keys of the search index, and which key a query reads.
import { DomainError } from './application.js';
import { fieldsOf, normalizeSearch, type Searchable } from './search-text.js';

export { normalizeSearch, searchTextOf, type Searchable } from './search-text.js';

/** The shortest and longest query (characters, after normalization): one character would match nearly everything. */
export const QUERY_MIN = 2;
export const QUERY_MAX = 50;

/** Index keys per application at most: they are written in the change's own transaction (100 items at most), a rename deleting the old and writing the new. */
export const MAX_SEARCH_KEYS = 56;

function grams(text: string, n: number): string[] {
  const chars = [...text];
  const out: string[] = [];
  for (let i = 0; i + n <= chars.length; i++) out.push(chars.slice(i, i + n).join(''));
  return out;
}

const bigrams = (text: string) => grams(text, 2);

/** A code's 4-gram as a key (marked, so that no bigram of a name is taken for one). */
const CODE_GRAM = 4;
const codeKey = (gram: string) => `#${gram}`;

/** A fragment of letters and digits only, long enough to be looked up among the codes' 4-grams. */
const isCodeFragment = (q: string) => /^[0-9a-z]+$/.test(q) && q.length >= CODE_GRAM;

/**
 * An application's keys in the search index: the bigrams of its name, the 4-grams of its case number, the bigrams of
 * its organisation's name, the 4-grams of its credit code, each once, at most `max` (in that order).
 */
export function searchKeysOf(app: Searchable, max = MAX_SEARCH_KEYS): string[] {
  const { text, codes } = fieldsOf(app);
  const [name = '', organisation = ''] = text;
  const [caseNo, creditCode] = app.caseNo ? codes : [undefined, codes[0]];
  const ordered = [
    ...bigrams(name),
    ...grams(caseNo ?? '', CODE_GRAM).map(codeKey),
    ...bigrams(organisation),
    ...grams(creditCode ?? '', CODE_GRAM).map(codeKey),
  ];
  return [...new Set(ordered)].slice(0, max);
}

/**
 * Bigrams nearly every application has (the catalogue's words, the regions' suffixes): a query reads the index
 * under one of its other bigrams when it has one, so that the partition read is a small one.
 */
const COMMON_WORDS =
  '乡镇科协 农村专业技术协会 农技协联合会 学会科技服务站 农村科技特派员工作站 院士专家工作站 乡村振兴学会联合体科技服务站 农技专家服务站 科普中国乡村e站 有限公司 合作社 委员会 广东省 人民政府 街道办事处 研究院 大学 学院';
// Built on first use: a bundle that imports this module for other reasons carries no Set built at load.
let common: Set<string> | undefined;
const isCommon = (gram: string) => (common ??= new Set(COMMON_WORDS.split(' ').flatMap(bigrams))).has(gram);

/** The index key a query reads: its rarest-looking bigram (not a common word; of several, the last). */
export function queryKey(q: string): string {
  // Letters and digits only, four or more: a fragment of a code, read under its last 4-gram (a number's tail varies most).
  if (isCodeFragment(q)) return codeKey(grams(q, CODE_GRAM).at(-1)!);
  const all = bigrams(q);
  const rare = all.filter((g) => !isCommon(g));
  return (rare.length ? rare : all).at(-1)!;
}

/**
 * Whether a query asks for more than its index key's partition holds: another bigram that is not a common word, so
 * that most entries read under the key are left out (a place and a product, 大路边柑橘). A code's fragment is not: its
 * key's partition is a handful of entries.
 */
export function narrowsBeyondKey(q: string): boolean {
  if (isCodeFragment(q)) return false;
  const key = queryKey(q);
  return bigrams(q).some((gram) => gram !== key && !isCommon(gram));
}

/** A `q` parameter checked and normalized; 400 naming what is wrong (every problem at once). */
export function parseQuery(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const q = normalizeSearch(raw);
  const length = [...q].length;
  const issues: { path: string; message: string }[] = [];
  if (length === 0) issues.push({ path: 'q', message: '搜索内容不能为空，请输入名称、单位、统一社会信用代码或受理号的一部分' });
  else if (length < QUERY_MIN) issues.push({ path: 'q', message: `搜索内容至少 ${QUERY_MIN} 个字符（一个字会匹配几乎所有申请）` });
  else if (length > QUERY_MAX) issues.push({ path: 'q', message: `搜索内容最多 ${QUERY_MAX} 个字符` });
  if (/[\u0000-\u001f\u007f]/.test(q)) issues.push({ path: 'q', message: '搜索内容含有控制字符' });
  if (issues.length) throw new DomainError('validation', '搜索条件有误', { issues });
  return q;
}
