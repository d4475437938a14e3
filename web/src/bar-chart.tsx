// The dashboard's horizontal bar chart: numbers as text beside SVG bars, and its table saved as CSV under it.
import { CsvButton, type CsvTable } from './csv';

export interface Bar {
  key: string;
  label: string;
  value: number;
  target?: number;
}

const percent = (value: number, of: number) => (of > 0 ? Math.min(100, (value / of) * 100) : 0);

/** Horizontal bars; the numbers are text, so they read without the picture. */
export function Chart({ id, title, bars, csv, empty = '暂无数据。' }: { id: string; title: string; bars: Bar[]; csv: CsvTable; empty?: string }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  return (
    <figure class="chart" aria-labelledby={id}>
      <figcaption id={id}>{title}</figcaption>
      {bars.length === 0 ? <p class="muted">{empty}</p> : null}
      <ul class="bars">
        {bars.map((bar) => {
          const share = percent(bar.value, bar.target ?? max);
          return (
            <li key={bar.key}>
              <span class="bar-label">{bar.label}</span>
              {/* An SVG bar: its width is an attribute, not an inline style, so a strict CSP (no 'unsafe-inline') allows it. */}
              <svg class={`bar-track${bar.target ? ' has-target' : ''}`} aria-hidden="true" focusable="false" preserveAspectRatio="none" viewBox="0 0 100 10">
                <rect class="bar-fill" x="0" y="0" height="10" width={bar.value > 0 ? Math.max(share, 0.5) : 0} />
              </svg>
              <span class="bar-value">
                {bar.value.toLocaleString('zh-CN')}
                {bar.target ? ` / ${bar.target.toLocaleString('zh-CN')}（${share.toFixed(1)}%）` : ''}
              </span>
            </li>
          );
        })}
      </ul>
      <div class="actions">
        <CsvButton label="导出 CSV" {...csv} />
      </div>
    </figure>
  );
}
