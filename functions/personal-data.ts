// Personal data found by its shape, and masked: mainland mobiles, unified social credit codes (and the
// 18-character resident ID numbers that share their shape), e-mail addresses. Used by the logger on
// every line and by the policy on what a caller who does not need them is shown. Pure: no AWS, no HTTP.

/**
 * A mainland mobile, written as 11 digits or 3-4-4 with spaces or hyphens, optionally after +86 / 86;
 * not part of a longer run of digits (a village code or a timestamp is not a mobile).
 */
const MOBILE = /(?<!\d)((?:\+?86[- ]?)?)(1[3-9]\d)[- ]?\d{4}[- ]?(\d{4})(?!\d)/g;

/**
 * GB 32100-2015: registration authority and category, a 6-digit division code, 9 characters of the
 * organisation code and a check character, from the 31-character set (no I, O, S, V, Z); standing alone,
 * not inside a longer word. A resident ID number (6 + 8 + 3 digits and a check digit or X) fits it too.
 */
const CREDIT_CODE = /(?<![0-9A-Za-z])([0-9A-HJ-NPQRTUWXY]{2})\d{6}[0-9A-HJ-NPQRTUWXY]{6}([0-9A-HJ-NPQRTUWXY]{4})(?![0-9A-Za-z])/gi;

const EMAIL = /(?<![\w.%+-])([\w%+-])[\w.%+-]*@([a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})/gi;

/** `13800138000` → `138****8000`; `91441882MA4UA1B2C9` → `91************B2C9`; `zhang@x.cn` → `z***@x.cn`. */
export function maskText(text: string): string {
  return text
    .replace(MOBILE, (_m, prefix: string, head: string, tail: string) => `${prefix}${head}****${tail}`)
    .replace(CREDIT_CODE, (_m, head: string, tail: string) => `${head}${'*'.repeat(12)}${tail}`)
    .replace(EMAIL, (_m, first: string, domain: string) => `${first}***@${domain}`);
}

/** A number that is a mobile (13800138000 typed as a number) is masked as its text would be. */
function maskNumber(value: number): number | string {
  const text = String(value);
  const masked = maskText(text);
  return masked === text ? value : masked;
}

/** `张伟` → `张*`: a contact person's name, kept recognisable to its owner only. */
function maskName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? '*' : chars[0] + '*'.repeat(chars.length - 1);
}

export interface MaskOptions {
  /** Also mask the `name` beside a `mobile` (a contact person, a legal representative, an operator). */
  contactNames?: boolean;
}

/**
 * A copy of `value` with every string (keys included) masked, however deep. Plain data only: class
 * instances other than Error and Date are copied as their own enumerable fields.
 */
export function maskPersonalData<T>(value: T, options: MaskOptions = {}): T {
  return maskValue(value, options, new WeakSet(), 0) as T;
}

const MAX_DEPTH = 20;

function maskValue(value: unknown, options: MaskOptions, seen: WeakSet<object>, depth: number): unknown {
  if (typeof value === 'string') return maskText(value);
  if (typeof value === 'number') return maskNumber(value);
  if (typeof value === 'bigint') return maskText(value.toString());
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Too deep]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => maskValue(item, options, seen, depth + 1));
    const source: Record<string, unknown> =
      value instanceof Error ? { name: value.name, message: value.message, ...(value as unknown as Record<string, unknown>), stack: value.stack } : (value as Record<string, unknown>);
    const out: Record<string, unknown> = {};
    const isContact = options.contactNames && 'mobile' in source && typeof source.name === 'string';
    for (const [key, item] of Object.entries(source)) {
      if (item === undefined) continue;
      out[maskText(key)] = isContact && key === 'name' ? maskName(item as string) : maskValue(item, options, seen, depth + 1);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}
