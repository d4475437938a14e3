import { useState } from 'preact/hooks';
import { api, isMissingRoute } from '../api';
import type { ProgressReport } from '../types';
import { ErrorNotice, Loading, Notice, PageTitle, useAsync } from '../ui';

interface Bar {
  key: string;
  label: string;
  value: number;
  target?: number;
}

export function DashboardPage() {
  const stats = useAsync(() => api.stats(), []);
  return (
    <section>
      <PageTitle title="进度统计">进度统计</PageTitle>
      {stats.error ? (
        isMissingRoute(stats.error) ? (
          <Notice kind="warning">统计接口暂未开放，请稍后再试。</Notice>
        ) : (
          <ErrorNotice error={stats.error} />
        )
      ) : null}
      {!stats.data && !stats.error ? <Loading what="统计" /> : null}
      {stats.data ? <Dashboard report={stats.data} /> : null}
    </section>
  );
}

const byCount = (a: Bar, b: Bar) => b.value - a.value;

function Dashboard({ report }: { report: ProgressReport }) {
  const { approved, progress, certificates } = report;
  const [city, setCity] = useState(approved.byCity.find((c) => c.count > 0)?.code ?? approved.byCity[0]?.code ?? '');
  const cityName = approved.byCity.find((c) => c.code === city)?.name ?? '';
  return (
    <>
      <p class="lead">
        全省已备案且证书有效的站点与协会 <strong>{approved.total.toLocaleString('zh-CN')}</strong> 个
        {certificates ? `（另有已撤销 ${certificates.revoked} 个、已到期 ${certificates.expired} 个、已注销 ${certificates.dissolved} 个，不计入以下统计${certificates.reportsOverdue ? `；有效站点中逾期未报的年度报告 ${certificates.reportsOverdue} 份` : ''}）` : ''}。
      </p>
      <div class="charts">
        <Chart
          id="chart-progress"
          title="对照行动方案目标"
          bars={progress.map((p) => ({ key: p.goal, label: p.name, value: p.count, target: p.target }))}
        />
        <Chart id="chart-type" title="按类型（已备案）" bars={approved.byType.map((t) => ({ key: t.type, label: t.name, value: t.count })).sort(byCount)} />
        <Chart id="chart-city" title="按地级市（已备案）" bars={approved.byCity.map((c) => ({ key: c.code, label: c.name, value: c.count })).sort(byCount)} />
        <div class="chart-with-picker">
          <div class="field inline">
            <label for="county-city">查看各县（区）：</label>
            <select id="county-city" value={city} onChange={(e) => setCity(e.currentTarget.value)}>
              {approved.byCity.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          <Chart
            id="chart-county"
            title={`${cityName}各县（市、区）（已备案）`}
            bars={approved.byCounty.filter((c) => c.city === city).map((c) => ({ key: c.code, label: c.name, value: c.count }))}
          />
        </div>
      </div>
    </>
  );
}

const percent = (value: number, of: number) => (of > 0 ? Math.min(100, (value / of) * 100) : 0);

/** Horizontal bars; the numbers are text, so they read without the picture. */
function Chart({ id, title, bars }: { id: string; title: string; bars: Bar[] }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  return (
    <figure class="chart" aria-labelledby={id}>
      <figcaption id={id}>{title}</figcaption>
      {bars.length === 0 ? <p class="muted">暂无数据。</p> : null}
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
    </figure>
  );
}
