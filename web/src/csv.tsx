// A table of a page saved as CSV that Excel opens (UTF-8 with BOM, Chinese headers), built in the browser from the
// figures the page shows, so the file and the page cannot differ.
import { CSV_BOM, csvRow } from '#functions/domain/csv.js';

export type CsvCell = string | number;

export function csvText(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return CSV_BOM + [header, ...rows].map(csvRow).join('');
}

/** Today's date in China Standard Time as YYYYMMDD, for file names. */
export function dateStamp(at = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at).replaceAll('-', '');
}

export function downloadCsv(fileName: string, header: readonly string[], rows: readonly (readonly CsvCell[])[]): void {
  const url = URL.createObjectURL(new Blob([csvText(header, rows)], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A table as it is saved: its file's name, its header, and its rows as they are when it is saved. */
export interface CsvTable {
  fileName: string;
  header: readonly string[];
  rows: () => readonly (readonly CsvCell[])[];
}

/** The button under a table that saves it. */
export function CsvButton({ label, fileName, header, rows }: CsvTable & { label: string }) {
  return (
    <button type="button" class="secondary small" onClick={() => downloadCsv(fileName, header, rows())}>
      {label}
    </button>
  );
}
