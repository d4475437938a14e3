// 审批进度 on the dashboard: applications in progress by level, overdue by office (a city opens its counties), the
// working days each level takes, and returns by type; each chart beside its table, each table saved as CSV.
import { useState } from 'preact/hooks';
import { Chart } from '../bar-chart';
import type { PipelineReport, PipelineRow } from '../types';

const levels = [
  { level: 'township', name: '乡镇' },
  { level: 'county', name: '县（区）' },
  { level: 'province', name: '省' },
] as const;

const sum = (counts: Record<string, number>) => levels.reduce((total, { level }) => total + counts[level], 0);
const shown = (n: number) => n.toLocaleString('zh-CN');

/** A median or p90 in words: a bucket above 20 days stands for a range (functions/domain/pipeline.ts DAY_BUCKETS). */
function daysText(days: number | null): string {
  if (days === null) return '—';
  if (days === 30) return '21–30';
  if (days === 60) return '31–60';
  if (days === 61) return '60 以上';
  return String(days);
}

export function PipelineSection({ pipeline, stamp }: { pipeline: PipelineReport; stamp: string }) {
  const [city, setCity] = useState<string | null>(null);
  const cityName = pipeline.byCity.find((c) => c.code === city)?.name ?? '';
  const officeRows: PipelineRow[] = city ? pipeline.byCounty.filter((c) => c.city === city) : pipeline.byCity;
  const officeColumn = city ? '县（市、区）' : '地级市';
  const overdueTitle = city ? `${cityName}各县（市、区）超期未办` : '各地级市超期未办';
  const officeHeader = [officeColumn, ...levels.map((l) => `${l.name}超期`), '超期合计', ...levels.map((l) => `${l.name}待审批`), '退回修改'];
  const officeCells = (row: PipelineRow) => [...levels.map((l) => row.overdue[l.level]), sum(row.overdue), ...levels.map((l) => row.pending[l.level]), row.returned];
  const stages = [
    ...pipeline.levels.map((l) => ({ key: l.level, label: `${l.name}待审批`, value: l.pending })),
    { key: 'returned', label: '退回修改待重新提交', value: pipeline.returned },
  ];
  const returns = pipeline.returnsByType.filter((r) => r.count > 0).sort((a, b) => b.count - a.count);
  return (
    <section class="pipeline-section" aria-labelledby="pipeline-heading">
      <h2 id="pipeline-heading">审批进度</h2>
      <p class="muted">
        在办申请 <strong>{pipeline.inProgress.toLocaleString('zh-CN')}</strong> 件（含年度报告、变更、期满评估与续期）。各项计数由办理申请的同一操作随时更新，超期指已过本级审批期限（工作日）仍未办理。
      </p>

      <div class="pipeline-block">
        <Chart
          id="chart-pipeline-stages"
          title="各环节在办"
          bars={stages}
          csv={{
            fileName: `审批进度-各环节在办-${stamp}.csv`,
            header: ['环节', '件数', '其中超期'],
            rows: () => [...pipeline.levels.map((l) => [`${l.name}待审批`, l.pending, l.overdue]), ['退回修改待重新提交', pipeline.returned, '']],
          }}
        />
        <table class="table figures" id="pipeline-stages-table">
          <caption>各环节在办</caption>
          <thead>
            <tr>
              <th scope="col">环节</th>
              <th scope="col">件数</th>
              <th scope="col">其中超期</th>
            </tr>
          </thead>
          <tbody>
            {pipeline.levels.map((l) => (
              <tr key={l.level}>
                <th scope="row" data-label="环节">{l.name}待审批</th>
                <td data-label="件数" class="number">{shown(l.pending)}</td>
                <td data-label="其中超期" class="number">{shown(l.overdue)}</td>
              </tr>
            ))}
            <tr>
              <th scope="row" data-label="环节">退回修改待重新提交</th>
              <td data-label="件数" class="number">{shown(pipeline.returned)}</td>
              <td data-label="其中超期" class="number">—</td>
            </tr>
          </tbody>
        </table>
      </div>

      <div class="pipeline-block">
        <Chart
          id="chart-pipeline-overdue"
          title={overdueTitle}
          empty="暂无超期未办。"
          // Only the offices with tasks overdue: the table beside lists every one.
          bars={officeRows.map((r) => ({ key: r.code, label: r.name, value: sum(r.overdue) })).filter((bar) => bar.value > 0).sort((a, b) => b.value - a.value)}
          csv={{
            fileName: city ? `审批进度-超期-${cityName}各县-${stamp}.csv` : `审批进度-超期-各市-${stamp}.csv`,
            header: ['区划代码', ...officeHeader],
            rows: () => officeRows.map((r) => [r.code, r.name, ...officeCells(r)]),
          }}
        />
        <div>
          <table class="table figures" id="pipeline-overdue-table">
            <caption>{overdueTitle}</caption>
            <thead>
              <tr>
                <th scope="col">{officeColumn}</th>
                {levels.map((l) => (
                  <th scope="col" key={l.level}>
                    {l.name}超期
                  </th>
                ))}
                <th scope="col">在办</th>
              </tr>
            </thead>
            <tbody>
              {officeRows.map((row) => (
                <tr key={row.code} data-code={row.code}>
                  <th scope="row" data-label={officeColumn}>
                    {city ? (
                      row.name
                    ) : (
                      <button type="button" class="link" onClick={() => setCity(row.code)} aria-label={`${row.name}：查看各县（区）超期`}>
                        {row.name}
                      </button>
                    )}
                  </th>
                  {levels.map((l) => (
                    <td key={l.level} data-label={`${l.name}超期`} class="number">
                      {row.overdue[l.level].toLocaleString('zh-CN')}
                    </td>
                  ))}
                  <td data-label="在办" class="number">
                    {(sum(row.pending) + row.returned).toLocaleString('zh-CN')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {city ? (
            <button type="button" class="secondary small" onClick={() => setCity(null)}>
              返回全省各市
            </button>
          ) : null}
        </div>
      </div>

      <div class="pipeline-block">
        <Chart
          id="chart-pipeline-days"
          title="各级办理用时（工作日，中位数）"
          bars={pipeline.levels.map((l) => ({ key: l.level, label: l.name, value: l.medianDays ?? 0 }))}
          csv={{
            fileName: `审批进度-办理用时-${stamp}.csv`,
            header: ['层级', '已作决定', '中位数（工作日）', '第 90 百分位（工作日）'],
            rows: () => pipeline.levels.map((l) => [l.name, l.decided, daysText(l.medianDays), daysText(l.p90Days)]),
          }}
        />
        <table class="table figures" id="pipeline-days-table">
          <caption>各级办理用时（工作日）</caption>
          <thead>
            <tr>
              <th scope="col">层级</th>
              <th scope="col">已作决定</th>
              <th scope="col">中位数</th>
              <th scope="col">第 90 百分位</th>
            </tr>
          </thead>
          <tbody>
            {pipeline.levels.map((l) => (
              <tr key={l.level}>
                <th scope="row" data-label="层级">{l.name}</th>
                <td data-label="已作决定" class="number">{shown(l.decided)}</td>
                <td data-label="中位数" class="number">{daysText(l.medianDays)}</td>
                <td data-label="第 90 百分位" class="number">{daysText(l.p90Days)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <div class="pipeline-block">
        <Chart
          id="chart-pipeline-returns"
          title="按类型退回修改"
          empty="暂无退回修改。"
          bars={returns.map((r) => ({ key: r.type, label: r.name, value: r.count }))}
          csv={{ fileName: `审批进度-退回修改-${stamp}.csv`, header: ['类型', '退回修改次数'], rows: () => pipeline.returnsByType.map((r) => [r.name, r.count]) }}
        />
        <table class="table figures" id="pipeline-returns-table">
          <caption>按类型退回修改（次）</caption>
          <thead>
            <tr>
              <th scope="col">类型</th>
              <th scope="col">退回修改</th>
            </tr>
          </thead>
          <tbody>
            {pipeline.returnsByType.map((r) => (
              <tr key={r.type}>
                <th scope="row" data-label="类型">{r.name}</th>
                <td data-label="退回修改" class="number">{r.count.toLocaleString('zh-CN')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
