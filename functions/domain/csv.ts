// CSV as Excel opens it: UTF-8 with a byte order mark, CRLF line ends, RFC 4180 quoting.

/** Without it Excel reads UTF-8 as the local code page and Chinese turns into mojibake. */
export const CSV_BOM = '\uFEFF';

/**
 * One field. Quoted when it holds a comma, a quote or a line break (quotes doubled). Text that Excel would
 * run as a formula (starting with = + - @ or a tab/CR) gets a leading apostrophe: names come from applicants.
 */
export function csvField(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRow(values: readonly (string | number | null | undefined)[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
