// What an application is found by (functions/domain/search.ts): its searchable fields, normalized, as stored on the
// application item for the lists' `contains` filter. Small and apart, for the store every function carries.
import { normalizeCaseNumber } from './case-number.js';

/** Full-width to half-width, lower case, no spaces or hyphens: what is typed and what is stored compare alike. */
export function normalizeSearch(text: string): string {
  return normalizeCaseNumber(text.normalize('NFKC').toLowerCase());
}

export interface Searchable {
  form: Record<string, unknown>;
  caseNo: string | null;
}

export interface Fields {
  /** Free text (the names): keyed by bigrams. */
  text: string[];
  /** Codes (the case number, the credit code): keyed by 4-grams, as digit and letter bigrams are shared by nearly all. */
  codes: string[];
}

export function fieldsOf(app: Searchable): Fields {
  const form = app.form as { name?: unknown; organisation?: { name?: unknown; creditCode?: unknown } };
  const given = (values: unknown[]) => values.filter((v): v is string => typeof v === 'string' && v.length > 0).map(normalizeSearch);
  return { text: given([form.name, form.organisation?.name]), codes: given([app.caseNo, form.organisation?.creditCode]) };
}

/**
 * The text a query fragment is matched against (DynamoDB's `contains`): the fields one per line, so that no
 * fragment matches across two of them (a normalized query holds no line break).
 */
export function searchTextOf(app: Searchable): string {
  const { text, codes } = fieldsOf(app);
  const [name, organisation] = text;
  // The order of the fields as they were stored before codes were told apart: name, case number, organisation, credit code.
  const [caseNo, creditCode] = app.caseNo ? codes : [undefined, codes[0]];
  return [name, caseNo, organisation, creditCode].filter((v) => v !== undefined).join('\n');
}

