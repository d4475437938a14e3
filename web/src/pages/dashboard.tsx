// 进度统计: the plan's targets, the counts by type, the map of where the stations are with its tables, and the approval
// pipeline (审批进度, dashboard-pipeline.tsx); every table saved as CSV.
import { useState } from 'preact/hooks';
import type { CountRow } from '#functions/domain/progress.js';
import { api, isMissingRoute } from '../api';
import { CsvButton, dateStamp } from '../csv';
import type { PipelineReport, ProgressReport } from '../types';
import { ErrorNotice, Loading, Notice, PageTitle, useAsync } from '../ui';
import { Chart, type Bar } from '../bar-chart';
import { PipelineSection } from './dashboard-pipeline';

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

function Dashboard({ report }: { report: ProgressReport & { pipeline?: PipelineReport } }) {
  const { approved, progress, certificates } = report;
  const stamp = dateStamp();
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
          csv={{
            fileName: `进度统计-目标-${stamp}.csv`,
            header: ['目标', '已完成', '目标值', '完成率（%）'],
            rows: () => progress.map((p) => [p.name, p.count, p.target, p.percent]),
          }}
        />
        <Chart
          id="chart-type"
          title="按类型（已备案）"
          bars={approved.byType.map((t) => ({ key: t.type, label: t.name, value: t.count })).sort(byCount)}
          csv={{ fileName: `进度统计-按类型-${stamp}.csv`, header: ['类型', '已备案'], rows: () => approved.byType.map((t) => [t.name, t.count]) }}
        />
      </div>
      <StationMap report={report} stamp={stamp} />
      {report.pipeline ? <PipelineSection pipeline={report.pipeline} stamp={stamp} /> : null}
    </>
  );
}

/**
 * Where the stations are: the map of the province's cities (a city opens its counties) shaded by all stations or one
 * type, beside the table of the same figures, each table saved as CSV. The map's code and outlines load only here.
 */
function StationMap({ report, stamp }: { report: ProgressReport; stamp: string }) {
  const { approved } = report;
  const [measure, setMeasure] = useState('');
  const [city, setCity] = useState<string | null>(null);
  const map = useAsync(() => import('../region-map'), []);
  const typeName = approved.byType.find((t) => t.type === measure)?.name;
  const measureName = typeName ?? '全部类型';
  const valueOf = (row: CountRow) => (measure ? (row.byType[measure] ?? 0) : row.count);
  const cityName = approved.byCity.find((c) => c.code === city)?.name ?? '';
  const rows = city ? approved.byCounty.filter((c) => c.city === city) : approved.byCity;
  const title = city ? `${cityName}各县（市、区）已备案：${measureName}` : `各地级市已备案：${measureName}`;
  const typeColumns = approved.byType.map((t) => t.name);
  const countsOf = (row: CountRow) => [row.count, ...approved.byType.map((t) => row.byType[t.type] ?? 0)];
  const countyCsv = (counties: typeof approved.byCounty) => () =>
    counties.map((c) => [c.code, c.name, approved.byCity.find((x) => x.code === c.city)?.name ?? c.city, ...countsOf(c)]);
  return (
    <section class="map-section" aria-labelledby="station-map-heading">
      <h2 id="station-map-heading">各地分布</h2>
      <div class="map-controls">
        <div class="field inline">
          <label for="map-measure">按类型着色：</label>
          <select id="map-measure" value={measure} onChange={(e) => setMeasure(e.currentTarget.value)}>
            <option value="">全部类型</option>
            {approved.byType.map((t) => (
              <option key={t.type} value={t.type}>
                {t.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field inline">
          <label for="county-city">查看各县（区）：</label>
          <select id="county-city" value={city ?? ''} onChange={(e) => setCity(e.currentTarget.value || null)}>
            <option value="">全省（各地级市）</option>
            {approved.byCity.map((c) => (
              <option key={c.code} value={c.code}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div class="map-layout">
        <div class="map-pane">
          {map.data ? (
            <map.data.RegionMap
              id="station-map"
              title={title}
              city={city}
              values={Object.fromEntries(rows.map((r) => [r.code, valueOf(r)]))}
              describe={(n) => `${n.toLocaleString('zh-CN')} 个${typeName ?? '站点与协会'}`}
              palette="stations"
              onOpen={city ? undefined : setCity}
              onBack={() => setCity(null)}
            />
          ) : map.error ? (
            <ErrorNotice error={map.error} />
          ) : (
            <Loading what="地图" />
          )}
        </div>
        <div class="map-table">
          <table class="table figures" id="station-table">
            <caption>{title}</caption>
            <thead>
              <tr>
                <th scope="col">{city ? '县（市、区）' : '地级市'}</th>
                <th scope="col">{measureName}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.code} data-code={row.code}>
                  <th scope="row" data-label={city ? '县（市、区）' : '地级市'}>
                    {city ? (
                      row.name
                    ) : (
                      <button type="button" class="link" onClick={() => setCity(row.code)} aria-label={`${row.name}：查看各县（区）`}>
                        {row.name}
                      </button>
                    )}
                  </th>
                  <td data-label={measureName} class="number">
                    {valueOf(row).toLocaleString('zh-CN')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="actions">
            {city ? (
              <CsvButton
                label={`导出${cityName}各县 CSV`}
                fileName={`进度统计-按县-${cityName}-${stamp}.csv`}
                header={['区划代码', '县（市、区）', '地级市', '全部类型', ...typeColumns]}
                rows={countyCsv(approved.byCounty.filter((c) => c.city === city))}
              />
            ) : (
              <>
                <CsvButton
                  label="导出各市 CSV"
                  fileName={`进度统计-按市-${stamp}.csv`}
                  header={['区划代码', '地级市', '全部类型', ...typeColumns]}
                  rows={() => approved.byCity.map((c) => [c.code, c.name, ...countsOf(c)])}
                />
                <CsvButton label="导出全省各县 CSV" fileName={`进度统计-按县-${stamp}.csv`} header={['区划代码', '县（市、区）', '地级市', '全部类型', ...typeColumns]} rows={countyCsv(approved.byCounty)} />
              </>
            )}
          </div>
        </div>
      </div>
    </section>
  );
}
