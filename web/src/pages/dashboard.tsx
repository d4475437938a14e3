import { api, isMissingRoute } from '../api';
import { countBy, readStats, type Bar, type Stats } from '../stats';
import type { FormType, RegistryItem } from '../types';
import { ErrorNotice, Loading, Notice, PageTitle, useAsync } from '../ui';

const FALLBACK_PAGES = 10;

interface DashboardData {
  stats: Stats;
  /** Counted from registry pages because GET /v1/stats is not there yet. */
  fromRegistry?: { records: number; complete: boolean };
}

async function loadDashboard(forms: FormType[]): Promise<DashboardData> {
  const typeName = (type: string) => forms.find((f) => f.type === type)?.name ?? type;
  let stats: Stats;
  let fromRegistry: DashboardData['fromRegistry'];
  try {
    stats = readStats(await api.stats());
  } catch (error) {
    if (!isMissingRoute(error)) throw error;
    const items: RegistryItem[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await api.registry({ cursor, limit: 100 });
      items.push(...page.items);
      cursor = page.cursor;
    } while (cursor && ++pages < FALLBACK_PAGES);
    stats = { byType: countBy(items, (i) => i.type), byCity: countBy(items, (i) => i.regionCode.slice(0, 4)), coverage: [] };
    fromRegistry = { records: items.length, complete: !cursor };
  }
  const cityNames = await Promise.all(stats.byCity.map((b) => (/^\d{4}$/.test(b.key) && b.label === b.key ? api.region(b.key).then((r) => r.name, () => b.key) : b.label)));
  return {
    stats: {
      ...stats,
      byType: stats.byType.map((b) => ({ ...b, label: b.label === b.key ? typeName(b.key) : b.label })),
      byCity: stats.byCity.map((b, i) => ({ ...b, label: cityNames[i]! })).sort((a, b) => b.value - a.value),
    },
    fromRegistry,
  };
}

export function DashboardPage() {
  const data = useAsync(async () => loadDashboard(await api.forms()), []);
  return (
    <section>
      <PageTitle title="进度统计">进度统计</PageTitle>
      {data.error ? <ErrorNotice error={data.error} /> : null}
      {!data.data && !data.error ? <Loading what="统计" /> : null}
      {data.data ? <Dashboard {...data.data} /> : null}
    </section>
  );
}

function Dashboard({ stats, fromRegistry }: DashboardData) {
  return (
    <>
      {fromRegistry ? (
        <Notice kind="warning">
          统计接口暂未开放，以下数字由备案名录{fromRegistry.complete ? '全部' : '前'} {fromRegistry.records} 条记录汇总；对照行动方案目标的完成情况待统计接口开放后显示。
        </Notice>
      ) : null}
      <div class="charts">
        <Chart id="chart-coverage" title="对照行动方案目标" bars={stats.coverage} empty="暂无目标完成数据。" />
        <Chart id="chart-type" title="按类型统计（已备案）" bars={stats.byType} empty="暂无备案记录。" />
        <Chart id="chart-city" title="按地级市统计（已备案）" bars={stats.byCity} empty="暂无备案记录。" />
      </div>
    </>
  );
}

const percent = (value: number, of: number) => (of > 0 ? Math.min(100, (value / of) * 100) : 0);

/** Horizontal bars drawn with CSS; the numbers are text, so they read without the picture. */
function Chart({ id, title, bars, empty }: { id: string; title: string; bars: Bar[]; empty: string }) {
  const max = Math.max(1, ...bars.map((b) => b.target ?? b.value));
  return (
    <figure class="chart" aria-labelledby={id}>
      <figcaption id={id}>{title}</figcaption>
      {bars.length === 0 ? <p class="muted">{empty}</p> : null}
      <ul class="bars">
        {bars.map((bar) => {
          const share = bar.target ? percent(bar.value, bar.target) : percent(bar.value, max);
          return (
            <li key={bar.key}>
              <span class="bar-label">{bar.label}</span>
              <span class={`bar-track${bar.target ? ' has-target' : ''}`} aria-hidden="true">
                <span class="bar-fill" style={{ width: `${share}%` }} />
              </span>
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
