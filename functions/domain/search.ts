// Search of applications by a fragment of their name, their organisation's name, its credit code or the case number.
// Pure: what text an application is found by, the bigram keys of the search index, and which key a query reads.
import { DomainError } from './application.js';
import { normalizeCaseNumber } from './case-number.js';

/** The shortest and longest query (characters, after normalization): one character would match nearly everything. */
export const QUERY_MIN = 2;
export const QUERY_MAX = 50;

/** Index keys per application at most: they are written in the change's own transaction (100 items at most), a rename deleting the old and writing the new. */
export const MAX_SEARCH_KEYS = 56;

/** Full-width to half-width, lower case, no spaces or hyphens: what is typed and what is stored compare alike. */
export function normalizeSearch(text: string): string {
  return normalizeCaseNumber(text.normalize('NFKC').toLowerCase());
}

export interface Searchable {
  form: Record<string, unknown>;
  caseNo: string | null;
}

/** The fields an application is found by, normalized, in the order their keys are kept when there are too many. */
function fieldsOf(app: Searchable): string[] {
  const form = app.form as { name?: unknown; organisation?: { name?: unknown; creditCode?: unknown } };
  // The credit code last: a whole code is found by the organisation's own list (byOwner), so its fragments matter least.
  const values = [form.name, app.caseNo, form.organisation?.name, form.organisation?.creditCode];
  return values.filter((v): v is string => typeof v === 'string' && v.length > 0).map(normalizeSearch);
}

/**
 * The text a query fragment is matched against (DynamoDB's `contains`): the fields one per line, so that no
 * fragment matches across two of them (a normalized query holds no line break).
 */
export function searchTextOf(app: Searchable): string {
  return fieldsOf(app).join('\n');
}

function bigrams(text: string): string[] {
  const chars = [...text];
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  return out;
}

/** The distinct bigrams of an application's fields: its keys in the search index (the name's first). */
export function searchKeysOf(app: Searchable, max = MAX_SEARCH_KEYS): string[] {
  const keys = new Set<string>();
  for (const field of fieldsOf(app)) {
    for (const gram of bigrams(field)) {
      if (keys.size >= max) return [...keys];
      keys.add(gram);
    }
  }
  return [...keys];
}

/**
 * Bigrams nearly every application has (the catalogue's words, the regions' suffixes): a query reads the index
 * under one of its other bigrams when it has one, so that the partition read is a small one.
 */
const COMMON = new Set(
  bigrams(
    '乡镇科协 农村专业技术协会 农技协联合会 学会科技服务站 农村科技特派员工作站 院士专家工作站 乡村振兴学会联合体科技服务站 农技专家服务站 科普中国乡村e站 有限公司 合作社 委员会 广东省 人民政府 街道办事处 研究院 大学 学院'.replace(/\s/g, '|'),
  ).filter((g) => !g.includes('|')),
);

/** The index key a query reads: its rarest-looking bigram (not a common word; of several, the last, as in a number's tail). */
export function queryKey(q: string): string {
  const grams = bigrams(q);
  const rare = grams.filter((g) => !COMMON.has(g));
  return (rare.length ? rare : grams).at(-1)!;
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
