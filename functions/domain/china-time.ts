// China Standard Time (UTC+8, no daylight saving), as every date users see and every working-day count reads it.

const CST_OFFSET_MS = 8 * 3600_000;

/** The CST calendar date of an instant, 'YYYY-MM-DD'. */
export function cstDate(at: Date): string {
  return new Date(at.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/** The CST year of an instant. */
export function cstYear(at: Date): number {
  return new Date(at.getTime() + CST_OFFSET_MS).getUTCFullYear();
}

/** The instant a CST calendar date ('YYYY-MM-DD') begins. */
export function cstStartOf(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) - CST_OFFSET_MS);
}

/** An instant as CST wall-clock time, 'YYYY-MM-DD HH:MM:SS' (exports, printed documents). */
export function cstDateTime(at: Date): string {
  return new Date(at.getTime() + CST_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}
